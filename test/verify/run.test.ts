import { describe, expect, it } from "vitest";
import type { PlanAnswers } from "../../src/answers/schema.js";
import type { Phase, Plan } from "../../src/plan/model.js";
import type { SqlSession } from "../../src/verify/session.js";
import { useEmbeddedPerFile } from "../support/embedded.js";
import { verifyPlan } from "../../src/verify/run.js";

let db: SqlSession;
useEmbeddedPerFile((session) => (db = session));

const answers: PlanAnswers = {
  mode: "plan",
  engine: "postgresql",
  engine_version: "16",
  operation: "add_index",
  table: "orders",
  columns: [{ name: "customer_id", type: "bigint" }],
  approx_rows: 5000,
  downtime_tolerance: "none",
  rollback_need: "phase-level",
  tool: "raw-sql",
  details: { index_name: "orders_customer_id_idx" },
};

function plan(phases: Omit<Phase, "id">[]): Plan {
  return {
    version: 1,
    answers,
    engine: "postgresql",
    engineVersion: "16",
    summary: "test",
    strategy: "test",
    phases: phases.map((p, i) => ({ ...p, id: `0${i + 1}-${p.kind}` })),
    warnings: [],
    checklist: [],
    files: [],
  };
}

const setTimeout = { sql: "SET lock_timeout = '200ms';", transaction: true, lock: "none", rewrite: false, setting: true };
const indexValid = {
  description: "the index is valid",
  sql: "SELECT coalesce(bool_and(indisvalid), false) AS ok FROM pg_index WHERE indexrelid = 'orders_customer_id_idx'::regclass",
};

describe("verifyPlan", () => {
  it("applies, rolls back and re-applies a plan whose claims hold", async () => {
    const report = await verifyPlan(
      plan([
        {
          kind: "expand",
          title: "index",
          why: "",
          statements: [setTimeout, { sql: "CREATE INDEX orders_customer_id_idx ON orders (customer_id);", transaction: true, lock: "SHARE", rewrite: false }],
          rollback: [{ sql: "DROP INDEX orders_customer_id_idx;", transaction: true, lock: "ACCESS EXCLUSIVE", rewrite: false }],
          checks: [indexValid],
        },
        {
          kind: "contract",
          title: "widen",
          why: "",
          statements: [{ sql: "ALTER TABLE orders ALTER COLUMN customer_id TYPE numeric;", transaction: true, lock: "ACCESS EXCLUSIVE", rewrite: true }],
          rollback: [{ sql: "ALTER TABLE orders ALTER COLUMN customer_id TYPE bigint;", transaction: true, lock: "ACCESS EXCLUSIVE", rewrite: true }],
          checks: [{ description: "rows kept", sql: "SELECT count(*) = 5000 AS ok FROM orders" }],
        },
      ]),
      db,
    );
    expect(report.failures).toEqual([]);
    expect(report.mismatches).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.rolledBack).toEqual(["02-contract", "01-expand"]);
    expect(report.statements.map((s) => s.pass)).toEqual(["apply", "apply", "apply", "rollback", "rollback", "reapply", "reapply", "reapply"]);
    expect(report.checks.filter((c) => c.ok)).toHaveLength(4);
    const create = report.statements[1];
    expect(create.observedLock).toBe("SHARE");
    expect(create.trace.ms).toBeGreaterThan(0);
  });

  it("flags a claimed lock or rewrite that PostgreSQL did not do", async () => {
    const report = await verifyPlan(
      plan([
        {
          kind: "expand",
          title: "index",
          why: "",
          statements: [
            { sql: "CREATE INDEX orders_customer_id_idx ON orders (customer_id);", transaction: true, lock: "SHARE UPDATE EXCLUSIVE", rewrite: false },
            { sql: "ALTER TABLE orders ALTER COLUMN customer_id TYPE numeric;", transaction: true, lock: "ACCESS EXCLUSIVE", rewrite: false },
          ],
          rollback: [],
          checks: [],
        },
      ]),
      db,
    );
    expect(report.ok).toBe(false);
    expect(report.mismatches).toHaveLength(2);
    expect(report.mismatches[0]).toMatch(/claims lock SHARE UPDATE EXCLUSIVE on orders, but PostgreSQL took SHARE/);
    expect(report.mismatches[1]).toMatch(/claims no rewrite, but PostgreSQL rewrote orders/);
  });

  it("fails on a failing check and on a failing statement, and stops there", async () => {
    const failingCheck = await verifyPlan(
      plan([{ kind: "verify", title: "c", why: "", statements: [], rollback: [], checks: [{ description: "never", sql: "SELECT false AS ok" }] }]),
      db,
    );
    expect(failingCheck.ok).toBe(false);
    expect(failingCheck.failures[0]).toMatch(/check "never" returned ok = false/);

    await db.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
    const failingStatement = await verifyPlan(
      plan([
        { kind: "expand", title: "a", why: "", statements: [{ sql: "ALTER TABLE orders ADD COLUMN customer_id int;", transaction: true, lock: "ACCESS EXCLUSIVE", rewrite: false }], rollback: [], checks: [] },
        { kind: "contract", title: "b", why: "", statements: [{ sql: "SELECT 1;", transaction: true, lock: "none", rewrite: false }], rollback: [], checks: [] },
      ]),
      db,
    );
    expect(failingStatement.ok).toBe(false);
    expect(failingStatement.failures[0]).toMatch(/42701/);
    expect(failingStatement.statements).toHaveLength(1);
  });

  it("rolls back only through reversible phases, then re-applies from there", async () => {
    const report = await verifyPlan(
      plan([
        {
          kind: "expand",
          title: "add",
          why: "",
          statements: [{ sql: "ALTER TABLE orders ADD COLUMN note text;", transaction: true, lock: "ACCESS EXCLUSIVE", rewrite: false }],
          rollback: [{ sql: "ALTER TABLE orders DROP COLUMN note;", transaction: true, lock: "ACCESS EXCLUSIVE", rewrite: false }],
          checks: [],
        },
        {
          kind: "contract",
          title: "drop",
          why: "",
          statements: [{ sql: "ALTER TABLE orders DROP COLUMN customer_id;", transaction: true, lock: "ACCESS EXCLUSIVE", rewrite: false }],
          irreversible: "the data in customer_id is gone",
          checks: [],
        },
      ]),
      db,
    );
    expect(report.ok).toBe(true);
    expect(report.rolledBack).toEqual([]);
    expect(report.rollbackStoppedAt).toEqual({ phase: "02-contract", reason: "the data in customer_id is gone" });
    expect(report.statements.every((s) => s.pass === "apply")).toBe(true);
  });
});

describe("the dedup invariant (add_unique_constraint with dedup)", () => {
  const dedupAnswers: PlanAnswers = {
    ...answers,
    operation: "add_unique_constraint",
    table: "users",
    columns: [{ name: "email", type: "text" }],
    details: { constraint_name: "users_email_key", dedup: "keep-oldest" },
  };
  const dedupPlan = (deleteSql: string): Plan => ({
    ...plan([
      {
        kind: "backfill",
        title: "dedup",
        why: "",
        statements: [{ sql: deleteSql, transaction: true, lock: "ROW EXCLUSIVE", rewrite: false }],
        irreversible: "rows deleted",
        checks: [],
      },
    ]),
    answers: dedupAnswers,
  });
  const keepOldest = "DELETE FROM users a USING users b WHERE a.email = b.email AND a.id > b.id";

  it("passes a dedup that deletes only the extra copies", async () => {
    const report = await verifyPlan(dedupPlan(keepOldest), db, { rows: 1000 });
    expect(report.failures).toEqual([]);
    expect(report.checks.find((c) => c.phase === "invariant")?.ok).toBe(true);
  });

  it("fails a dedup that deletes every copy, originals included", async () => {
    const report = await verifyPlan(
      dedupPlan("DELETE FROM users WHERE email IN (SELECT email FROM users GROUP BY email HAVING count(*) > 1)"),
      db,
      { rows: 1000 },
    );
    expect(report.ok).toBe(false);
    expect(report.failures[0]).toMatch(/Dedup removed only extra copies/);
  });

  it("fails a dedup that treats NULLs as duplicates", async () => {
    const report = await verifyPlan(dedupPlan(`${keepOldest}; DELETE FROM users a USING users b WHERE a.email IS NULL AND b.email IS NULL AND a.id > b.id`), db, { rows: 1000 });
    expect(report.ok).toBe(false);
  });
});
