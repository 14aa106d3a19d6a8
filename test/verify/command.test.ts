import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAnswers, requirePlanAnswers } from "../../src/answers/load.js";
import { writeAll } from "../../src/output/write.js";
import { planOutputs } from "../../src/render/outputs.js";
import { verifyCommand } from "../../src/verify/command.js";
import { openServer } from "../../src/verify/session.js";
import { startPostgres, type PgServer } from "../support/pg-server.js";

const dirs: string[] = [];
/** A plan folder as `plan` writes it (the answers alone when they cannot make a plan). */
function planDir(yaml: string | null): string {
  const dir = mkdtempSync(join(tmpdir(), "mw-verify-"));
  dirs.push(dir);
  if (yaml === null) return dir;
  let files;
  try {
    files = planOutputs(requirePlanAnswers(parseAnswers(yaml, "answers.yaml")), new Date()).files;
  } catch {
    writeFileSync(join(dir, "answers.yaml"), yaml);
    return dir;
  }
  writeAll(dir, files, { force: true });
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const addIndex = (type = "bigint") => `engine: postgresql
engine_version: "16"
operation: add_index
table: orders
columns:
  - name: customer_id
    type: ${type}
approx_rows: 2000000
downtime_tolerance: none
rollback_need: phase-level
tool: raw-sql
details:
  index_name: orders_customer_id_idx
`;

describe("verify: bad input exits 2", () => {
  it("without answers.yaml", async () => {
    const r = await verifyCommand(planDir(null));
    expect(r.exitCode).toBe(2);
    expect(r.output).toMatch(/no answers\.yaml/);
  });
  it("with an invalid answers file, naming the field", async () => {
    const r = await verifyCommand(planDir("engine: oracle\nengine_version: '1'\n"));
    expect(r.exitCode).toBe(2);
    expect(r.output).toMatch(/engine/);
  });
  it("for a MySQL plan", async () => {
    const r = await verifyCommand(planDir(addIndex().replace("engine: postgresql", "engine: mysql").replace('"16"', '"8.0.36"')));
    expect(r.exitCode).toBe(2);
    expect(r.output).toMatch(/PostgreSQL plans only/);
  });
});

describe("verify on embedded PostgreSQL", () => {
  it("prints each statement with its locks, rewrite and time, the pglite caveat, and an OK verdict", async () => {
    const r = await verifyCommand(planDir(addIndex()), { rows: 2000 });
    expect(r.output).toMatch(/verdict: OK/);
    expect(r.exitCode).toBe(0);
    expect(r.output).toMatch(/CREATE INDEX CONCURRENTLY/);
    expect(r.output).toMatch(/locks not traced/);
    expect(r.output).toMatch(/\d+\.\d ms/);
    expect(r.output).toMatch(/lock_timeout and statement_timeout never fire here/);
    expect(r.output).toMatch(/test table orders with 2000 rows/);
  });

  it("--json prints the report as one object", async () => {
    const r = await verifyCommand(planDir(addIndex()), { json: true, rows: 500 });
    const parsed = JSON.parse(r.output);
    expect(parsed.ok).toBe(true);
    expect(parsed.report.statements.length).toBeGreaterThan(0);
    expect(parsed.report.statements[0]).toHaveProperty("observedLock");
  });

  it("exits 1 when a statement fails on the test data", async () => {
    // xml has no btree operator class: the index build fails.
    const r = await verifyCommand(planDir(addIndex("xml")), { rows: 100 });
    expect(r.exitCode).toBe(1);
    expect(r.output).toMatch(/verdict: FAILED/);
    expect(r.output).toMatch(/FAILURE: /);
  });
});

describe("verify on a real server", () => {
  let server: PgServer | null = null;
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  async function leftoverSchemas(url: string): Promise<unknown[]> {
    const s = await openServer(url);
    try {
      return await s.query("SELECT datname FROM pg_database WHERE datname LIKE 'mw_verify_%'");
    } finally {
      await s.close();
    }
  }

  it("traces CONCURRENTLY from a second connection and leaves no database behind", async (ctx) => {
    if (!server) ctx.skip("no PostgreSQL server binaries");
    const r = await verifyCommand(planDir(addIndex()), { databaseUrl: server!.url, rows: 2000 });
    expect(r.output).toMatch(/verdict: OK/);
    expect(r.exitCode).toBe(0);
    expect(r.output).toMatch(/lock SHARE UPDATE EXCLUSIVE/);
    expect(r.output).toMatch(/observed from a second connection/);
    expect(r.output).toMatch(/database mw_verify_[0-9a-f]+, created for this run and dropped afterwards/);
    expect(await leftoverSchemas(server!.url)).toEqual([]);
  });

  it("drops its database on failure too", async (ctx) => {
    if (!server) ctx.skip("no PostgreSQL server binaries");
    const r = await verifyCommand(planDir(addIndex("xml")), { databaseUrl: server!.url, rows: 100 });
    expect(r.exitCode).toBe(1);
    expect(await leftoverSchemas(server!.url)).toEqual([]);
  });

  it("exits 2 when it cannot connect", async () => {
    const r = await verifyCommand(planDir(addIndex()), { databaseUrl: "postgresql://nobody@127.0.0.1:1/none" });
    expect(r.exitCode).toBe(2);
    expect(r.output).toMatch(/cannot use the database/);
  });
});
