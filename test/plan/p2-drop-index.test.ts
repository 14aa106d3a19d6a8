import { afterEach, describe, expect, it } from "vitest";
import type { PlanAnswers } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import type { SqlSession } from "../../src/verify/session.js";
import { answers, openDb, provePlan, runChecks, sqlOf } from "./p2-harness.js";

const drop = (over: Partial<PlanAnswers> = {}) =>
  answers({ operation: "drop_index", table: "orders", columns: [{ name: "customer_id" }], details: { index_name: "orders_customer_idx" }, ...over });

let db: SqlSession | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

describe("drop_index on PostgreSQL", () => {
  it("verifies the index is unused, then drops it concurrently; rollback rebuilds it concurrently", () => {
    const plan = buildPlan(drop());
    expect(plan.phases.map((p) => p.kind)).toEqual(["verify", "contract"]);
    const [verify, contract] = plan.phases;
    expect(verify.statements).toEqual([]);
    expect(verify.checks.map((c) => c.sql)).toEqual([
      "SELECT to_regclass('orders_customer_idx') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = to_regclass('orders_customer_idx')) AS ok;",
      "SELECT coalesce((SELECT idx_scan = 0 FROM pg_stat_user_indexes WHERE indexrelid = to_regclass('orders_customer_idx')), false) AS ok;",
    ]);
    expect(verify.why).toContain("pg_get_indexdef('orders_customer_idx'::regclass)");
    expect(sqlOf(contract.statements)).toEqual(["DROP INDEX CONCURRENTLY IF EXISTS orders_customer_idx;"]);
    expect(contract.statements[0]).toMatchObject({ transaction: false, lock: "SHARE UPDATE EXCLUSIVE" });
    expect(sqlOf(contract.rollback)).toEqual(["CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);"]);
    expect(contract.checks[0].sql).toBe("SELECT to_regclass('orders_customer_idx') IS NULL AS ok;");
  });

  it("small table with tolerance: a plain DROP INDEX behind a lock timeout", () => {
    const plan = buildPlan(drop({ approx_rows: 2000, downtime_tolerance: "seconds" }));
    expect(sqlOf(plan.phases[1].statements)).toEqual(["SET lock_timeout = '500ms';", "DROP INDEX IF EXISTS orders_customer_idx;"]);
    expect(plan.phases[1].statements[1].lock).toBe("ACCESS EXCLUSIVE");
    expect(sqlOf(plan.phases[1].rollback)).toEqual(["SET lock_timeout = '500ms';", "CREATE INDEX orders_customer_idx ON orders (customer_id);"]);
  });

  it("without the columns there is no automatic rollback, and it says how to restore", () => {
    const plan = buildPlan(drop({ columns: [], details: { index_name: "orders_customer_idx" } }));
    expect(plan.phases[1].rollback).toBeUndefined();
    expect(plan.phases[1].irreversible).toMatch(/definition/);
    expect(() => buildPlan(drop({ details: {} }))).toThrow(/index name/);
  });
});

describe("drop_index on MySQL", () => {
  it("8.0: invisible first (reversible), then drop online", () => {
    const plan = buildPlan(drop({ engine: "mysql", engine_version: "8.0.36" }));
    expect(plan.phases.map((p) => p.kind)).toEqual(["switch", "contract"]);
    expect(sqlOf(plan.phases[0].statements)).toEqual(["SET SESSION lock_wait_timeout = 2;", "ALTER TABLE orders ALTER INDEX orders_customer_idx INVISIBLE;"]);
    expect(sqlOf(plan.phases[0].rollback)).toEqual(["SET SESSION lock_wait_timeout = 2;", "ALTER TABLE orders ALTER INDEX orders_customer_idx VISIBLE;"]);
    expect(sqlOf(plan.phases[1].statements)).toEqual([
      "SET SESSION lock_wait_timeout = 2;",
      "ALTER TABLE orders DROP INDEX orders_customer_idx, ALGORITHM=INPLACE, LOCK=NONE;",
    ]);
    expect(sqlOf(plan.phases[1].rollback)).toEqual([
      "SET SESSION lock_wait_timeout = 2;",
      // Rebuilt invisible, as phase 1 left it: undoing phase 1 then makes it visible.
      "ALTER TABLE orders ADD INDEX orders_customer_idx (customer_id) INVISIBLE, ALGORITHM=INPLACE, LOCK=NONE;",
    ]);
  });

  it("5.7 has no invisible indexes: one phase", () => {
    const plan = buildPlan(drop({ engine: "mysql", engine_version: "5.7.44" }));
    expect(plan.phases.map((p) => p.kind)).toEqual(["contract"]);
  });
});

describe("drop_index proven on embedded PostgreSQL", () => {
  const setup = `CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint);
    INSERT INTO orders (customer_id) SELECT g % 5 FROM generate_series(1, 40) g;
    CREATE INDEX orders_customer_idx ON orders (customer_id);`;

  it.each([
    ["concurrent", {}],
    ["plain", { approx_rows: 2000, downtime_tolerance: "seconds" as const }],
  ])("%s: verify, drop, roll back (rebuild), drop again", async (_l, over) => {
    db = await openDb(setup);
    expect(await provePlan(db, buildPlan(drop(over)))).toBe(0);
  });

  it("the verify phase refuses an index that backs a constraint", async () => {
    db = await openDb(`CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint, CONSTRAINT orders_customer_idx UNIQUE (customer_id));`);
    await expect(runChecks(db, buildPlan(drop()).phases[0])).rejects.toThrow(/backs no constraint/);
  });
});
