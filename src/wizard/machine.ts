/**
 * The wizard as a pure state machine: `start` builds the first state, `reduce` applies one event.
 * No React and no I/O here, so every rule (skips, back, progress, summary edits) is testable alone.
 */
import type { Answers } from "../answers/schema.js";
import { getPath, setPath } from "../answers/path.js";
import type { Choice, ChoiceNode, InputNode, TreeNode, TreeSet } from "../trees/model.js";
import { evaluate } from "./condition.js";
import { validateInput } from "./input.js";
import { fillMissing, matchText, missingPart } from "./match.js";
import { editText, type TextAction } from "./text-edit.js";
import { filterPicks, picksFor, questionNote, tableIn, type Catalog, type PickLine } from "./catalog.js";

/** Answers while the wizard runs: the required keys arrive one question at a time. */
export type PartialAnswers = Partial<Answers>;
export type QuestionNode = ChoiceNode | InputNode;

export type Screen = "question" | "summary" | "done" | "cancelled";

/** A question the user was actually asked, with the answers as they were just before it. */
export interface Asked {
  nodeId: string;
  before: PartialAnswers;
  /** The prefill just before it: answering a `route_by_match` input adds to it, and back undoes that. */
  prefillBefore?: PartialAnswers;
}

export interface WizardState {
  trees: TreeSet;
  mode: string;
  /**
   * Answers from a file, or filled in by matching a `route_by_match` input (a pasted error message):
   * their questions are never asked.
   */
  prefill: PartialAnswers;
  screen: Screen;
  /** The current question, or the end node once on the summary. */
  nodeId: string;
  /** Answers so far, not including the current question. */
  answers: PartialAnswers;
  /** Asked questions in order, oldest first; skipped nodes are not here. */
  history: Asked[];
  /** Each node's last given value: preselected when the question comes back, replayed after a summary edit. */
  given: Record<string, unknown>;
  /** Focused row: a choice index on a choice question, a line on the summary (the last line is "write"). */
  cursor: number;
  /** Text typed into an input question. */
  buffer: string;
  /** The caret in `buffer`: characters before it. */
  caret: number;
  /** A one-off remark on the last key (Esc on the first question), cleared by the next key. */
  notice?: string;
  /** The live validation error of `buffer`, if any. */
  error?: string;
  showHelp: boolean;
  /** Set by a summary edit: questions answered before are replayed instead of asked again. */
  editing: boolean;
  step: number;
  total: number;
  /** Set on the end node; returned with the answers once the summary is confirmed. */
  outcome?: string;
  result?: { outcome: string; answers: Answers };
  /** With a schema snapshot: tables and columns to pick from (catalog.ts). */
  catalog?: Catalog;
  /** The focused line of the pick list under an input question; -1 (or absent) while the typed text stands. */
  pickIndex?: number;
}

export type WizardEvent =
  | { type: "move"; by: 1 | -1 }
  /** Pick the n-th (1-based) offered choice and confirm it. */
  | { type: "select"; number: number }
  | { type: "confirm" }
  | { type: "type"; text: string }
  | { type: "erase" }
  /** Any other text-field editing (caret moves, word and line erases). */
  | { type: "text"; action: TextAction }
  /** A pasted chunk that ended in Enter on a choice list: pick the choice it names (number, value or label). */
  | { type: "pick"; text: string }
  | { type: "back" }
  | { type: "edit"; nodeId: string }
  | { type: "toggle_help" }
  | { type: "cancel" };

// ---------------------------------------------------------------------------------------------
// Tree helpers

/** The choices offered now: those whose `when` holds for the answers so far. */
export function offeredChoices(node: ChoiceNode, answers: PartialAnswers): Choice[] {
  return node.choices.filter((c) => !c.when || evaluate(c.when, answers as Answers));
}

function nodeAt(trees: TreeSet, id: string): TreeNode {
  const node = trees.nodes[id];
  if (!node) throw new Error(`The trees refer to a node "${id}" that does not exist.`);
  return node;
}

/** Where to go after `node` answered with `value`. */
function nextAfter(node: QuestionNode, value: unknown): string {
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
function answerWith(trees: TreeSet, node: QuestionNode, value: unknown, walk: Walk, catalog?: Catalog): Walk {
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

type Walk = Pick<WizardState, "answers" | "history" | "prefill">;

/**
 * Walks forward from `id` (inclusive), passing nodes whose `when` is false, nodes answered by the
 * prefill, and (while editing) nodes answered before, until a question must be asked or an end is reached.
 */
function walkFrom(state: WizardState, id: string, walk: Walk): WizardState {
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
function ask(state: WizardState, node: QuestionNode): WizardState {
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
function withProgress(state: WizardState): WizardState {
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

export function start(trees: TreeSet, mode: string, prefill: PartialAnswers = {}, catalog?: Catalog): WizardState {
  const entry = trees.entry[mode];
  if (!entry) throw new Error(`The trees have no entry for mode "${mode}".`);
  const answers: PartialAnswers = prefill.mode === undefined && (mode === "plan" || mode === "troubleshoot") ? { ...prefill, mode } : { ...prefill };
  const initial: WizardState = {
    trees,
    mode,
    prefill,
    screen: "question",
    nodeId: entry,
    answers,
    history: [],
    given: {},
    cursor: 0,
    buffer: "",
    caret: 0,
    showHelp: false,
    editing: false,
    step: 1,
    total: 1,
    ...(catalog ? { catalog } : {}),
  };
  return walkFrom(initial, entry, { answers, history: [], prefill });
}

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

function goBack(state: WizardState): WizardState {
  const last = state.history[state.history.length - 1];
  if (!last) return { ...state, notice: "This is the first question: there is nothing to go back to. Ctrl-C quits without writing anything." };
  const restored = { ...state, answers: last.before, prefill: last.prefillBefore ?? state.prefill, history: state.history.slice(0, -1) };
  return ask(restored, nodeAt(state.trees, last.nodeId) as QuestionNode);
}

function confirmQuestion(state: WizardState, node: QuestionNode): WizardState {
  let value: unknown;
  if (node.type === "choice") {
    const choice = offeredChoices(node, state.answers)[state.cursor];
    if (!choice) return state;
    value = choice.value;
  } else if ((state.pickIndex ?? -1) >= 0 && currentPicks(state)[state.pickIndex!]) {
    value = currentPicks(state)[state.pickIndex!].value;
  } else if (node.optional && state.buffer.trim() === "") {
    value = undefined;
  } else {
    const result = validateInput(node.input, state.buffer);
    if (!result.ok) return { ...state, error: result.error };
    value = result.value;
  }
  const walk = answerWith(state.trees, node, value, state, state.catalog);
  const given = { ...state.given, [node.id]: value };
  return walkFrom({ ...state, given }, nextAfter(node, value), walk);
}

function edit(state: WizardState, nodeId: string): WizardState {
  const index = state.history.findIndex((h) => h.nodeId === nodeId);
  if (index < 0) return state;
  const rewound = {
    ...state,
    answers: state.history[index].before,
    prefill: state.history[index].prefillBefore ?? state.prefill,
    history: state.history.slice(0, index),
    editing: true,
    outcome: undefined,
  };
  return ask(rewound, nodeAt(state.trees, nodeId) as QuestionNode);
}

function wrap(index: number, length: number): number {
  return length === 0 ? 0 : (index + length) % length;
}

/** The offered choice a pasted text names: its number, its value or its label (case and edge spaces ignored). */
function choiceNamed(node: ChoiceNode, answers: PartialAnswers, text: string): number {
  const wanted = text.trim().toLowerCase();
  const choices = offeredChoices(node, answers);
  if (/^[1-9]$/.test(wanted) && Number(wanted) <= choices.length) return Number(wanted) - 1;
  return choices.findIndex((c) => String(c.value).toLowerCase() === wanted || c.label.toLowerCase() === wanted);
}

function editBuffer(state: WizardState, node: QuestionNode, action: TextAction): WizardState {
  if (node.type !== "input") return state;
  const { text: buffer, caret } = editText({ text: state.buffer, caret: state.caret }, action);
  const result = buffer === "" ? undefined : validateInput(node.input, buffer);
  return withProgress({ ...state, buffer, caret, error: result && !result.ok ? result.error : undefined, pickIndex: -1 });
}

export function reduce(state: WizardState, event: WizardEvent): WizardState {
  if (state.screen === "done" || state.screen === "cancelled") return state;
  if (state.notice) state = { ...state, notice: undefined };
  if (event.type === "cancel") return { ...state, screen: "cancelled" };
  if (event.type === "back") return goBack(state);

  if (state.screen === "summary") {
    const rows = state.history.length + 1;
    switch (event.type) {
      case "move":
        return { ...state, cursor: wrap(state.cursor + event.by, rows) };
      case "edit":
        return edit(state, event.nodeId);
      case "confirm": {
        const row = state.history[state.cursor];
        if (row) return edit(state, row.nodeId);
        // The trees ask every key a plan needs; the caller validates the whole file before use.
        const result = { outcome: state.outcome ?? "", answers: state.answers as Answers };
        return { ...state, screen: "done", result };
      }
      default:
        return state;
    }
  }

  const node = nodeAt(state.trees, state.nodeId) as QuestionNode;
  switch (event.type) {
    case "toggle_help":
      return { ...state, showHelp: !state.showHelp };
    case "confirm":
      return confirmQuestion(state, node);
    case "move":
      if (node.type !== "choice") {
        // Through the pick list and back to the typed text (index -1).
        const picks = currentPicks(state).length;
        return picks ? { ...state, pickIndex: wrap((state.pickIndex ?? -1) + 1 + event.by, picks + 1) - 1 } : state;
      }
      return withProgress({ ...state, cursor: wrap(state.cursor + event.by, offeredChoices(node, state.answers).length) });
    case "select": {
      if (node.type !== "choice") return state;
      const count = offeredChoices(node, state.answers).length;
      if (event.number < 1 || event.number > count) return state;
      return confirmQuestion({ ...state, cursor: event.number - 1 }, node);
    }
    case "type":
      return editBuffer(state, node, { kind: "insert", text: event.text });
    case "erase":
      return editBuffer(state, node, { kind: "erase-back" });
    case "text":
      return editBuffer(state, node, event.action);
    case "pick": {
      if (node.type !== "choice") return state;
      const index = choiceNamed(node, state.answers, event.text);
      return index < 0 ? state : confirmQuestion({ ...state, cursor: index }, node);
    }
    default:
      return state;
  }
}
