import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { PlanError } from "../../src/plan/build.js";
import { ACCOUNTS, planFor, proveOnPglite, sqlOf } from "./p1-pglite.js";

const db = new PGlite();
afterAll(() => db.close());

const LT = "SET lock_timeout = '200ms';";
const LT5 = "SET lock_timeout = '500ms';";
const col = (c: Record<string, unknown>) => ({ operation: "add_column", columns: [c] });

describe("add_column on PostgreSQL", () => {
  it("a nullable column without default is one catalog-only phase", async () => {
    const plan = planFor(col({ name: "note", type: "text" }));
    expect(sqlOf(plan)).toEqual([[LT, "ALTER TABLE accounts ADD COLUMN note text;"]]);
    expect(plan.phases[0].statements[1]).toMatchObject({ lock: "ACCESS EXCLUSIVE", rewrite: false, transaction: true });
    expect(plan.phases[0].rollback?.map((s) => s.sql)).toEqual([LT, "ALTER TABLE accounts DROP COLUMN IF EXISTS note;"]);
    expect(plan.phases[0].onLockTimeout).toMatch(/pg_stat_activity/);
    const proof = await proveOnPglite(plan, ACCOUNTS, db);
    expect(proof.failed).toEqual([]);
  });

  it("a constant default with NOT NULL is catalog only from 11, even on 50M rows", async () => {
    for (const v of ["11", "16.2", "18"]) {
      const plan = planFor({ ...col({ name: "status", type: "text", nullable: false, default: "'active'" }), engine_version: v });
      expect(sqlOf(plan)).toEqual([[LT, "ALTER TABLE accounts ADD COLUMN status text DEFAULT 'active' NOT NULL;"]]);
      expect(plan.phases[0].statements[1].rewrite).toBe(false);
    }
    const plan = planFor(col({ name: "status", type: "text", nullable: false, default: "'active'" }));
    expect((await proveOnPglite(plan, ACCOUNTS, db)).failed).toEqual([]);
    expect((await db.query("SELECT count(*)::int AS n FROM accounts WHERE status = 'active'")).rows).toEqual([{ n: 2500 }]);
  });

  it("now() is non-volatile: one step on 11+", () => {
    const plan = planFor({ ...col({ name: "created_at", type: "timestamptz", default: "now()" }), engine_version: "11" });
    expect(sqlOf(plan)).toEqual([[LT, "ALTER TABLE accounts ADD COLUMN created_at timestamptz DEFAULT now();"]]);
  });

  it("on PostgreSQL 10 any default rewrites: a big table gets add, backfill in a cursor loop, and a kept CHECK", async () => {
    const plan = planFor({ ...col({ name: "status", type: "text", nullable: false, default: "'active'" }), engine_version: "10" });
    expect(plan.phases.map((p) => p.kind)).toEqual(["expand", "backfill", "expand", "verify"]);
    expect(sqlOf(plan)[0]).toEqual([
      LT,
      "ALTER TABLE accounts ADD COLUMN status text;",
      "ALTER TABLE accounts ALTER COLUMN status SET DEFAULT 'active';",
    ]);
    expect(sqlOf(plan)[1]).toEqual([
      "CREATE TABLE IF NOT EXISTS mw_backfill_accounts_cursor AS SELECT min(id) AS next_key FROM accounts;",
      [
        "WITH batch AS (",
        "  SELECT id AS batch_key FROM accounts WHERE id >= (SELECT next_key FROM mw_backfill_accounts_cursor) ORDER BY id LIMIT 1000",
        "), done AS (",
        "  UPDATE accounts SET status = 'active' FROM batch WHERE accounts.id = batch.batch_key AND (status IS NULL)",
        ")",
        "UPDATE mw_backfill_accounts_cursor SET next_key = (SELECT min(id) FROM accounts WHERE id > (SELECT max(batch_key) FROM batch))",
        "RETURNING next_key;",
      ].join("\n"),
    ]);
    expect(sqlOf(plan)[2]).toEqual([LT, "ALTER TABLE accounts ADD CONSTRAINT accounts_status_nn_check CHECK (status IS NOT NULL) NOT VALID;"]);
    expect(sqlOf(plan)[3]).toEqual(["ALTER TABLE accounts VALIDATE CONSTRAINT accounts_status_nn_check;"]);
    expect(plan.phases[1].statements[1].batched).toEqual({ table: "accounts", batchSize: 1000, pauseMs: 20 });
    expect(plan.phases[1].why).toMatch(/PostgreSQL 10 cannot commit inside a DO block/);
    expect(plan.phases[3].why).toMatch(/Before PostgreSQL 12/);
    expect(plan.phases.flatMap((p) => p.statements).some((s) => /UPDATE[^;]*\bLIMIT\b(?![^(]*\))/.test(s.sql.replace(/\(\s*SELECT[^)]*\)/g, "")))).toBe(false);
    expect((await proveOnPglite(plan, ACCOUNTS, db)).failed).toEqual([]);
  });

  it("on PostgreSQL 10 a small table with minutes of tolerance takes the rewrite in one phase", () => {
    const plan = planFor({
      ...col({ name: "status", type: "text", nullable: false, default: "'active'" }),
      engine_version: "10",
      approx_rows: 5000,
      downtime_tolerance: "minutes",
    });
    expect(sqlOf(plan)).toEqual([[LT5, "ALTER TABLE accounts ADD COLUMN status text DEFAULT 'active' NOT NULL;"]]);
    expect(plan.phases[0].statements[1].rewrite).toBe(true);
    expect(plan.phases[0].estimate).toMatch(/5,000 rows/);
  });

  it("a volatile default on 50M rows: expand, DO-loop backfill, check NOT VALID, validate, SET NOT NULL", async () => {
    const plan = planFor(col({ name: "token", type: "uuid", nullable: false, default: "gen_random_uuid()" }));
    expect(plan.phases.map((p) => p.kind)).toEqual(["expand", "backfill", "expand", "verify", "contract"]);
    expect(sqlOf(plan)[0]).toEqual([
      LT,
      "ALTER TABLE accounts ADD COLUMN token uuid;",
      "ALTER TABLE accounts ALTER COLUMN token SET DEFAULT gen_random_uuid();",
    ]);
    const loop = plan.phases[1].statements[0];
    expect(loop).toMatchObject({ transaction: false, lock: "ROW EXCLUSIVE", rewrite: false, batched: { table: "accounts", batchSize: 1000, pauseMs: 20 } });
    expect(loop.sql).toBe(
      [
        "DO $$",
        "DECLARE",
        "  batch_start accounts.id%TYPE;",
        "  batch_end accounts.id%TYPE;",
        "  batches bigint := 0;",
        "BEGIN",
        "  SELECT min(id) INTO batch_start FROM accounts;",
        "  WHILE batch_start IS NOT NULL LOOP",
        "    SELECT max(id) INTO batch_end FROM (",
        "      SELECT id FROM accounts WHERE id >= batch_start ORDER BY id LIMIT 1000",
        "    ) AS batch;",
        "    UPDATE accounts SET token = gen_random_uuid()",
        "      WHERE id BETWEEN batch_start AND batch_end AND (token IS NULL);",
        "    COMMIT;",
        "    batches := batches + 1;",
        "    IF batches % 100 = 0 THEN RAISE NOTICE '%: % batches done, up to key %', 'accounts.token', batches, batch_end; END IF;",
        "    PERFORM pg_sleep(0.02);",
        "    SELECT min(id) INTO batch_start FROM accounts WHERE id > batch_end;",
        "  END LOOP;",
        "END $$;",
      ].join("\n"),
    );
    expect(plan.phases[1].estimate).toMatch(/About 50,000 batches of 1,000 rows at ~20 ms \+ 20 ms pause: ~33 min/);
    expect(plan.phases[1].why).toMatch(/background job/);
    expect(sqlOf(plan)[4]).toEqual([
      LT,
      "ALTER TABLE accounts ALTER COLUMN token SET NOT NULL;",
      "ALTER TABLE accounts DROP CONSTRAINT accounts_token_nn_check;",
    ]);
    expect(plan.phases[3].statements[0]).toMatchObject({ lock: "SHARE UPDATE EXCLUSIVE", scan: true });
    expect(plan.strategy).toMatch(/volatile/);
    const proof = await proveOnPglite(plan, ACCOUNTS, db);
    expect(proof.failed).toEqual([]);
    expect(proof.rolledBack).toBe(5);
    expect((await db.query("SELECT count(DISTINCT token)::int AS n FROM accounts")).rows).toEqual([{ n: 2500 }]);
  });

  it("PostgreSQL 18 uses NOT NULL ... NOT VALID instead of a helper CHECK", async () => {
    const plan = planFor({ ...col({ name: "token", type: "uuid", nullable: false, default: "gen_random_uuid()" }), engine_version: "18" });
    expect(plan.phases.map((p) => p.kind)).toEqual(["expand", "backfill", "expand", "verify"]);
    expect(sqlOf(plan)[2]).toEqual([LT, "ALTER TABLE accounts ADD CONSTRAINT accounts_token_not_null NOT NULL token NOT VALID;"]);
    expect(sqlOf(plan)[3]).toEqual(["ALTER TABLE accounts VALIDATE CONSTRAINT accounts_token_not_null;"]);
    expect((await proveOnPglite(plan, ACCOUNTS, db)).failed).toEqual([]);
    expect((await db.query("SELECT attnotnull AS ok FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attname = 'token'")).rows).toEqual([{ ok: true }]);
  });

  it("a medium table: minutes of tolerance accepts the rewrite, seconds does not", () => {
    const c = col({ name: "token", type: "uuid", default: "gen_random_uuid()" });
    expect(planFor({ ...c, approx_rows: 500_000, downtime_tolerance: "minutes" }).phases).toHaveLength(1);
    const seconds = planFor({ ...c, approx_rows: 500_000, downtime_tolerance: "seconds" });
    expect(seconds.phases.map((p) => p.kind)).toEqual(["expand", "backfill"]);
    expect(seconds.phases[1].statements[0].batched?.pauseMs).toBe(10);
    const small = planFor({ ...c, approx_rows: 5000, downtime_tolerance: "none" });
    expect(small.phases.map((p) => p.kind)).toEqual(["expand", "backfill"]);
    expect(sqlOf(small)[1]).toEqual(["UPDATE accounts SET token = gen_random_uuid() WHERE token IS NULL;"]);
  });

  it("quotes reserved and mixed-case names", async () => {
    const plan = planFor({ ...col({ name: "createdAt", type: "timestamptz", default: "now()" }), table: "order" });
    expect(sqlOf(plan)).toEqual([[LT, 'ALTER TABLE "order" ADD COLUMN "createdAt" timestamptz DEFAULT now();']]);
    expect((await proveOnPglite(plan, 'CREATE TABLE "order" (id bigint PRIMARY KEY); INSERT INTO "order" VALUES (1), (2);', db)).failed).toEqual([]);
  });

  it("warns about json", () => {
    expect(planFor(col({ name: "meta", type: "json" })).warnings.join(" ")).toMatch(/jsonb/);
    expect(planFor(col({ name: "meta", type: "jsonb" })).warnings.join(" ")).not.toMatch(/jsonb/);
  });

  it("refuses a NOT NULL column without a default on a table with rows, naming the field", () => {
    expect(() => planFor(col({ name: "x", type: "int", nullable: false }))).toThrowError(PlanError);
    try {
      planFor(col({ name: "x", type: "int", nullable: false }));
    } catch (e) {
      expect((e as PlanError).field).toBe("columns.0.default");
    }
    expect(planFor({ ...col({ name: "x", type: "int", nullable: false }), approx_rows: 0 }).phases).toHaveLength(1);
    expect(() => planFor(col({ name: "x" }))).toThrowError(/needs a type/);
  });
});

describe("add_column on MySQL", () => {
  const my = (v: string, extra: Record<string, unknown> = {}) =>
    planFor({ ...col({ name: "status", type: "varchar(20)", nullable: false, default: "'active'" }), engine: "mysql", engine_version: v, ...extra });

  it("8.0.29+ is INSTANT in any position, with the row-version check", () => {
    const plan = my("8.0.36");
    expect(sqlOf(plan)).toEqual([
      ["SET SESSION lock_wait_timeout = 2;", "ALTER TABLE accounts ADD COLUMN status varchar(20) DEFAULT 'active' NOT NULL, ALGORITHM=INSTANT;"],
    ]);
    expect(plan.phases[0].statements[1]).toMatchObject({ lock: "INSTANT", rewrite: false });
    expect(plan.phases[0].rollback?.map((s) => s.sql)).toContain("ALTER TABLE accounts DROP COLUMN status, ALGORITHM=INSTANT;");
    expect(plan.phases[0].checks.map((c) => c.sql).join("\n")).toMatch(/TOTAL_ROW_VERSIONS < 64/);
    expect(plan.warnings.join(" ")).toMatch(/64/);
    expect(plan.phases[0].statements[1].sql).not.toMatch(/LOCK=/);
  });

  it("8.0.12 to 8.0.28 is INSTANT for the last position only, and dropping is not instant", () => {
    for (const v of ["8.0.12", "8.0.28"]) {
      const plan = my(v);
      expect(plan.phases[0].statements[1].sql).toBe("ALTER TABLE accounts ADD COLUMN status varchar(20) DEFAULT 'active' NOT NULL, ALGORITHM=INSTANT;");
      expect(plan.warnings.join(" ")).toMatch(/last one/);
      expect(plan.phases[0].rollback?.map((s) => s.sql)).toContain("ALTER TABLE accounts DROP COLUMN status, ALGORITHM=INPLACE, LOCK=NONE;");
      expect(plan.phases[0].checks.map((c) => c.sql).join("\n")).not.toMatch(/TOTAL_ROW_VERSIONS/);
    }
  });

  it("5.7 and 8.0.11 rebuild the table online", () => {
    for (const v of ["5.7", "8.0.11"]) {
      const plan = my(v);
      expect(plan.phases[0].statements[1]).toMatchObject({
        sql: "ALTER TABLE accounts ADD COLUMN status varchar(20) DEFAULT 'active' NOT NULL, ALGORITHM=INPLACE, LOCK=NONE;",
        lock: "INPLACE, LOCK=NONE",
        rewrite: true,
      });
      expect(plan.warnings.join(" ")).toMatch(/gh-ost/);
    }
  });

  it("backticks reserved names and parenthesises expression defaults", () => {
    const plan = planFor({ operation: "add_column", engine: "mysql", engine_version: "8.0.36", table: "order", columns: [{ name: "key", type: "char(36)", default: "uuid()" }] });
    expect(plan.phases[0].statements[1].sql).toBe("ALTER TABLE `order` ADD COLUMN `key` char(36) DEFAULT (uuid()), ALGORITHM=INSTANT;");
  });
});

describe("default volatility", () => {
  it("treats literals, casts and stable functions as catalog-storable, anything else as volatile", async () => {
    const { isVolatileDefault } = await import("../../src/plan/recipes/column-defaults.js");
    const v = (d: unknown, type = "text") => isVolatileDefault({ name: "c", type, default: d as string });
    expect([v("'active'"), v(0), v(true), v("now()"), v("CURRENT_TIMESTAMP"), v("'{}'::jsonb"), v("CAST('x' AS text)"), v("'it''s (odd)'")]).toEqual(
      Array(8).fill(false),
    );
    expect([v("gen_random_uuid()"), v("random()"), v("clock_timestamp()"), v("nextval('s')"), v(undefined, "bigserial"), v(undefined, "bigint generated always as identity")]).toEqual(
      Array(6).fill(true),
    );
  });

  it("batches by a quoted primary key on a quoted table", async () => {
    const plan = planFor({
      operation: "add_column",
      table: "order",
      columns: [{ name: "ref", type: "uuid", default: "gen_random_uuid()" }],
      details: { primary_key: "orderId" },
    });
    expect(plan.phases[1].statements[0].sql).toContain('batch_start "order"."orderId"%TYPE;');
    const setup = 'CREATE TABLE "order" ("orderId" text PRIMARY KEY); INSERT INTO "order" SELECT \'k\' || g FROM generate_series(1, 2100) g;';
    expect((await proveOnPglite(plan, setup, db)).failed).toEqual([]);
    expect((await db.query('SELECT count(*)::int AS n FROM "order" WHERE ref IS NULL')).rows).toEqual([{ n: 0 }]);
  });
});
