/** Helpers for the --project tests: a copy of a sample project, an answers file beside it, and a fresh database for it. */
import { cpSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { PgServer } from "../support/pg-server.js";
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

/** A copy of test/projects/<name> with an answers file beside it (no `tool:` key: the project says). */
export function sampleProject(name: string, answers: string): { dir: string; answersFile: string } {
  return { dir: copySample(name), answersFile: answersFile(answers) };
}

export async function freshDb(server: PgServer, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return server.url.replace(/\/postgres$/, `/${name}`);
}
