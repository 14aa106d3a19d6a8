/** Sample projects for the --project tests: a temporary copy with an answers file, and a fresh database for it. */
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { PgServer } from "../support/pg-server.js";

/** A copy of test/projects/<name> in a temporary folder, with an answers file beside it (no `tool:` key: the project says). */
export function sampleProject(name: string, answers: string): { dir: string; answersFile: string } {
  const dir = mkdtempSync(join(tmpdir(), `mw-project-${name}-`));
  cpSync(join(import.meta.dirname, name), dir, { recursive: true });
  const answersFile = join(mkdtempSync(join(tmpdir(), "mw-answers-")), "answers.yaml");
  writeFileSync(answersFile, answers);
  return { dir, answersFile };
}

export async function freshDb(server: PgServer, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return server.url.replace(/\/postgres$/, `/${name}`);
}
