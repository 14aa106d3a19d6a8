/** Troubleshoot reads MariaDB's errors and answers with MySQL-family queries, naming MariaDB. */
import { describe, expect, it } from "vitest";
import type { Answers } from "../../src/answers/schema.js";
import { shippedTrees } from "../../src/trees/shipped.js";
import { longRunning } from "../../src/troubleshoot/diagnoses/long-running.js";
import { troubleshoot } from "../../src/troubleshoot/run.js";
import { mariadbForFile } from "../support/mariadb-server.js";
import { freshDb, mysqlPlan, scalar } from "./support.js";

const trees = shippedTrees();
const mariadb = (tool: Answers["tool"], extra: Partial<Answers> = {}): Answers => ({ mode: "troubleshoot", engine: "mariadb", engine_version: "10.11.6", tool, ...extra }) as Answers;

// Messages as MariaDB 10.11 prints them.
const CASES: { error: string; answers: Answers; diagnosis: string; want: RegExp }[] = [
  { error: "ERROR 1205 (HY000) at line 3: Lock wait timeout exceeded; try restarting transaction", answers: mariadb("raw-sql"), diagnosis: "lock-timeout", want: /innodb_trx/ },
  { error: "ERROR 1969 (70100): Query execution was interrupted (max_statement_time exceeded)", answers: mariadb("knex"), diagnosis: "long-running", want: /MariaDB 10\.11\.6/ },
  {
    error: "ERROR 1062 (23000): Duplicate entry 'a@x.io' for key 'users_email_key'",
    answers: mariadb("alembic", { table: "users", columns: [{ name: "email" }] }),
    diagnosis: "duplicate-rows",
    want: /DELETE a FROM users a JOIN users b/,
  },
  { error: "ERROR 1060 (42S21): Duplicate column name 'status'", answers: mariadb("raw-sql"), diagnosis: "failed-halfway", want: /information_schema\.statistics/ },
];

describe("troubleshoot on MariaDB", () => {
  for (const c of CASES) {
    it(`${c.diagnosis}: ${c.error.slice(0, 60)}`, () => {
      const result = troubleshoot({ trees, answers: c.answers, error: c.error });
      expect(result.status).toBe("diagnosed");
      if (result.status !== "diagnosed") return;
      expect(result.diagnosisId).toBe(c.diagnosis);
      const text = result.stdout + "\n" + result.files.map((f) => f.content).join("\n");
      expect(text).toMatch(c.want);
      expect(text).not.toMatch(/pg_stat_activity|pg_class|psql/);
      expect(result.files.find((f) => f.path.endsWith("REPAIR.md"))?.content ?? text).toMatch(/MariaDB/);
    });
  }
});

/**
 * MariaDB ships with performance_schema off (the throwaway server runs with the defaults), so a query on
 * performance_schema returns nothing there. What the MariaDB plans and diagnoses ask the user to run
 * must work on a default server: it runs here, and names no performance_schema table.
 */
describe("MariaDB without performance_schema", () => {
  const throwaway = mariadbForFile();
  const names = { table: "orders", columns: ["amount"], indexName: "i", constraintName: "c", refTable: "r", refColumn: "id", primaryKey: "id", placeholders: [], guessed: [] };

  it("the long-running diagnosis and the lock-timeout advice query what a default MariaDB has", async (t) => {
    const diagnosis = longRunning.build({ engine: "mariadb", version: "10.11.6", names });
    const plan = mysqlPlan({ operation: "add_index", table: "orders", columns: [{ name: "amount", type: "int" }], details: { index_name: "orders_amount_idx" } });
    const advice = plan.phases.map((p) => p.onLockTimeout ?? "").join("\n");
    expect(advice).toMatch(/INNODB_TRX/);
    const text = JSON.stringify(diagnosis) + advice;
    expect(text).not.toMatch(/performance_schema\.\w+/);
    // MySQL keeps performance_schema, on by default there.
    expect(JSON.stringify(longRunning.build({ engine: "mysql", version: "8.0.36", names }))).toMatch(/performance_schema\.events_stages_current/);
    if (!throwaway.server) return t.skip(throwaway.skip);
    const db = await freshDb(throwaway.server, "no_perf_schema");
    try {
      expect(Number(await scalar(db, "SELECT @@performance_schema"))).toBe(0);
      await db.query("CREATE TABLE orders (id BIGINT PRIMARY KEY, amount INT)");
      const sqls = [...diagnosis.confirm.map((q) => q.sql).filter((s): s is string => !!s), ...[...advice.matchAll(/`((?:SELECT|SHOW) [^`]+)`/g)].map((m) => m[1])];
      expect(sqls.length).toBeGreaterThanOrEqual(4);
      for (const sql of sqls) await expect(db.query(sql), sql).resolves.toBeDefined();
    } finally {
      await db.end();
    }
  });
});
