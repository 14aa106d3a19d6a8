/** What the screens read from the wizard state: the question, its pick list and note, help, the answered lines. */
import { getPath } from "../answers/path.js";
import { filterPicks, picksFor, questionNote, type PickLine } from "./catalog.js";
import type { PartialAnswers, QuestionNode, WizardState } from "./state.js";
import { nodeAt } from "./walk.js";

/** The question being asked, or undefined off the question screen. */
export function currentQuestion(state: WizardState): QuestionNode | undefined {
  if (state.screen !== "question") return undefined;
  return nodeAt(state.trees, state.nodeId) as QuestionNode;
}

/** The pick list under the current input question, filtered by what is typed; empty without a snapshot. */
export function currentPicks(state: WizardState): PickLine[] {
  const node = currentQuestion(state);
  if (!node || node.type !== "input" || !state.catalog) return [];
  return filterPicks(picksFor(state.catalog, node.answer, state.answers) ?? [], state.buffer);
}

/** What the schema says about the current question (the column's type, the child column's index), if anything. */
export function currentNote(state: WizardState): string | undefined {
  const node = currentQuestion(state);
  return node && state.catalog ? questionNote(state.catalog, node.answer, state.answers) : undefined;
}

/**
 * A question's help with `{path}` replaced by the answer given at that path (`{table}` -> the table the
 * user typed), or by a neutral word when there is none yet.
 */
export function helpText(node: QuestionNode, answers: PartialAnswers): string {
  return node.help.replace(/\{([a-z_][a-z0-9_.]*)\}/g, (whole, path: string) => {
    const value = getPath(answers, path);
    if (typeof value === "string" || typeof value === "number") return String(value);
    return path === "table" ? "your_table" : whole;
  });
}

export interface AnsweredLine {
  nodeId: string;
  prompt: string;
  /** The chosen label, or the typed value; "(none)" for an empty optional input. */
  shown: string;
}

/** Each asked question with the answer it now holds, in the order asked (the summary, and the lines above a question). */
export function answeredLines(state: WizardState): AnsweredLine[] {
  return state.history.map(({ nodeId }) => {
    const node = nodeAt(state.trees, nodeId) as QuestionNode;
    const value = state.given[nodeId];
    // A later question may refine the same key ("Help me choose" -> stack -> django): show where it ended.
    const now = getPath(state.answers, node.answer);
    const label = (v: unknown) => (node.type === "choice" ? node.choices.find((c) => c.value === v)?.label : undefined);
    const shown = node.type === "choice" ? (label(now) ?? label(value) ?? String(value)) : value === undefined ? "(none)" : String(value);
    return { nodeId, prompt: node.prompt, shown };
  });
}
