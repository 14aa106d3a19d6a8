/**
 * Reading user input files with limits: at most `max` bytes are ever read (so /dev/zero or a huge
 * file cannot grow memory), `-` is standard input, and a binary or non-UTF-8 file is refused with
 * one short line instead of its content.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { editDistance } from "./edit-distance.js";

export class InputError extends Error {}

export const LIMITS = {
  /** answers.yaml: a real one is under 2 KB. */
  answersBytes: 256 * 1024,
  /** YAML aliases expanded in one document (alias bombs). */
  yamlAliases: 100,
  /** Nesting depth of an answers document. */
  depth: 32,
  /** A pasted error message (--error). */
  errorBytes: 64 * 1024,
};

const kb = (n: number) => `${Math.round(n / 1024)} KB`;

/** Standard input can be read once per process; later reads of `-` get the same text. */
let stdinText: string | undefined;

export function readBoundedText(path: string, what: string, max: number): string {
  if (path === "-" && stdinText !== undefined) return stdinText;
  const text = readOnce(path, what, max);
  if (path === "-") stdinText = text;
  return text;
}

function readOnce(path: string, what: string, max: number): string {
  const label = path === "-" ? "standard input" : path;
  let fd: number;
  try {
    fd = path === "-" ? 0 : openSync(path, "r");
  } catch (e) {
    throw new InputError(`${label}: cannot read the ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const buf = Buffer.allocUnsafe(max + 1);
  let size = 0;
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, size, buf.length - size, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") continue;
        if (code === "EOF") break;
        throw new InputError(`${label}: cannot read the ${what} (${code ?? (e as Error).message})`);
      }
      if (n === 0) break;
      size += n;
      if (size > max) throw new InputError(`${label}: the ${what} is larger than ${kb(max)}, the limit`);
    }
  } finally {
    if (path !== "-") closeSync(fd);
  }
  const bytes = buf.subarray(0, size);
  if (bytes.includes(0)) throw new InputError(`${label}: the ${what} is a binary file, not text`);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`${label}: the ${what} is not UTF-8 text`);
  }
}

/** Terminal control sequences (CSI, OSC, other ESC sequences) and C0/C1 controls except tab and newline. */
export function stripTerminalEscapes(text: string): string {
  return text
    .replace(/\x1b\][\s\S]*?(?:\x07|\x1b\\|$)/g, "")
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, "")
    .replace(/\x1b[@-Z\\-_]/g, "")
    .replace(/\x9b[0-?]*[ -/]*[@-~]/g, "")
    .replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, "");
}

/** The closest of `candidates` to `word` (edit distance at most 3), for "did you mean". */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 4;
  for (const c of candidates) {
    // More than 3 apart in length is more than 3 edits: skip the table.
    const d = Math.abs(word.length - c.length) > 3 ? 99 : editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}
