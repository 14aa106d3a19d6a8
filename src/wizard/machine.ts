/**
 * The wizard as a pure state machine: `start` builds the first state, `reduce` applies one event.
 * No React and no I/O here, so every rule (skips, back, progress, summary edits) is testable alone.
 * The state's types are in state.ts, the walk through the trees in walk.ts, what screens read in view.ts.
 */
import type { Answers } from "../answers/schema.js";
import type { ChoiceNode, TreeSet } from "../trees/model.js";
import { validateInput } from "./input.js";
import { editText, type TextAction } from "./text-edit.js";
import type { Catalog } from "./catalog.js";
import type { PartialAnswers, QuestionNode, WizardEvent, WizardState } from "./state.js";
import { answerWith, ask, nextAfter, nodeAt, offeredChoices, walkFrom, withProgress } from "./walk.js";
import { currentPicks } from "./view.js";

export type { Asked, PartialAnswers, QuestionNode, Screen, WizardEvent, WizardState } from "./state.js";
export { offeredChoices } from "./walk.js";
export { answeredLines, currentNote, currentPicks, currentQuestion, helpText, type AnsweredLine } from "./view.js";

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

