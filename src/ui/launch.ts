/**
 * Starts the interactive wizard: paints the first question at once (first-paint.ts), keeps keys
 * typed meanwhile in the terminal's buffer (raw mode, no echo), loads Ink, then hands over.
 * Ink and React are imported here and nowhere on the CLI's other paths.
 */
import type { TreeSet } from "../trees/model.js";
import { start, type PartialAnswers } from "../wizard/machine.js";
import { firstPaint } from "./first-paint.js";
import type { RunInteractiveOptions } from "./run.js";

export async function launchWizard(opts: RunInteractiveOptions & { trees: TreeSet; mode: string; prefill?: PartialAnswers }): Promise<number> {
  const out = process.stdout;
  const color = process.env.FORCE_COLOR !== "0" && out.hasColors?.() !== false;
  const paint = firstPaint(start(opts.trees, opts.mode, opts.prefill, opts.catalog), opts.trees, { columns: out.columns ?? 80, rows: out.rows }, color);
  if (paint) {
    out.write(`\u001b[?25l${paint.text}`); // cursor hidden, as Ink keeps it
    process.stdin.setRawMode?.(true);
  }
  const { runInteractive } = await import("./run.js");
  // Back to where the paint began, cleared: Ink's first frame lands on the same lines.
  if (paint) out.write(`\u001b[${paint.lines}A\r\u001b[J`);
  return runInteractive(opts);
}
