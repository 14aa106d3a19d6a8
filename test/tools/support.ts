/** Helpers for the tool tests: a database per tool, files on disk, phase checks, shell calls. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import pg from "pg";
import { expect } from "vitest";
import type { Phase } from "../../src/plan/model.js";
import type { RenderedFile } from "../../src/render/types.js";
import type { PgServer } from "../support/pg-server.js";
import { SETUP_SQL } from "./fixture.js";

export const PYTHON = "/usr/bin/python3";
export const ROOT = join(import.meta.dirname, "..", "..");

export function writeFiles(files: RenderedFile[], dir = mkdtempSync(join(tmpdir(), "mw-tool-"))): string {
  for (const f of files) {
    const p = join(dir, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.content);
  }
  return dir;
}

export interface Db {
  url: string;
  client: pg.Client;
  close(): Promise<void>;
}

/** A fresh database on the server with the fixture's `orders` table (`setup`), or empty (null: a sample project brings its own). */
export async function freshDatabase(server: PgServer, name: string, setup: string | null = SETUP_SQL): Promise<Db> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = server.url.replace(/\/postgres$/, `/${name}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  if (setup) await client.query(setup);
  return { url, client, close: () => client.end() };
}

/** Every check of the phase returns ok = true. */
export async function expectChecks(db: Db, phase: Phase): Promise<void> {
  for (const check of phase.checks) {
    const { rows } = await db.client.query(check.sql);
    expect(rows[0]?.ok, `${phase.id}: ${check.description}`).toBe(true);
  }
}

/** The shape of `orders` that phases change: its columns and its indexes. */
export async function ordersShape(db: Db): Promise<{ columns: string[]; indexes: string[]; withStatus: number }> {
  const cols = await db.client.query(
    "SELECT column_name FROM information_schema.columns WHERE table_name = 'orders' ORDER BY column_name",
  );
  const idx = await db.client.query("SELECT indexname FROM pg_indexes WHERE tablename = 'orders' ORDER BY indexname");
  const columns = cols.rows.map((r) => r.column_name as string);
  const withStatus = columns.includes("status")
    ? Number((await db.client.query("SELECT count(*) AS n FROM orders WHERE status IS NOT NULL")).rows[0].n)
    : 0;
  return { columns, indexes: idx.rows.map((r) => r.indexname as string), withStatus };
}

export const ORIGINAL_SHAPE = { columns: ["customer_id", "id", "legacy_status"], indexes: ["orders_pkey"], withStatus: 0 };

export interface Run {
  status: number | null;
  out: string;
}

export function run(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Run {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, out: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

export const has = (path: string) => existsSync(path);

/** Split a rendered `a && b` command into its parts. */
export const parts = (command: string) => command.split(" && ").map((c) => c.trim());

/** Run a rendered `psql "$DATABASE_URL" ...` command against `url`, from `cwd`. */
export function runPsql(command: string, url: string, cwd: string): Run {
  const prefix = 'psql "$DATABASE_URL" ';
  expect(command.startsWith(prefix), command).toBe(true);
  return run("psql", [url, "-X", "-q", ...command.slice(prefix.length).split(" ")], { cwd });
}

export const psqlInstalled = run("psql", ["--version"]).status === 0;
