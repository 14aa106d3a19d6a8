/** Helpers for the --project tests: a copy of a sample project and an answers file beside it. */
import { cpSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../tools/support.js";

/** A copy of test/projects/<name> in a temporary folder; `withNodeModules`: the npm packages beside it, as a project has them. */
export function copySample(name: string, withNodeModules = false): string {
  const dir = mkdtempSync(join(tmpdir(), `mw-project-${name}-`));
  cpSync(join(import.meta.dirname, name), dir, { recursive: true });
  if (withNodeModules) symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  return dir;
}

/** `text` in a fresh answers file, outside any project. */
export function answersFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "mw-answers-")), "answers.yaml");
  writeFileSync(file, text);
  return file;
}
