/**
 * Regressions found by the every-path proof (test/proof), each pinned here on embedded PostgreSQL 18:
 * the backfill's RAISE NOTICE with quotes and % in the SET expression, the PostgreSQL 10 cursor table
 * surviving a rollback, create_table's lock claim with and without a foreign key, the NOT NULL
 * helper CHECK clashing with PostgreSQL 18's own `<table>_<column>_not_null`, and plans on a column
 * that is already NOT NULL.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PlanAnswers } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import type { Plan } from "../../src/plan/model.js";
import { dollarQuoted } from "../../src/plan/encode.js";
import { notNullCheckName, pgNotNullConstraintName } from "../../src/plan/recipes/not-null.js";
import { verifyPlan } from "../../src/verify/run.js";
import { openEmbedded, type SqlSession } from "../../src/verify/session.js";
import type { PGlite } from "@electric-sql/pglite";
import { answers, provePlan, sqlOf } from "./p2-harness.js";

let session: SqlSession & { db: PGlite };
beforeAll(async () => {
  session = await openEmbedded();
});
afterAll(() => session?.close());
beforeEach(async () => {
  await session.query("RESET ALL; DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
});

const LT = "SET lock_timeout = '200ms';";

/** Apply, check, roll back, re-apply on the verifier's fixture; the report's problems, empty when all held. */
async function problems(plan: Plan): Promise<string[]> {
  await session.query("RESET ALL; DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
  const report = await verifyPlan(plan, session);
  return [...report.mismatches, ...report.failures];
}

const USERS = [
  { name: "first_name", type: "text" },
  { name: "last_name", type: "text" },
  { name: "full_name", type: "text" },
];
const backfill = (set: string, over: Partial<PlanAnswers> = {}) =>
  answers({ operation: "backfill", table: "users", columns: USERS, details: { set, backfill_where: "full_name IS NULL" }, approx_rows: 500_000, ...over });

const QUOTED = "full_name = first_name || ' ' || last_name";
const PERCENT = "full_name = first_name || ' 100% ' || last_name";
const DOLLARS = "full_name = $$it's $$ || last_name";

describe("backfill: the SET expression inside the DO block", () => {
  it("passes the label to RAISE as a parameter, so quotes and % in it are plain text", () => {
    const loop = buildPlan(backfill(QUOTED)).phases[1].statements.find((s) => s.batched)!;
    expect(loop.sql.split("\n")).toContain(
      "    IF batches % 100 = 0 THEN RAISE NOTICE '%: % batches done, up to key %', 'users (full_name = first_name || '' '' || last_name)', batches, batch_end; END IF;",
    );
    expect(loop.sql.startsWith("DO $$\nDECLARE\n")).toBe(true);
    expect(loop.sql.endsWith("\n  END LOOP;\nEND $$;")).toBe(true);
  });

  it("picks another dollar-quote tag when the expression contains $$", () => {
    expect(dollarQuoted("x = 1")).toBe("$$x = 1$$");
    expect(dollarQuoted("x = $$a$$")).toBe("$mw$x = $$a$$$mw$");
    expect(dollarQuoted("x = $$a$$ || $mw$b$mw$")).toBe("$mw1$x = $$a$$ || $mw$b$mw$$mw1$");
    const loop = buildPlan(backfill(DOLLARS)).phases[1].statements.find((s) => s.batched)!;
    expect(loop.sql.startsWith("DO $mw$\n")).toBe(true);
    expect(loop.sql.endsWith("\nEND $mw$;")).toBe(true);
  });

  it("the progress notice prints the label as written", async () => {
    const loop = buildPlan(backfill(PERCENT)).phases[1].statements.find((s) => s.batched)!;
    const raise = loop.sql.split("\n").find((l) => l.includes("RAISE NOTICE"))!;
    const notices: string[] = [];
    await session.db.exec(`DO $$ DECLARE batches bigint := 100; batch_end bigint := 7; BEGIN\n${raise}\nEND $$;`, {
      onNotice: (n) => notices.push(n.message ?? ""),
    });
    expect(notices).toEqual(["users (full_name = first_name || ' 100% ' || last_name): 100 batches done, up to key 7"]);
  });

  for (const set of [QUOTED, PERCENT, DOLLARS]) {
    for (const version of ["10", "11", "16", "18"]) {
      it(`runs, rolls back and re-applies on PostgreSQL: ${set} (plan for ${version})`, async () => {
        for (const rollback_need of ["phase-level", "none"] as const) {
          expect(await problems(buildPlan(backfill(set, { engine_version: version, rollback_need })))).toEqual([]);
        }
      });
    }
  }
});

describe("backfill on PostgreSQL 10: the cursor table", () => {
  it("is dropped by the rollback, after the saved values are restored, with a lock timeout first", () => {
    const plan = buildPlan(backfill(QUOTED, { engine_version: "10" }));
    expect(sqlOf(plan.phases[1].statements)[0]).toBe("CREATE TABLE IF NOT EXISTS mw_backfill_users_cursor AS SELECT min(id) AS next_key FROM users;");
    const rollback = sqlOf(plan.phases[1].rollback);
    // The restore runs in batches taken from the saved copy, and leaves rows the application changed since.
    expect(rollback[0]).toMatch(/DELETE FROM users_backfill_before WHERE id IN \(SELECT id FROM users_backfill_before ORDER BY id LIMIT 1000\)/);
    expect(rollback[0]).toMatch(/full_name IS NOT DISTINCT FROM \(first_name \|\| ' ' \|\| last_name\)/);
    expect(rollback.slice(1)).toEqual([LT, "DROP TABLE IF EXISTS mw_backfill_users_cursor;"]);
    expect(plan.phases[1].onLockTimeout).toBeTruthy();
  });

  it("so a re-applied backfill starts from the first key and fills every row again", async () => {
    await session.query("RESET ALL; DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
    const report = await verifyPlan(buildPlan(backfill(QUOTED, { engine_version: "10" })), session);
    expect([...report.mismatches, ...report.failures]).toEqual([]);
    expect(report.rolledBack).toEqual(["02-backfill", "01-backfill"]);
    const reapplied = report.checks.filter((c) => c.pass === "reapply");
    expect(reapplied.map((c) => c.description)).toContain("No row still needs the backfill (full_name IS NULL)");
    expect(reapplied.every((c) => c.ok)).toBe(true);
  });

  it("other recipes' PostgreSQL 10 backfills drop it behind a lock timeout too", () => {
    const plan = buildPlan(
      answers({ operation: "add_column", table: "accounts", columns: [{ name: "token", type: "uuid", nullable: false, default: "gen_random_uuid()" }], engine_version: "10" }),
    );
    const phase = plan.phases.find((p) => p.kind === "backfill")!;
    expect(sqlOf(phase.rollback)).toEqual([LT, "DROP TABLE IF EXISTS mw_backfill_accounts_cursor;"]);
  });
});

describe("create_table: the lock claim is on the tables that already exist", () => {
  const invoices = (columns: NonNullable<PlanAnswers["columns"]>, version = "16") =>
    answers({ operation: "create_table", table: "invoices", columns, engine_version: version });
  const WITH_FK = [
    { name: "id", type: "bigint", nullable: false },
    { name: "customer_id", type: "bigint", references: "customers(id)" },
  ];
  const NO_FK = [
    { name: "id", type: "bigint", nullable: false },
    { name: "note", type: "text" },
  ];
  const SELF_FK = [
    { name: "id", type: "bigint", nullable: false },
    { name: "parent_id", type: "bigint", references: "invoices(id)" },
  ];

  it("an inline foreign key: SHARE ROW EXCLUSIVE on the referenced table only, after a lock timeout", () => {
    const [phase] = buildPlan(invoices(WITH_FK)).phases;
    expect(sqlOf(phase.statements)).toEqual([LT, "CREATE TABLE invoices (\n  id bigint NOT NULL,\n  customer_id bigint REFERENCES customers (id),\n  PRIMARY KEY (id)\n);"]);
    expect(phase.statements[1]).toMatchObject({ lock: "SHARE ROW EXCLUSIVE", lockedTables: ["customers"], rewrite: false });
  });

  it("no foreign key, or one to itself: no lock on any existing table, so no lock timeout", () => {
    for (const columns of [NO_FK, SELF_FK]) {
      const [phase] = buildPlan(invoices(columns)).phases;
      expect(phase.statements).toHaveLength(1);
      expect(phase.statements[0]).toMatchObject({ lock: "none", lockedTables: [] });
    }
  });

  it("MySQL keeps its metadata-lock claim", () => {
    const [phase] = buildPlan({ ...invoices(WITH_FK), engine: "mysql", engine_version: "8.0.36" }).phases;
    expect(phase.statements.find((s) => !s.setting)).toMatchObject({ lock: "metadata lock", lockedTables: ["invoices", "customers"] });
  });

  for (const version of ["10", "16", "18"]) {
    it(`the claims match what PostgreSQL does (plan for ${version})`, async () => {
      for (const columns of [WITH_FK, NO_FK, SELF_FK]) expect(await problems(buildPlan(invoices(columns, version)))).toEqual([]);
    });
  }
});

describe("the NOT NULL pattern's names", () => {
  it("the helper CHECK is <table>_<column>_nn_check, never PostgreSQL 18's own <table>_<column>_not_null", () => {
    expect(notNullCheckName("accounts", "email")).toBe("accounts_email_nn_check");
    expect(notNullCheckName("billing.accounts", "email")).toBe("accounts_email_nn_check");
    expect(notNullCheckName("a".repeat(40), "b".repeat(40))).toHaveLength(63);
    const base = answers({ operation: "set_not_null", table: "accounts", columns: [{ name: "email", type: "text" }] });
    expect(buildPlan({ ...base, engine_version: "12" }).phases.map((p) => sqlOf(p.statements))).toEqual([
      [LT, "ALTER TABLE accounts ADD CONSTRAINT accounts_email_nn_check CHECK (email IS NOT NULL) NOT VALID;"],
      ["ALTER TABLE accounts VALIDATE CONSTRAINT accounts_email_nn_check;"],
      [LT, "ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;", "ALTER TABLE accounts DROP CONSTRAINT accounts_email_nn_check;"],
    ]);
    expect(buildPlan({ ...base, engine_version: "18" }).phases.map((p) => sqlOf(p.statements))).toEqual([
      [LT, "ALTER TABLE accounts ADD CONSTRAINT accounts_email_not_null NOT NULL email NOT VALID;"],
      ["ALTER TABLE accounts VALIDATE CONSTRAINT accounts_email_not_null;"],
    ]);
  });

  it("the PostgreSQL 18 NOT NULL constraint gets exactly the name PostgreSQL 18 would give it", async () => {
    const cases: [string, string][] = [
      ["accounts", "email"],
      ["Order", "createdAt"],
      ["t".repeat(50), "c".repeat(30)],
      ["short", "c".repeat(60)],
      ["é".repeat(30), "col"],
    ];
    for (const [table, column] of cases) {
      await session.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
      await session.query(`CREATE TABLE "${table}" ("${column}" int NOT NULL)`);
      const [row] = await session.query("SELECT conname FROM pg_constraint WHERE contype = 'n' AND connamespace = 'public'::regnamespace");
      expect(pgNotNullConstraintName(table, column), `${table}.${column}`).toBe(row.conname);
    }
  });
});

describe("a column that is already NOT NULL", () => {
  const SETUP = "CREATE TABLE events (id bigint NOT NULL, note text); INSERT INTO events SELECT g, 'n' || g FROM generate_series(1, 200) g;";
  const SIZES = [
    { approx_rows: 5_000, downtime_tolerance: "minutes" as const },
    { approx_rows: 50_000_000, downtime_tolerance: "none" as const },
  ];
  const VERSIONS = ["10", "11", "12", "16", "18"];

  for (const version of VERSIONS) {
    it(`set_not_null and add_primary_key (nullability not given) run, roll back and re-apply (plan for ${version})`, async () => {
      for (const size of SIZES) {
        for (const a of [
          answers({ operation: "set_not_null", table: "events", columns: [{ name: "id", type: "bigint" }], engine_version: version, ...size }),
          answers({ operation: "add_primary_key", table: "events", columns: [{ name: "id", type: "bigint" }], engine_version: version, ...size }),
        ]) {
          await session.query(`DROP SCHEMA public CASCADE; CREATE SCHEMA public; ${SETUP}`);
          await provePlan(session, buildPlan(a));
          const [row] = await session.query("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'events'::regclass AND attname = 'id'");
          expect(row.attnotnull, `${a.operation} ${version} ${size.approx_rows}`).toBe(true);
        }
      }
    });
  }

  it("add_primary_key declared NOT NULL skips the NOT NULL pattern and proves on the verifier's fixture", async () => {
    for (const version of VERSIONS) {
      const plan = buildPlan(
        answers({ operation: "add_primary_key", table: "events", columns: [{ name: "id", type: "bigint", nullable: false }], engine_version: version, details: { constraint_name: "events_pkey" } }),
      );
      expect(plan.phases).toHaveLength(1);
      expect(plan.phases[0].statements.map((s) => s.sql).join("\n")).not.toMatch(/NOT NULL|nn_check/);
      expect(await problems(plan)).toEqual([]);
      const [row] = await session.query("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'events'::regclass AND attname = 'id'");
      expect(row.attnotnull).toBe(true);
    }
  });
});
