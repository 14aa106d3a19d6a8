/** The wizard's state and events: plain data, read by the reducer (machine.ts), the walk and the screens. */
import type { Answers } from "../answers/schema.js";
import type { ChoiceNode, InputNode, TreeSet } from "../trees/model.js";
import type { TextAction } from "./text-edit.js";
import type { Catalog } from "./catalog.js";

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
