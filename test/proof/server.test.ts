/**
 * The proof on a real PostgreSQL server (Debian's postgresql package; skipped at run time when it is
 * absent): statements that cannot run in a transaction block are lock-traced from a second
 * connection, and the plan's own lock_timeout really makes a blocked step give up instead of queueing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startPostgres, type PgServer } from "../support/pg-server.js";
import { openServer, type SqlSession } from "../../src/verify/session.js";
import { traceStatement, type Observers } from "../../src/verify/trace.js";
import { errorInfo } from "../../src/verify/session.js";
import { OPERATIONS, type PlanAnswers } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import type { Statement } from "../../src/plan/model.js";
import { verifyPlan } from "../../src/verify/run.js";
import { EXAMPLES } from "./examples.js";

let server: PgServer | null = null;
let main: SqlSession, watcher: SqlSession, blocker: SqlSession;
let observers: Observers;

beforeAll(async () => {
  server = await startPostgres();
  if (!server) return;
  main = await openServer(server.url);
  watcher = await openServer(server.url);
  blocker = await openServer(server.url);
  observers = { watcher, blocker, pid: Number((await main.query("SELECT pg_backend_pid() AS pid"))[0].pid) };
}, 120_000);

afterAll(async () => {
  for (const s of [main, watcher, blocker]) await s?.close().catch(() => {});
  await server?.stop();
});

beforeEach(async (ctx) => {
  if (!server) ctx.skip();
  await main.query("RESET ALL; DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
  await main.query("CREATE TABLE t (id bigint PRIMARY KEY, n int); INSERT INTO t SELECT g, g FROM generate_series(1, 5000) g;");
});

describe("lock tracing on a real server", () => {
  it("traces CREATE INDEX CONCURRENTLY from a second connection: SHARE UPDATE EXCLUSIVE, no rewrite", async () => {
    const r = await traceStatement(main, { sql: "CREATE INDEX CONCURRENTLY t_n ON t (n)", transaction: false }, { observers, targets: ["t"] });
    expect(r.error).toBeUndefined();
    expect(r.method).toBe("observed");
    expect(r.strongestByRelation.t).toBe("SHARE UPDATE EXCLUSIVE");
    expect(r.rewritten).toEqual([]);
    expect((await main.query("SELECT indisvalid FROM pg_index WHERE indexrelid = 't_n'::regclass"))[0].indisvalid).toBe(true);
  });

  it("traces DROP INDEX CONCURRENTLY the same way", async () => {
    await main.query("CREATE INDEX t_n ON t (n)");
    const r = await traceStatement(main, { sql: "DROP INDEX CONCURRENTLY t_n", transaction: false }, { observers, targets: ["t"] });
    expect(r.error).toBeUndefined();
    expect(r.strongestByRelation.t).toBe("SHARE UPDATE EXCLUSIVE");
  });

  it("traces a batched DO block that commits between batches: ROW EXCLUSIVE, no rewrite", async () => {
    await main.query("ALTER TABLE t ADD COLUMN m int");
    const loop = `DO $$
DECLARE next_id bigint := 0;
BEGIN
  LOOP
    UPDATE t SET m = n WHERE id > next_id AND id <= next_id + 1000 AND m IS NULL;
    next_id := next_id + 1000;
    COMMIT;
    EXIT WHEN next_id >= (SELECT max(id) FROM t);
  END LOOP;
END $$`;
    const r = await traceStatement(main, { sql: loop, transaction: false }, { observers, targets: ["t"] });
    expect(r.error).toBeUndefined();
    expect(r.method).toBe("observed");
    expect(r.strongestByRelation.t).toBe("ROW EXCLUSIVE");
    expect(r.rewritten).toEqual([]);
    expect((await main.query("SELECT count(*)::int AS c FROM t WHERE m IS NULL"))[0].c).toBe(0);
  });

  it("traces a transactional statement exactly, as on embedded PostgreSQL", async () => {
    const r = await traceStatement(main, { sql: "ALTER TABLE t ALTER COLUMN n TYPE bigint", transaction: true }, { observers, targets: ["t"] });
    expect(r.method).toBe("transaction");
    expect(r.strongestByRelation.t).toBe("ACCESS EXCLUSIVE");
    expect(r.rewritten).toEqual(["t"]);
  });
});

/** The plan's own first step that takes ACCESS EXCLUSIVE, with the settings the plan puts before it. */
function planStepNeedingAccessExclusive(major: number): { statements: Statement[]; from: string } {
  const sample = EXAMPLES.add_column["nullable, no default"];
  const plan = buildPlan({
    mode: "plan", engine: "postgresql", engine_version: String(major), operation: "add_column", ...sample,
    approx_rows: 5_000_000, downtime_tolerance: "none", rollback_need: "phase-level", tool: "raw-sql",
  } as PlanAnswers);
  for (const phase of plan.phases) {
    const i = phase.statements.findIndex((s) => s.lock === "ACCESS EXCLUSIVE");
    const settings = phase.statements.slice(0, Math.max(0, i)).filter((s) => s.setting);
    if (i >= 0 && settings.some((s) => /lock_timeout/.test(s.sql))) {
      return { statements: [...settings, phase.statements[i]], from: `the add_column plan's phase ${phase.id}` };
    }
  }
  throw new Error("the add_column plan has no ACCESS EXCLUSIVE step preceded by SET lock_timeout");
}

describe("lock_timeout on a real server", () => {
  it("a blocked ACCESS EXCLUSIVE step gives up within the plan's timeout, and nothing queues behind it afterwards", async () => {
    const { statements } = planStepNeedingAccessExclusive(server!.major);
    const setting = statements.find((s) => /lock_timeout/.test(s.sql))!;
    const timeoutMs = Number(/(\d+)\s*ms/.exec(setting.sql)?.[1] ?? /(\d+)\s*s/.exec(setting.sql)![1] + "000");
    expect(timeoutMs).toBeGreaterThan(0);
    const table = EXAMPLES.add_column["nullable, no default"].table;
    if (table !== "t") await main.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY); INSERT INTO ${table} SELECT g FROM generate_series(1, 1000) g;`);
    // Connection A: a long transaction holding ACCESS SHARE on the table.
    await blocker.query(`BEGIN; SELECT * FROM ${table} LIMIT 1;`);
    try {
      // Connection B: the plan's own statements, its SET lock_timeout first.
      let code: string | undefined;
      const t0 = performance.now();
      try {
        for (const s of statements) await main.query(s.sql);
      } catch (e) {
        code = errorInfo(e).code;
      }
      const waited = performance.now() - t0;
      expect(code).toBe("55P03");
      expect(waited).toBeGreaterThanOrEqual(timeoutMs * 0.9);
      expect(waited).toBeLessThan(timeoutMs + 1500);
      // Connection C: a plain SELECT is not stuck behind the abandoned request.
      await watcher.query("SET statement_timeout = '1000ms'");
      const t1 = performance.now();
      const rows = await watcher.query(`SELECT count(*)::int AS c FROM ${table}`);
      expect(rows[0].c).toBeGreaterThan(0);
      expect(performance.now() - t1).toBeLessThan(1000);
      await watcher.query("RESET statement_timeout");
    } finally {
      await blocker.query("COMMIT");
    }
  });
});

describe("plans on a real server (a representative subset: every example per operation at the server's version, medium and large, downtime none)", () => {
  for (const operation of OPERATIONS) {
    it(`${operation}: claims hold with every statement lock-traced, checks pass, rollback and re-apply work`, async (ctx) => {
      const problems: string[] = [];
      const runs = Object.entries(EXAMPLES[operation]).flatMap(([variant, sample]) =>
        [500_000, 50_000_000].map((approx_rows) => ({ variant, sample, approx_rows })),
      );
      for (const { variant, sample, approx_rows } of runs) {
        const plan = buildPlan({
          mode: "plan", engine: "postgresql", engine_version: String(server!.major), operation, ...sample,
          approx_rows, downtime_tolerance: "none", rollback_need: "phase-level", tool: "raw-sql",
        } as PlanAnswers);
        await main.query("RESET ALL; DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
        const report = await verifyPlan(plan, main, { observers });
        // Forward statements must all be seen; a rollback's `IF EXISTS` may rightly do nothing and lock nothing.
        const untraced = report.statements.filter((s) => s.pass === "apply" && s.trace.method === "not-traced" && !s.trace.error);
        for (const s of untraced) problems.push(`${variant}, ${approx_rows} rows: not lock-traced: ${s.sql.split("\n")[0]}`);
        if (!report.ok) problems.push(`${variant}, ${approx_rows} rows:\n    ${[...report.mismatches, ...report.failures].join("\n    ")}`);
      }
      expect(problems, problems.join("\n")).toEqual([]);
    }, 300_000);
  }
});
