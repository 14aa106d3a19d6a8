/**
 * The one table of keys: which key does what on which screen. App's single useInput hands every
 * key press to `keyToEvent`, which consults the machine state it is applied to, so no key is ever
 * interpreted against a stale screen.
 */
import type { Key } from "ink";
import { currentPicks, currentQuestion, type WizardEvent, type WizardState } from "../wizard/machine.js";
import type { TextAction } from "../wizard/text-edit.js";

/** Where the key lands: a list of choices, a text input (empty or not), or the summary. */
export type KeyContext = "choice" | "input" | "input-empty" | "summary" | "none";

export function keyContext(state: WizardState): KeyContext {
  if (state.screen === "summary") return "summary";
  const node = currentQuestion(state);
  if (!node) return "none";
  if (node.type === "choice") return "choice";
  return state.buffer === "" ? "input-empty" : "input";
}

interface Binding {
  matches: (input: string, key: Key) => boolean;
  on: KeyContext[];
  /** Applies only while this holds for the state. */
  when?: (state: WizardState) => boolean;
  event: (input: string) => WizardEvent;
}

const ALL: KeyContext[] = ["choice", "input", "input-empty", "summary"];
const TYPING: KeyContext[] = ["input", "input-empty"];
// Ink 6 reports the Backspace key of most terminals (DEL, 0x7f) as key.delete; Ctrl-H as key.backspace.
// Alt-Backspace (ESC DEL) arrives as key.delete with key.meta (and without key.escape).
const isBackspace = (key: Key) => (key.backspace || key.delete) && !key.meta;
const isAltBackspace = (key: Key) => (key.backspace || key.delete) && key.meta && !key.escape;
const ctrl = (letter: string) => (i: string, k: Key) => k.ctrl && i === letter;
const text = (action: TextAction) => (): WizardEvent => ({ type: "text", action });
const hasPicks = (state: WizardState) => currentPicks(state).length > 0;

/** First match wins, so the order below is the precedence. */
const BINDINGS: Binding[] = [
  { matches: ctrl("c"), on: ALL, event: () => ({ type: "cancel" }) },
  { matches: (_, k) => isAltBackspace(k), on: TYPING, event: text({ kind: "erase-word" }) },
  // Esc also sets key.meta in Ink 6, so it must be matched before anything that excludes meta.
  { matches: (_, k) => k.escape, on: ALL, event: () => ({ type: "back" }) },
  { matches: (_, k) => k.return, on: ALL, event: () => ({ type: "confirm" }) },
  { matches: (i, k) => k.upArrow || i === "k", on: ["choice", "summary"], event: () => ({ type: "move", by: -1 }) },
  { matches: (i, k) => k.downArrow || i === "j", on: ["choice", "summary"], event: () => ({ type: "move", by: 1 }) },
  // In a text field with a pick list read from the database, the arrows walk the list.
  { matches: (_, k) => k.upArrow, on: TYPING, when: hasPicks, event: () => ({ type: "move", by: -1 }) },
  { matches: (_, k) => k.downArrow, on: TYPING, when: hasPicks, event: () => ({ type: "move", by: 1 }) },
  { matches: (i) => /^[1-9]$/.test(i), on: ["choice"], event: (i) => ({ type: "select", number: Number(i) }) },
  // A chunk that ends in Enter on a choice list is a paste (or very fast typing): pick what it names.
  { matches: (i) => /^[^\r\n]+[\r\n]+$/.test(i), on: ["choice"], event: (i) => ({ type: "pick", text: i.replace(/[\r\n]+$/, "") }) },
  { matches: (i) => i === "?", on: ["choice", "input-empty"], event: () => ({ type: "toggle_help" }) },
  // Backspace edits the field and never leaves it, however long it is held: Esc goes back.
  { matches: (_, k) => isBackspace(k), on: TYPING, event: () => ({ type: "erase" }) },
  { matches: (_, k) => isBackspace(k), on: ["choice", "summary"], event: () => ({ type: "back" }) },
  { matches: (_, k) => k.leftArrow && (k.ctrl || k.meta), on: TYPING, event: text({ kind: "word-left" }) },
  { matches: (_, k) => k.rightArrow && (k.ctrl || k.meta), on: TYPING, event: text({ kind: "word-right" }) },
  { matches: (_, k) => k.leftArrow, on: TYPING, event: text({ kind: "left" }) },
  { matches: (_, k) => k.rightArrow, on: TYPING, event: text({ kind: "right" }) },
  { matches: (i, k) => k.home || (k.ctrl && i === "a"), on: TYPING, event: text({ kind: "start" }) },
  { matches: (i, k) => k.end || (k.ctrl && i === "e"), on: TYPING, event: text({ kind: "end" }) },
  { matches: ctrl("u"), on: TYPING, event: text({ kind: "erase-to-start" }) },
  { matches: ctrl("k"), on: TYPING, event: text({ kind: "erase-to-end" }) },
  { matches: ctrl("w"), on: TYPING, event: text({ kind: "erase-word" }) },
  { matches: (i, k) => k.meta && i === "b", on: TYPING, event: text({ kind: "word-left" }) },
  { matches: (i, k) => k.meta && i === "f", on: TYPING, event: text({ kind: "word-right" }) },
  { matches: (i, k) => i !== "" && !k.ctrl && !k.meta, on: TYPING, event: (i) => ({ type: "type", text: i }) },
];

/** One key press as Ink's useInput reports it. */
export interface KeyPress {
  input: string;
  key: Key;
}

// DEL (what most terminals send for Backspace) and BS (Ctrl-H).
const ERASE_RUN = /^[\x7f\b]+$/;

/**
 * Ink 6 hands a whole stdin chunk to useInput as one input, and only a lone DEL or BS is recognised
 * as a key: backspaces typed fast (or a key repeat) can arrive together as "\x7f\x7f\x7f" with no key
 * flag set, which would erase nothing. Such a chunk becomes one Backspace press per character, each
 * mapped against the state the previous one left (so it erases, then goes back once the text is gone,
 * exactly as separate presses would). Any other chunk is one press.
 */
export function splitKeys(input: string, key: Key, state?: WizardState): KeyPress[] {
  // One pasted (or fast-typed) line ending in Enter, in a text field: the text, then Enter.
  const line = /^([^\r\n\x7f\b]+?)(\r\n|\r|\n)$/.exec(input);
  if (line && state && keyContext(state).startsWith("input")) return [{ input: line[1], key }, { input: "", key: { ...key, return: true } }];
  if (!ERASE_RUN.test(input)) return [{ input, key }];
  return [...input].map((ch) => ({ input: "", key: { ...key, delete: ch === "\x7f", backspace: ch === "\b" } }));
}

export function keyToEvent(input: string, key: Key, state: WizardState): WizardEvent | undefined {
  const context = keyContext(state);
  const binding = BINDINGS.find((b) => b.on.includes(context) && b.matches(input, key) && (!b.when || b.when(state)));
  return binding?.event(input);
}

/** The key legend line per context, kept beside the table it describes. */
export const LEGEND: Record<KeyContext, string> = {
  choice: "↑/↓ or j/k move · 1-9 pick · Enter confirm · Esc back · ? help · Ctrl-C quit",
  "input-empty": "type or paste your answer · Enter confirm · Esc back · ? help · Ctrl-C quit",
  input: "←/→ move · Ctrl-W word, Ctrl-U line erase · Enter confirm · Esc back · Ctrl-C quit",
  summary: "↑/↓ or j/k choose a line · Enter edit it (or write) · Esc back · Ctrl-C quit",
  none: "",
};
