import { afterEach, describe, expect, it } from "vitest";
import type { PlanAnswers } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import type { SqlSession } from "../../src/verify/session.js";
import { answers, openDb, provePlan, sqlOf } from "./p2-harness.js";

let db: SqlSession | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

const check = (over: Partial<PlanAnswers> = {}) =>
  answers({ operation: "add_check_constraint", table: "accounts", columns: [{ name: "balance" }], details: { check: "balance >= 0" }, ...over });
const pk = (over: Partial<PlanAnswers> = {}) => answers({ operation: "add_primary_key", table: "events", columns: [{ name: "id" }], ...over });
const enumValue = (over: Partial<PlanAnswers> = {}) =>
  answers({ operation: "add_enum_value", table: "orders", details: { enum_type: "order_status", enum_value: "refunded", after: "paid" }, ...over });

describe("add_check_constraint", () => {
  it("PostgreSQL large: NOT VALID then VALIDATE; violation check after the first phase", () => {
    const plan = buildPlan(check());
    expect(plan.phases.map((p) => sqlOf(p.statements))).toEqual([
      ["SET lock_timeout = '200ms';", "ALTER TABLE accounts ADD CONSTRAINT accounts_balance_check CHECK (balance >= 0) NOT VALID;"],
      ["ALTER TABLE accounts VALIDATE CONSTRAINT accounts_balance_check;"],
    ]);
    expect(plan.phases[0].checks[0].sql).toBe("SELECT NOT EXISTS (SELECT 1 FROM accounts WHERE NOT (balance >= 0)) AS ok;");
    expect(plan.phases[1].statements[0].lock).toBe("SHARE UPDATE EXCLUSIVE");
  });

  it("PostgreSQL small with tolerance: one validating statement", () => {
    const plan = buildPlan(check({ approx_rows: 800, downtime_tolerance: "seconds" }));
    expect(plan.phases.map((p) => sqlOf(p.statements))).toEqual([
      ["SET lock_timeout = '500ms';", "ALTER TABLE accounts ADD CONSTRAINT accounts_balance_check CHECK (balance >= 0);"],
    ]);
  });

  it("MySQL: refused before 8.0.16 (not enforced), COPY with a warning from 8.0.16", () => {
    expect(() => buildPlan(check({ engine: "mysql", engine_version: "8.0.15" }))).toThrow(/8\.0\.16/);
    expect(() => buildPlan(check({ engine: "mysql", engine_version: "5.7" }))).toThrow(/never enforces/);
    const plan = buildPlan(check({ engine: "mysql", engine_version: "8.0.16" }));
    expect(sqlOf(plan.phases[1].statements)).toEqual([
      "SET SESSION lock_wait_timeout = 2;",
      "ALTER TABLE accounts ADD CONSTRAINT accounts_balance_check CHECK (balance >= 0), ALGORITHM=COPY, LOCK=SHARED;",
    ]);
    expect(plan.phases[1].statements[1]).toMatchObject({ lock: "COPY, LOCK=SHARED", rewrite: true });
    expect(plan.warnings.join(" ")).toMatch(/gh-ost/);
  });

  it("needs the expression", () => {
    expect(() => buildPlan(check({ details: {} }))).toThrow(/boolean expression/);
  });

  it.each([
    ["two-phase", {}],
    ["one-phase", { approx_rows: 800, downtime_tolerance: "seconds" as const }],
  ])("proven on embedded PostgreSQL: %s", async (_l, over) => {
    db = await openDb(`CREATE TABLE accounts (id bigserial PRIMARY KEY, balance numeric);
      INSERT INTO accounts (balance) SELECT g FROM generate_series(0, 20) g; INSERT INTO accounts (balance) VALUES (NULL);`);
    expect(await provePlan(db, buildPlan(check(over)))).toBe(0);
    await expect(db.query("INSERT INTO accounts (balance) VALUES (-1)")).rejects.toThrow(/accounts_balance_check/);
  });
});

describe("add_primary_key", () => {
  it("PostgreSQL 16: check pattern, SET NOT NULL, unique index concurrently, ADD PRIMARY KEY USING INDEX", () => {
    const plan = buildPlan(pk());
    expect(plan.phases.map((p) => p.kind)).toEqual(["expand", "verify", "contract", "expand"]);
    const last = plan.phases[3];
    expect(sqlOf(last.statements)).toEqual([
      "CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events (id);",
      "SET lock_timeout = '200ms';",
      "ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;",
    ]);
    expect(sqlOf(last.rollback)).toEqual([
      "SET lock_timeout = '200ms';",
      "ALTER TABLE events DROP CONSTRAINT IF EXISTS events_pkey;",
      "DROP INDEX CONCURRENTLY IF EXISTS events_pkey;",
    ]);
    expect(plan.warnings).toEqual([]);
  });

  it("PostgreSQL 11: the check stays and the plan warns that the attach scans", () => {
    const plan = buildPlan(pk({ engine_version: "11" }));
    expect(plan.phases.map((p) => p.kind)).toEqual(["expand", "verify", "expand"]);
    expect(plan.warnings.join(" ")).toMatch(/cannot use a validated CHECK/);
  });

  it("columns already NOT NULL skip the pattern; a small table gets one ADD PRIMARY KEY", () => {
    expect(buildPlan(pk({ columns: [{ name: "id", nullable: false }] })).phases).toHaveLength(1);
    const small = buildPlan(pk({ approx_rows: 100, downtime_tolerance: "minutes", columns: [{ name: "tenant" }, { name: "seq" }] }));
    expect(sqlOf(small.phases[0].statements)).toEqual(["SET lock_timeout = '500ms';", "ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (tenant, seq);"]);
  });

  it("MySQL: verify then an in-place rebuild", () => {
    const plan = buildPlan(pk({ engine: "mysql", engine_version: "8.0.36" }));
    expect(sqlOf(plan.phases[1].statements)).toEqual(["SET SESSION lock_wait_timeout = 2;", "ALTER TABLE events ADD PRIMARY KEY (id), ALGORITHM=INPLACE, LOCK=NONE;"]);
    expect(plan.phases[1].statements[1].rewrite).toBe(true);
  });

  it.each([["16.2"], ["11"], ["18"]])("proven on embedded PostgreSQL with the %s plan", async (version) => {
    db = await openDb(`CREATE TABLE events (id bigint, payload text);
      INSERT INTO events (id, payload) SELECT g, 'x' FROM generate_series(1, 30) g;`);
    expect(await provePlan(db, buildPlan(pk({ engine_version: version })))).toBe(0);
    const rows = await db.query("SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = 'events'::regclass AND contype = 'p'");
    expect(rows[0].n).toBe(1);
  });
});

describe("add_enum_value", () => {
  it.each([
    ["11", false],
    ["12", true],
    ["16.2", true],
  ])("PostgreSQL %s: transaction %s, irreversible", (version, inTx) => {
    const plan = buildPlan(enumValue({ engine_version: version }));
    const [p] = plan.phases;
    expect(sqlOf(p.statements)).toEqual(["ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'paid';"]);
    expect(p.statements[0]).toMatchObject({ transaction: inTx, lock: "none", rewrite: false });
    expect(p.irreversible).toMatch(/cannot remove/);
    expect(p.rollback).toBeUndefined();
    expect(p.deploy).toMatch(/readers first/);
  });

  it("BEFORE, quoting, and errors", () => {
    const plan = buildPlan(enumValue({ details: { enum_type: "Status", enum_value: "it's", before: "new" } }));
    expect(sqlOf(plan.phases[0].statements)).toEqual([`ALTER TYPE "Status" ADD VALUE IF NOT EXISTS 'it''s' BEFORE 'new';`]);
    expect(() => buildPlan(enumValue({ details: { enum_type: "s", enum_value: "v", before: "a", after: "b" } }))).toThrow(/either before or after/);
    expect(() => buildPlan(enumValue({ engine: "mysql", engine_version: "8.0.36" }))).toThrow(/no enum types/);
  });

  it("proven on embedded PostgreSQL: added in order, re-run harmless, unusable before commit", async () => {
    db = await openDb(`CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
      CREATE TABLE orders (id bigserial PRIMARY KEY, status order_status); INSERT INTO orders (status) VALUES ('new'), ('paid');`);
    const plan = buildPlan(enumValue());
    await provePlan(db, plan);
    await provePlan(db, plan);
    const rows = await db.query("SELECT enum_range(NULL::order_status)::text AS r");
    expect(rows[0].r).toBe("{new,paid,refunded,shipped}");
    // The >= 12 caveat the plan teaches: a value added in a transaction cannot be used before it commits.
    await db.query("BEGIN");
    await db.query("ALTER TYPE order_status ADD VALUE 'lost'");
    await expect(db.query("INSERT INTO orders (status) VALUES ('lost')")).rejects.toThrow(/unsafe use of new value/);
    await db.query("ROLLBACK");
  });
});
