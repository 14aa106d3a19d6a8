/**
 * The first screen, drawn as plain text before Ink loads. Ink's layout engine (yoga, WebAssembly)
 * takes longer to start than the rest of the tool together, so the first question is painted at
 * once from the same machine state, in the same layout as App draws it; Ink then takes over the
 * same lines. Pure: state in, text out. Returns null for screens it does not mirror (Ink draws those).
 */
import type { TreeSet } from "../trees/model.js";
import { answeredLines, currentQuestion, offeredChoices, type WizardState } from "../wizard/machine.js";
import { keyContext, LEGEND } from "./keys.js";

const ESC = "\u001b[";
type Style = (s: string) => string;
const styles = (color: boolean) => {
  const wrap = (open: string, close: string): Style => (s) => (color ? `${ESC}${open}m${s}${ESC}${close}m` : s);
  return { bold: wrap("1", "22"), dim: wrap("2", "22"), cyan: wrap("36", "39") };
};

/** Greedy word wrap to `width` columns, breaking words longer than a line (as Ink's wrap does). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (word.length > width) {
      if (line) lines.push(line), (line = "");
      lines.push(word.slice(0, width));
      word = word.slice(width);
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += " " + word;
    else lines.push(line), (line = word);
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

export interface Paint {
  text: string;
  /** Lines the text occupies, so it can be erased exactly. */
  lines: number;
}

/** Mirrors App's frame for a first question with nothing answered yet; null otherwise. */
export function firstPaint(state: WizardState, trees: TreeSet, size: { columns: number; rows?: number }, color: boolean): Paint | null {
  const node = currentQuestion(state);
  if (!node || node.type !== "choice" || state.showHelp || answeredLines(state).length > 0) return null;
  const s = styles(color);
  const columns = Math.max(40, size.columns);
  const choices = offeredChoices(node, state.answers);
  // App's row budget with no help and nothing answered: 11 rows of chrome, 4 of margin.
  const limit = size.rows ? Math.max(5, size.rows - 11 - 4) : choices.length;
  // ChoiceList's window: the cursor starts on the first choice, so the window starts there too.
  if (state.cursor >= limit) return null;
  const shown = choices.slice(0, limit);
  const below = choices.length - shown.length;

  const fileTitle = trees.files.find((f) => f.name === node.tree)?.title;
  const out: string[] = [s.bold(`migration-wizard${fileTitle ? ` · ${fileTitle}` : ""}`), s.dim(`Step ${state.step} of about ${state.total}`), ""];
  out.push(s.bold(`? ${node.prompt}`));
  shown.forEach((choice, index) => {
    const focused = index === state.cursor;
    const label = `${focused ? "❯" : " "} ${index < 9 ? `${index + 1}.` : "  "} ${choice.label}`;
    const painted = focused ? s.cyan(label) : label;
    if (!focused || !choice.hint) return void out.push(`  ${painted}`);
    const hintWidth = columns - 2 - label.length - 2;
    if (hintWidth < 10) return void out.push(`  ${painted}`);
    wrapWords(choice.hint, hintWidth).forEach((h, i) =>
      out.push(i === 0 ? `  ${painted}  ${s.dim(h)}` : `${" ".repeat(2 + label.length + 2)}${s.dim(h)}`),
    );
  });
  if (below > 0) out.push(`  ${s.dim(`  ↓ ${below} more`)}`);
  out.push("", s.dim(LEGEND[keyContext(state)]));
  // A line the terminal would wrap makes the line count wrong for erasing: let Ink draw instead.
  if (out.some((l) => l.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "").length > columns)) return null;
  return { text: out.join("\n") + "\n", lines: out.length };
}
