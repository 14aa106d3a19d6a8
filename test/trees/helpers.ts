import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { formatTreeErrors, loadTrees, type LoadOptions } from "../../src/trees/load.js";

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temporary folder holding the given files (name -> text), removed after the test. */
export function treeDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "mw-trees-"));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Loads one folder of trees and returns the formatted errors, paths relative to the folder. */
export function errorsFor(files: Record<string, string>, opts: LoadOptions = {}): string[] {
  const dir = treeDir(files);
  const result = loadTrees([dir], { relativeTo: dir, ...opts });
  return result.errors.length ? formatTreeErrors(result.errors).split("\n") : [];
}

/** The smallest valid plan tree: one question, then the end. */
export const GOOD = `title: Good
entry: plan
nodes:
  - id: q
    type: choice
    prompt: Pick one?
    help: Because it matters.
    answer: x
    next: done
    choices:
      - {value: a, label: A, hint: first}
      - {value: b, label: B}
  - id: done
    type: end
    outcome: plan
`;
