/**
 * `plan --answers X --database-url URL` and `--schema FILE` as a user runs them (the built CLI as a process):
 * what the database can tell is filled in and listed under "Read from the database", the rest under
 * "Assumed"; wrong tables, columns and taken names are one-line usage errors that write nothing.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { startPostgres, type PgServer } from "../support/pg-server.js";
import { dumpSchema, FIXTURE_SQL } from "./fixture.js";

let server: PgServer | null = null;
let dump: string;
const dir = mkdtempSync(join(tmpdir(), "mw-plan-schema-"));

function answers(name: string, yaml: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

const RENAME = `operation: rename_column
table: customers
columns: [{name: email}]
details: {new_name: email_address}
downtime_tolerance: none
rollback_need: phase-level
tool: raw-sql
`;

beforeAll(async () => {
  server = await startPostgres();
  if (!server) return;
  const c = new pg.Client({ connectionString: server.url });
  await c.connect();
  await c.query(FIXTURE_SQL);
  await c.end();
  dump = dumpSchema(server.url, server.major);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

beforeEach((ctx) => {
  if (!server) ctx.skip("no PostgreSQL server binaries installed (Debian package postgresql)");
});

describe("plan with a schema snapshot", () => {
  it("--database-url fills version, rows and column type, and PLAN.md says what was read", () => {
    const out = join(dir, "rename");
    const r = runCli(["plan", "--answers", answers("rename", RENAME), "--database-url", server!.url, "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const md = readFileSync(join(out, "PLAN.md"), "utf8");
    expect(md).toMatch(/## Read from the database\n\nFrom the database at postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres \(PostgreSQL 15\.\d+\)/);
    expect(md).toContain("- engine version 15.");
    expect(md).toContain("- about 2,000 rows in customers (the planner's estimate, pg\\_class.reltuples; nothing was counted)");
    expect(md).toContain("- customers.email is text");
    expect(md).toContain("## Assumed\n\nNothing about the database");
    const saved = readFileSync(join(out, "answers.yaml"), "utf8");
    expect(saved).toMatch(/engine_version: "?15\.\d+/);
    expect(saved).toContain("approx_rows: 2000");
  });

  it("--schema FILE reads a pg_dump; the row count it cannot know must come from the answers and is listed as assumed", () => {
    const r = runCli(["plan", "--answers", answers("dump", RENAME + 'approx_rows: 200000000\nengine_version: "15.4"\n'), "--schema", dump, "--json", "--dry-run"]);
    expect(r.stderr).toBe("");
    const plan = JSON.parse(r.stdout);
    expect(plan.schemaFacts.source).toBe(`the schema dump ${dump}`);
    expect(plan.schemaFacts.read).toContain("customers.email is text");
    expect(plan.schemaFacts.assumed).toEqual([
      "engine version 15.4 (from the answers; a schema dump does not say which server it came from)",
      "about 200,000,000 rows in customers (from the answers; the source has no statistics)",
    ]);
  }, 120_000);

  it("refuses, in one line and writing nothing, a table or column the database does not have and a name already taken", () => {
    const out = join(dir, "refused");
    const cases: [string, RegExp][] = [
      [RENAME.replace("table: customers", "table: customer"), /table: table customer is not in the database at .*; it has: .*customers/],
      [RENAME.replace("{name: email}", "{name: mail}"), /columns: column mail is not in customers; its columns are: id, email, name, created_at/],
      [RENAME.replace("new_name: email_address", "new_name: name"), /names the plan would create are already taken: .*creates the column customers.name, but the database already has a column of that name/],
    ];
    for (const [i, [yaml, message]] of cases.entries()) {
      const r = runCli(["plan", "--answers", answers(`bad${i}`, yaml), "--database-url", server!.url, "--out", out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(existsSync(out)).toBe(false);
  });

  it("--probe runs the bounded probes that fit the change and lists their counts as read", () => {
    const yaml = RENAME.replace("rename_column", "add_unique_constraint").replace("details: {new_name: email_address}", "details: {index_name: customers_email_key}");
    const r = runCli(["plan", "--answers", answers("probe", yaml), "--database-url", server!.url, "--probe", "--json", "--dry-run"]);
    expect(r.stderr).toBe("");
    const plan = JSON.parse(r.stdout);
    expect(plan.schemaFacts.read).toContain("probe: 0 duplicated (email) values in all rows of public.customers");
    expect(plan.schemaFacts.read).toContain("probe: 0 transactions open for more than 60 s right now");
    const dump = runCli(["plan", "--answers", answers("probe2", yaml), "--schema", "x.sql", "--probe", "--dry-run"]);
    expect(dump.code).toBe(2);
    expect(dump.stderr).toContain("--probe reads data: it needs --database-url");
  });

  it("--probe that finds no duplicate leaves out the dedup, and the plan's check still catches a duplicate written after the probe", async () => {
    const yaml = RENAME.replace("rename_column", "add_unique_constraint")
      .replace("table: customers", "table: order_items")
      .replace("{name: email}", "{name: sku}")
      .replace("details: {new_name: email_address}", "details: {index_name: order_items_sku_key}");
    const r = runCli(["plan", "--answers", answers("probe-skip", yaml), "--database-url", server!.url, "--probe", "--json", "--dry-run"]);
    expect(r.stderr).toBe("");
    const plan = JSON.parse(r.stdout) as { phases: { title: string; kind: string; why: string; statements: { sql: string }[]; checks: { sql: string }[] }[] };
    expect(plan.phases.map((p) => p.kind)).not.toContain("backfill");
    const confirm = plan.phases.find((p) => p.title.startsWith("Confirm there are no duplicate"))!;
    expect(confirm.why).toContain("The probe run before planning found 0 duplicated (sku) values in all rows of public.order_items (exact: every row was read). So there is no dedup phase.");
    const c = new pg.Client({ connectionString: server!.url });
    await c.connect();
    try {
      const ok = async () => (await c.query(confirm.checks[0].sql)).rows[0].ok;
      expect(await ok()).toBe(true);
      // A duplicate written after the probe: the check the run re-does says so, and the index build refuses it.
      await c.query("INSERT INTO order_items (order_id, sku) VALUES (2, 'sku-1')");
      expect(await ok()).toBe(false);
      const build = plan.phases.find((p) => p.kind === "expand")!.statements[0].sql;
      expect(build).toMatch(/CREATE UNIQUE INDEX CONCURRENTLY/);
      await expect(c.query(build)).rejects.toThrow(/could not create unique index/);
    } finally {
      await c.query("DROP INDEX IF EXISTS order_items_sku_key; DELETE FROM order_items WHERE order_id = 2 AND sku = 'sku-1'").catch(() => {});
      await c.end();
    }
  });

  it("an unreachable server is an environment error (exit 1) with the password hidden", () => {
    const r = runCli(["plan", "--answers", answers("down", RENAME), "--database-url", "postgresql://u:secret@127.0.0.1:1/db", "--dry-run"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot connect to postgresql:\/\/u:\*\*\*@127\.0\.0\.1:1\/db/);
    expect(r.stderr).not.toContain("secret");
  });
});
