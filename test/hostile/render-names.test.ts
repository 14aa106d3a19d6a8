/**
 * Derived names at the engines' limits: every derived name differs from the names it was derived
 * from and from each other, and on a real PostgreSQL server the documented rollback of a plan on a
 * 63-character table or column leaves the live table and column (and their data) in place.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanAnswers } from "../../src/answers/schema.js";
import { buildPlan, PlanError } from "../../src/plan/build.js";
import { fitName } from "../../src/plan/names.js";
import { runCli } from "../support/cli.js";
import { startPostgres, type PgServer } from "../support/pg-server.js";

const base = { mode: "plan", engine: "postgresql", engine_version: "16.2", approx_rows: 5_000_000, downtime_tolerance: "none", rollback_need: "phase-level", tool: "raw-sql" } as const;
const n = (prefix: string, length: number) => (prefix + "_".repeat(length)).slice(0, length - 1) + "x";
const T63 = n("t", 63);
const C63 = n("c", 63);

const allSql = (answers: Record<string, unknown>) =>
  buildPlan(answers as PlanAnswers)
    .phases.flatMap((p) => [...p.statements, ...(p.rollback ?? [])])
    .map((s) => s.sql)
    .join("\n");

describe("the name allocator", () => {
  it("cuts with a stable hash and keeps the distinguishing last part", () => {
    const ins = fitName([C63, "sync", "x", "ins"]);
    const upd = fitName([C63, "sync", "x", "upd"]);
    expect(ins).not.toBe(upd);
    expect(ins.length).toBeLessThanOrEqual(63);
    expect(ins).toMatch(/_[0-9a-f]{8}_ins$/);
    expect(fitName([C63, "sync", "x", "ins"])).toBe(ins);
    expect(fitName(["orders", "total", "check"])).toBe("orders_total_check");
  });

  it("MySQL rename_column on a 45-character column: distinct INSERT and UPDATE trigger names", () => {
    const sql = allSql({ ...base, engine: "mysql", engine_version: "8.0.36", operation: "rename_column", table: "orders", columns: [{ name: n("c", 45), type: "text" }], details: { new_name: n("d", 45) } });
    const triggers = [...sql.matchAll(/CREATE TRIGGER (\S+)/g)].map((m) => m[1]);
    expect(triggers.length).toBe(2);
    expect(new Set(triggers).size).toBe(2);
  });

  it("exclusion copy on a 58-character table: the copy, the old table and the live table all differ", () => {
    const sql = allSql({ ...base, operation: "add_exclusion_constraint", table: n("t", 58), details: { exclusion: "USING gist (room WITH =, during WITH &&)" } });
    const renames = [...sql.matchAll(/ALTER TABLE (\S+) RENAME TO (\S+);/g)].map((m) => [m[1], m[2]]);
    expect(renames.length).toBeGreaterThan(0);
    for (const [from, to] of renames) expect(from).not.toBe(to);
    expect(sql).toMatch(new RegExp(`CREATE TABLE (\\S+) \\(LIKE ${n("t", 58)} `));
    const copy = /CREATE TABLE (\S+) \(LIKE/.exec(sql)![1];
    expect(copy).not.toBe(n("t", 58));
  });

  it("63-character table and column: no derived name equals the live one", () => {
    expect(allSql({ ...base, operation: "backfill", table: T63, columns: [{ name: "status", type: "text" }], details: { set: "status = 'x'", backfill_where: "status IS NULL" } })).not.toContain(`DROP TABLE IF EXISTS ${T63};`);
    expect(allSql({ ...base, operation: "change_column_type", table: "orders", columns: [{ name: C63, type: "integer" }], details: { new_type: "bigint" } })).not.toMatch(new RegExp(`ADD COLUMN ${C63} `));
    const dedup = allSql({ ...base, operation: "add_unique_constraint", table: T63, columns: [{ name: "email", type: "text" }], details: { dedup: "keep-oldest" } });
    for (const bad of [`DELETE FROM ${T63};`, `CREATE TABLE IF NOT EXISTS ${T63} `, `DROP TABLE IF EXISTS ${T63};`]) expect(dedup).not.toContain(bad);
  });

  it("rejects a plan whose derived name equals an input name, and names over the limit", () => {
    const clash = { ...base, operation: "backfill", table: "orders", columns: [{ name: "orders_backfill_before", type: "text" }], details: { set: "orders_backfill_before = 'x'" } };
    expect(() => buildPlan(clash as PlanAnswers)).toThrow(PlanError);
    expect(() => buildPlan({ ...base, operation: "drop_table", table: n("t", 64) } as PlanAnswers)).toThrow(/64 bytes/);
    expect(() => buildPlan({ ...base, engine: "mysql", engine_version: "8.0.36", operation: "drop_table", table: n("t", 64) } as PlanAnswers)).not.toThrow();
  });
});

// ---- the documented rollback on a real server ----

const psqlDir = ["/usr/lib/postgresql"].flatMap((b) => (existsSync(b) ? readdirSync(b).map((v) => join(b, v, "bin")) : [])).find((d) => existsSync(join(d, "psql")));
let server: PgServer | null = null;
const work = mkdtempSync(join(tmpdir(), "mw-names-"));

beforeAll(async () => {
  if (psqlDir) server = await startPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** PLAN.md's commands in order: each phase's `Command:` and the rollback given after it. */
function planCommands(dir: string): { forward: string; rollback?: string }[] {
  const out: { forward: string; rollback?: string }[] = [];
  for (const line of readFileSync(join(dir, "PLAN.md"), "utf8").split("\n")) {
    const fwd = /^- Command: `(.+)`$/.exec(line);
    if (fwd) out.push({ forward: fwd[1] });
    const back = /^With the tool: `(.+)`$/.exec(line);
    if (back && out.length) out[out.length - 1].rollback = back[1];
  }
  return out;
}

const sh = (cmd: string, dir: string) =>
  execFileSync("sh", ["-c", cmd], { cwd: dir, env: { ...process.env, DATABASE_URL: server!.url, PATH: `${psqlDir}:${process.env.PATH}` }, stdio: "pipe", timeout: 60_000 });

async function query(sql: string) {
  const c = new pg.Client({ connectionString: server!.url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

/** Write the plan with the CLI, run phases 1..k forward and their rollbacks k..1, as PLAN.md prints them. */
function runForwardAndBack(name: string, answers: Record<string, unknown>, phases: number) {
  const dir = join(work, name);
  writeFileSync(`${dir}.yaml`, stringify(answers));
  const r = runCli(["plan", "--answers", `${dir}.yaml`, "--out", dir]);
  expect(r.code, r.stderr).toBe(0);
  const cmds = planCommands(dir).slice(0, phases);
  expect(cmds.length).toBe(phases);
  for (const c of cmds) sh(c.forward, dir);
  for (const c of [...cmds].reverse()) {
    expect(c.rollback, `phase ${c.forward} has a rollback`).toBeTruthy();
    sh(c.rollback!, dir);
  }
}

describe.skipIf(!psqlDir)("the documented rollback on a real PostgreSQL (63-character names)", () => {
  it("backfill on a 63-character table: the rollback keeps the live table and puts its values back", async () => {
    await query(`CREATE TABLE ${T63} (id bigserial PRIMARY KEY, status text); INSERT INTO ${T63} (status) SELECT CASE WHEN g % 2 = 0 THEN 'old' END FROM generate_series(1, 500) g;`);
    runForwardAndBack("backfill", { ...base, operation: "backfill", table: T63, columns: [{ name: "status", type: "text" }], details: { set: "status = 'new'", backfill_where: "status IS NULL" } }, 2);
    const rows = await query(`SELECT count(*)::int AS n, count(status)::int AS set FROM ${T63}`);
    expect(rows[0]).toEqual({ n: 500, set: 250 });
  }, 120_000);

  it("change_column_type on a 63-character column: the expand's rollback keeps the original column", async () => {
    await query(`CREATE TABLE orders (id bigserial PRIMARY KEY, ${C63} integer); INSERT INTO orders (${C63}) SELECT g FROM generate_series(1, 300) g;`);
    runForwardAndBack("change-type", { ...base, operation: "change_column_type", table: "orders", columns: [{ name: C63, type: "integer" }], details: { new_type: "bigint" } }, 1);
    const rows = await query(`SELECT count(${C63})::int AS n, format_type(atttypid, atttypmod) AS type FROM orders, pg_attribute WHERE attrelid = 'orders'::regclass AND attname = '${C63}' GROUP BY 2`);
    expect(rows[0]).toEqual({ n: 300, type: "integer" });
  }, 120_000);
});
