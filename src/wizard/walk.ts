/**
 * Moving through the trees: which node comes next, what an answer sets, where the walk stops to ask,
 * and the progress estimate. Pure functions over the wizard state.
 */
import type { Answers } from "../answers/schema.js";
import { getPath, setPath } from "../answers/path.js";
import type { Choice, ChoiceNode, TreeNode, TreeSet } from "../trees/model.js";
import { evaluate } from "./condition.js";
import { validateInput } from "./input.js";
import { fillMissing, matchText, missingPart } from "./match.js";
import { tableIn, type Catalog } from "./catalog.js";
import type { PartialAnswers, QuestionNode, WizardState } from "./state.js";

/** The choices offered now: those whose `when` holds for the answers so far. */
export function offeredChoices(node: ChoiceNode, answers: PartialAnswers): Choice[] {
  return node.choices.filter((c) => !c.when || evaluate(c.when, answers as Answers));
}

export function nodeAt(trees: TreeSet, id: string): TreeNode {
  const node = trees.nodes[id];
  if (!node) throw new Error(`The trees refer to a node "${id}" that does not exist.`);
  return node;
}

/** Where to go after `node` answered with `value`. */
export function nextAfter(node: QuestionNode, value: unknown): string {
  const choice = node.type === "choice" ? node.choices.find((c) => c.value === value) : undefined;
  const next = choice?.next ?? node.next;
  if (!next) throw new Error(`Node "${node.id}" has no next node for the answer ${JSON.stringify(value)}.`);
  return next;
}

/** Records `value` at the node's answer path, plus the extra answers a choice sets. */
function applyAnswer(node: QuestionNode, value: unknown, answers: PartialAnswers, keepExisting = false): PartialAnswers {
  let out = keepExisting ? answers : setPath(answers, node.answer, value);
  const choice = node.type === "choice" ? node.choices.find((c) => c.value === value) : undefined;
  for (const [path, extra] of Object.entries(choice?.set ?? {})) {
    // A prefilled answer wins over what a prefilled choice would set.
    if (keepExisting && getPath(out, path) !== undefined) continue;
    out = setPath(out, path, extra);
  }
  return out;
}

/** Like nextAfter, but for looking ahead: an unknown way on is the end of the estimate, not an error. */
function peekNext(node: QuestionNode, value: unknown): string | undefined {
  const choice = node.type === "choice" ? node.choices.find((c) => c.value === value) : undefined;
  return choice?.next ?? node.next;
}

/** A node whose `when` is false is passed through: its `next`, else the branch of its current answer. */
function nextWhenSkipped(node: QuestionNode, answers: PartialAnswers): string {
  if (node.next) return node.next;
  const current = getPath(answers, node.answer);
  const choice = node.type === "choice" ? (node.choices.find((c) => c.value === current) ?? node.choices[0]) : undefined;
  if (choice?.next) return choice.next;
  throw new Error(`Node "${node.id}" is skipped by its condition but has no next node.`);
}

/**
 * Answering `node` with `value`: the answer (plus a choice's `set`), and for a `route_by_match` input
 * the answers its text matches, filled in where nothing is set yet and added to the prefill so the
 * questions they settle are skipped.
 */
export function answerWith(trees: TreeSet, node: QuestionNode, value: unknown, walk: Walk, catalog?: Catalog): Walk {
  const history = [...walk.history, { nodeId: node.id, before: walk.answers, prefillBefore: walk.prefill }];
  let answers = applyAnswer(node, value, walk.answers);
  let prefill = walk.prefill;
  // A table the database knows: its row estimate answers the size question (back undoes it with the prefill).
  const rows = node.answer === "table" && catalog ? tableIn(catalog, value)?.estimatedRows : undefined;
  if (rows !== undefined && rows !== null && answers.approx_rows === undefined) {
    answers = fillMissing(answers, { approx_rows: rows });
    prefill = fillMissing(prefill, { approx_rows: rows });
  }
  if (node.type === "input" && node.route_by_match && typeof value === "string") {
    const match = matchText(trees, node.id, value);
    if (match) {
      const added = missingPart(answers, match.answers);
      answers = fillMissing(answers, added);
      prefill = fillMissing(prefill, added);
    }
  }
  return { answers, history, prefill };
}

/** A remembered value can be replayed only if it is still a valid answer now. */
function stillValid(node: QuestionNode, value: unknown, answers: PartialAnswers): boolean {
  if (node.type === "input") return true;
  return offeredChoices(node, answers).some((c) => c.value === value);
}

// ---------------------------------------------------------------------------------------------
// Moving through the tree

export type Walk = Pick<WizardState, "answers" | "history" | "prefill">;

/**
 * Walks forward from `id` (inclusive), passing nodes whose `when` is false, nodes answered by the
 * prefill, and (while editing) nodes answered before, until a question must be asked or an end is reached.
 */
export function walkFrom(state: WizardState, id: string, walk: Walk): WizardState {
  let { answers, history, prefill } = walk;
  const seen = new Set<string>();
  for (;;) {
    if (seen.has(id)) throw new Error(`The trees loop back to node "${id}".`);
    seen.add(id);
    const node = nodeAt(state.trees, id);
    if (node.type === "end") {
      const summary: WizardState = {
        ...state,
        screen: "summary",
        nodeId: id,
        answers,
        history,
        prefill,
        outcome: node.outcome,
        editing: false,
        cursor: history.length,
        buffer: "",
        caret: 0,
        error: undefined,
      };
      return { ...summary, step: history.length, total: history.length };
    }
    if (node.when && !evaluate(node.when, answers as Answers)) {
      id = nextWhenSkipped(node, answers);
      continue;
    }
    const prefilled = getPath(prefill, node.answer);
    if (prefilled !== undefined) {
      answers = applyAnswer(node, prefilled, answers, true);
      id = nextAfter(node, prefilled);
      continue;
    }
    if (state.editing && id in state.given && stillValid(node, state.given[id], answers)) {
      const value = state.given[id];
      ({ answers, history, prefill } = answerWith(state.trees, node, value, { answers, history, prefill }, state.catalog));
      id = nextAfter(node, value);
      continue;
    }
    return ask({ ...state, answers, history, prefill }, node);
  }
}

/** The index of the remembered choice among those offered now, else 0. */
function rememberedIndex(state: WizardState, node: ChoiceNode): number {
  return Math.max(0, offeredChoices(node, state.answers).findIndex((c) => c.value === state.given[node.id]));
}

/** Shows `node` as the current question, with its last given value preselected. */
export function ask(state: WizardState, node: QuestionNode): WizardState {
  const remembered = state.given[node.id];
  let cursor = 0;
  let buffer = "";
  if (node.type === "choice") {
    const index = offeredChoices(node, state.answers).findIndex((c) => c.value === remembered);
    cursor = Math.max(0, index);
  } else if (remembered !== undefined) {
    buffer = String(remembered);
  }
  return withProgress({ ...state, screen: "question", nodeId: node.id, cursor, buffer, caret: buffer.length, error: undefined, pickIndex: -1 });
}

/** The value the current question would give if confirmed now, if there is one. */
function pendingValue(state: WizardState, node: QuestionNode): { value: unknown } | undefined {
  if (node.type === "choice") {
    const choice = offeredChoices(node, state.answers)[state.cursor];
    return choice ? { value: choice.value } : undefined;
  }
  const result = validateInput(node.input, state.buffer);
  return result.ok ? { value: result.value } : undefined;
}

/**
 * Step is the 1-based index of the current question. Total adds the questions still ahead on the path
 * the current answers imply, taking the focused choice here and, further on, remembered or first choices.
 */
export function withProgress(state: WizardState): WizardState {
  const step = state.history.length + 1;
  const node = nodeAt(state.trees, state.nodeId) as QuestionNode;
  // On a choice question the estimate follows the remembered (else the first) choice, not the cursor:
  // "of about M" must not jump while the user only looks through the choices.
  const pending = node.type === "choice" ? pendingValue({ ...state, cursor: rememberedIndex(state, node) }, node) : pendingValue(state, node);
  let answers = pending ? applyAnswer(node, pending.value, state.answers) : state.answers;
  let id = pending ? peekNext(node, pending.value) : node.next;
  let ahead = 0;
  const seen = new Set<string>([node.id]);
  while (id && !seen.has(id) && state.trees.nodes[id]) {
    seen.add(id);
    const next = nodeAt(state.trees, id);
    if (next.type === "end") break;
    if (next.when && !evaluate(next.when, answers as Answers)) {
      id = next.next ?? peekNext(next, getPath(answers, next.answer));
      continue;
    }
    const prefilled = getPath(state.prefill, next.answer);
    if (prefilled !== undefined) {
      answers = applyAnswer(next, prefilled, answers, true);
      id = peekNext(next, prefilled);
      continue;
    }
    ahead++;
    const guess = next.id in state.given ? state.given[next.id] : next.type === "choice" ? offeredChoices(next, answers)[0]?.value : undefined;
    if (guess !== undefined) answers = applyAnswer(next, guess, answers);
    id = guess !== undefined ? peekNext(next, guess) : next.next;
  }
  return { ...state, step, total: step + ahead };
}

// ---------------------------------------------------------------------------------------------
// Public API
