import { afterEach, describe, expect, it } from "vitest";
import { buildPlan } from "../../src/plan/build.js";
import type { PlanAnswers } from "../../src/answers/schema.js";
import type { SqlSession } from "../../src/verify/session.js";
import { answers, openDb, provePlan, sqlOf } from "./p2-harness.js";

const orders = (over: Partial<PlanAnswers> = {}) =>
  answers({ operation: "add_index", table: "orders", columns: [{ name: "customer_id" }], ...over });

let db: SqlSession | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

describe("add_index on PostgreSQL", () => {
  it("builds concurrently on a large table, outside a transaction, checked with indisvalid", () => {
    const plan = buildPlan(orders());
    expect(plan.phases).toHaveLength(1);
    const [p] = plan.phases;
    expect(p.kind).toBe("expand");
    expect(sqlOf(p.statements)).toEqual(["CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);"]);
    expect(p.statements[0]).toMatchObject({ transaction: false, lock: "SHARE UPDATE EXCLUSIVE", rewrite: false });
    expect(sqlOf(p.rollback)).toEqual(["DROP INDEX CONCURRENTLY IF EXISTS orders_customer_id_idx;"]);
    expect(p.rollback![0].transaction).toBe(false);
    expect(p.checks.map((c) => c.sql)).toEqual([
      "SELECT coalesce((SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('orders_customer_id_idx')), false) AS ok;",
    ]);
    expect(p.why).toMatch(/INVALID/);
    expect(p.estimate).toMatch(/30,000,000 rows/);
    expect(plan.warnings).toEqual([]);
  });

  it("builds concurrently even on a small table when no downtime is allowed", () => {
    const plan = buildPlan(orders({ approx_rows: 5000, downtime_tolerance: "none" }));
    expect(sqlOf(plan.phases[0].statements)).toEqual(["CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);"]);
  });

  it("uses a plain build in a transaction, after a lock timeout, for a small table with tolerance", () => {
    const plan = buildPlan(orders({ approx_rows: 5000, downtime_tolerance: "minutes" }));
    const [p] = plan.phases;
    expect(sqlOf(p.statements)).toEqual(["SET lock_timeout = '500ms';", "CREATE INDEX orders_customer_id_idx ON orders (customer_id);"]);
    expect(p.statements[1]).toMatchObject({ transaction: true, lock: "SHARE", rewrite: false });
    expect(sqlOf(p.rollback)).toEqual(["SET lock_timeout = '500ms';", "DROP INDEX IF EXISTS orders_customer_id_idx;"]);
    expect(p.rollback![1].lock).toBe("ACCESS EXCLUSIVE");
    expect(p.onLockTimeout).toMatch(/pg_stat_activity/);
  });

  it("quotes reserved and mixed-case names, keeps the schema on DROP INDEX, and supports unique/method/where", () => {
    const plan = buildPlan(
      answers({
        operation: "add_index",
        table: "billing.order",
        columns: [{ name: "createdAt" }, { name: "status" }],
        details: { index_name: "Order_created", unique: true, method: "btree", where: "status <> 'done'" },
      }),
    );
    const [p] = plan.phases;
    expect(sqlOf(p.statements)).toEqual([
      `CREATE UNIQUE INDEX CONCURRENTLY "Order_created" ON billing."order" ("createdAt", status) WHERE status <> 'done';`,
    ]);
    expect(sqlOf(p.rollback)).toEqual([`DROP INDEX CONCURRENTLY IF EXISTS billing."Order_created";`]);
    expect(p.checks[0].sql).toContain(`to_regclass('billing."Order_created"')`);
    expect(plan.warnings.join(" ")).toMatch(/duplicates/);
    const gin = buildPlan(orders({ details: { method: "gin" } }));
    expect(sqlOf(gin.phases[0].statements)).toEqual(["CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders USING gin (customer_id);"]);
  });

  it.each([
    ["14.0", true],
    ["14.3", true],
    ["14.4", false],
    ["13.9", false],
    ["15.1", false],
  ])("warns about the concurrent-index corruption bug on %s: %s", (version, warns) => {
    const plan = buildPlan(orders({ engine_version: version }));
    expect(plan.warnings.some((w) => /14\.4/.test(w))).toBe(warns);
  });

  it("suggests REINDEX CONCURRENTLY for cleanup only from PostgreSQL 12", () => {
    expect(buildPlan(orders({ engine_version: "11" })).phases[0].why).not.toMatch(/REINDEX/);
    expect(buildPlan(orders({ engine_version: "12" })).phases[0].why).toMatch(/REINDEX INDEX CONCURRENTLY orders_customer_id_idx/);
  });

  it("throws a PlanError naming columns when none are given", () => {
    expect(() => buildPlan(orders({ columns: [] }))).toThrow(/at least one column/);
  });
});

describe("add_index on MySQL", () => {
  it("uses INPLACE, LOCK=NONE after a lock_wait_timeout, with replica and implicit-commit warnings", () => {
    const plan = buildPlan(orders({ engine: "mysql", engine_version: "8.0.36", table: "order" }));
    const [p] = plan.phases;
    expect(sqlOf(p.statements)).toEqual([
      "SET SESSION lock_wait_timeout = 2;",
      "ALTER TABLE `order` ADD INDEX order_customer_id_idx (customer_id), ALGORITHM=INPLACE, LOCK=NONE;",
    ]);
    expect(p.statements[1].lock).toBe("INPLACE, LOCK=NONE");
    expect(sqlOf(p.rollback)).toEqual([
      "SET SESSION lock_wait_timeout = 2;",
      "ALTER TABLE `order` DROP INDEX order_customer_id_idx, ALGORITHM=INPLACE, LOCK=NONE;",
    ]);
    expect(p.checks[0].sql).toBe(
      "SELECT COUNT(*) > 0 AS ok FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'order' AND INDEX_NAME = 'order_customer_id_idx';",
    );
    expect(plan.warnings.join(" ")).toMatch(/replica/);
    expect(plan.warnings.join(" ")).toMatch(/commits implicitly/);
  });

  it("warns about pt-osc dropping rows for a unique index, and refuses PostgreSQL-only index kinds", () => {
    const plan = buildPlan(orders({ engine: "mysql", engine_version: "5.7", details: { unique: true } }));
    expect(sqlOf(plan.phases[0].statements)[1]).toBe(
      "ALTER TABLE orders ADD UNIQUE INDEX orders_customer_id_key (customer_id), ALGORITHM=INPLACE, LOCK=NONE;",
    );
    expect(plan.warnings.join(" ")).toMatch(/INSERT IGNORE/);
    expect(() => buildPlan(orders({ engine: "mysql", engine_version: "8.0.36", details: { method: "gin" } }))).toThrow(/B-trees/);
    expect(() => buildPlan(orders({ engine: "mysql", engine_version: "8.0.36", details: { where: "x > 1" } }))).toThrow(/partial/);
  });
});

describe("add_index proven on embedded PostgreSQL", () => {
  const setup = `CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint, status text);
    INSERT INTO orders (customer_id, status) SELECT g % 7, 'new' FROM generate_series(1, 50) g;`;

  it.each([
    ["concurrent", { approx_rows: 30_000_000 }],
    ["plain", { approx_rows: 5000, downtime_tolerance: "minutes" as const }],
  ])("%s build: applies, checks, rolls back, applies again", async (_label, over) => {
    db = await openDb(setup);
    const plan = buildPlan(orders(over));
    expect(await provePlan(db, plan)).toBe(0);
    const rows = await db.query("SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 'orders_customer_id_idx'");
    expect(rows[0].n).toBe(1);
  });

  it("the indisvalid check fails on an INVALID index left by a failed unique build", async () => {
    db = await openDb(setup);
    const plan = buildPlan(orders({ details: { unique: true } }));
    await expect(db.query(plan.phases[0].statements[0].sql)).rejects.toThrow(/could not create unique index/);
    const rows = await db.query(plan.phases[0].checks[0].sql);
    expect(rows[0].ok).toBe(false);
    // The rollback is the documented cleanup for the INVALID index.
    await db.query(plan.phases[0].rollback![0].sql);
    expect((await db.query("SELECT count(*)::int AS n FROM pg_index WHERE NOT indisvalid"))[0].n).toBe(0);
  });
});
