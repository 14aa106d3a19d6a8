import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { isStrong } from "../../src/plan/recipes/statements.js";
import { ACCOUNTS, planFor, proveOnPglite, sqlOf } from "./p1-pglite.js";

const db = new PGlite();
afterAll(() => db.close());
const LT = "SET lock_timeout = '200ms';";

/** accounts plus an integer and a timestamp column, a varchar(20) name, and an orders table pointing at it. */
const SETUP =
  ACCOUNTS +
  ` ALTER TABLE accounts ADD COLUMN id2 integer NOT NULL DEFAULT 0, ADD COLUMN ts timestamp;
  UPDATE accounts SET id2 = id, name = left(name, 20), ts = '2024-01-01'::timestamp + id * interval '1 minute';
  ALTER TABLE accounts ALTER COLUMN name TYPE varchar(20);
  CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts (id));
  INSERT INTO orders VALUES (1, 1), (2, 2);`;

const CASES: Record<string, unknown>[] = [
  { operation: "drop_column", columns: [{ name: "email" }] },
  { operation: "drop_column", columns: [{ name: "email" }], rollback_need: "none" },
  { operation: "set_not_null", columns: [{ name: "email" }], details: { set: "email = 'none@example.com'" } },
  { operation: "set_not_null", columns: [{ name: "email" }], details: { set: "email = 'none@example.com'" }, engine_version: "11" },
  { operation: "set_not_null", columns: [{ name: "email" }], details: { set: "email = 'none@example.com'" }, engine_version: "18" },
  { operation: "set_not_null", columns: [{ name: "email" }], details: { set: "email = 'x'" }, approx_rows: 100, downtime_tolerance: "seconds" },
  { operation: "backfill", details: { set: "email = lower(name)" } },
  { operation: "backfill", details: { set: "email = lower(name)" }, rollback_need: "none", engine_version: "10" },
  { operation: "backfill", details: { set: "email = lower(name)" }, approx_rows: 500 },
  {
    operation: "create_table",
    table: "invoices",
    columns: [
      { name: "id", type: "bigint" },
      { name: "account_id", type: "bigint", nullable: false, references: "accounts(id)" },
      { name: "createdAt", type: "timestamptz", default: "now()" },
    ],
  },
  { operation: "rename_table", details: { new_name: "customers" } },
  { operation: "drop_table", details: { referenced_by: ["orders(account_id)"] } },
  { operation: "drop_table", details: { referenced_by: ["orders(account_id)"] }, rollback_need: "none" },
  { operation: "change_column_type", columns: [{ name: "name", type: "varchar(20)" }], details: { new_type: "varchar(50)" } },
  { operation: "change_column_type", columns: [{ name: "name", type: "varchar(20)" }], details: { new_type: "text" } },
  { operation: "change_column_type", columns: [{ name: "ts", type: "timestamp" }], details: { new_type: "timestamptz" } },
  { operation: "change_column_type", columns: [{ name: "id2", type: "integer", nullable: false, default: 0 }], details: { new_type: "bigint" } },
  { operation: "change_column_type", columns: [{ name: "id2", type: "integer", nullable: false, default: 0 }], details: { new_type: "bigint" }, engine_version: "10" },
  { operation: "change_column_type", columns: [{ name: "id2", type: "integer" }], details: { new_type: "bigint" }, approx_rows: 500, downtime_tolerance: "minutes" },
];

describe("every P1 PostgreSQL recipe runs on PostgreSQL: apply, check, roll back, apply again", () => {
  for (const c of CASES) {
    it(JSON.stringify(c), async () => {
      const plan = planFor(c);
      const proof = await proveOnPglite(plan, SETUP, db);
      expect(proof.failed).toEqual([]);
    });
  }
});

describe("plan invariants across P1 recipes, engines and versions", () => {
  const variants: Record<string, unknown>[] = [
    ...CASES,
    ...CASES.map((c) => ({ ...c, engine_version: "12" })),
    { operation: "add_column", columns: [{ name: "token", type: "uuid", nullable: false, default: "gen_random_uuid()" }] },
    { operation: "add_column", columns: [{ name: "token", type: "uuid", nullable: false, default: "gen_random_uuid()" }], engine_version: "10" },
    { operation: "rename_column", columns: [{ name: "email", type: "text", nullable: false }], details: { new_name: "mail" } },
    ...["5.7", "8.0.11", "8.0.12", "8.0.28", "8.0.29", "8.0.36"].flatMap((v) =>
      [
        { operation: "add_column", columns: [{ name: "status", type: "varchar(20)", default: "'a'" }] },
        { operation: "drop_column", columns: [{ name: "email" }] },
        { operation: "rename_column", columns: [{ name: "email", type: "text" }], details: { new_name: "mail" } },
        { operation: "set_not_null", columns: [{ name: "email", type: "varchar(255)" }], details: { set: "email = ''" } },
        { operation: "backfill", details: { set: "email = lower(name)" } },
        { operation: "change_column_type", columns: [{ name: "name", type: "varchar(20)" }], details: { new_type: "varchar(60)" } },
        { operation: "create_table", table: "t2", columns: [{ name: "id", type: "bigint" }] },
        { operation: "rename_table", details: { new_name: "customers" } },
        { operation: "drop_table", details: { referenced_by: ["orders(account_id)"] } },
      ].map((c) => ({ ...c, engine: "mysql", engine_version: v })),
    ),
  ];

  it.each(variants.map((v) => [JSON.stringify(v), v]))("%s", (_name, v) => {
    const plan = planFor(v as Record<string, unknown>);
    expect(plan.phases.length).toBeGreaterThan(0);
    for (const phase of plan.phases) {
      expect(phase.estimate, phase.title).toBeTruthy();
      expect(phase.why.length, phase.title).toBeGreaterThan(20);
      expect(Boolean(phase.irreversible) !== Boolean(phase.rollback), `${phase.title}: rollback xor irreversible`).toBe(true);
      if (phase.kind === "deploy") expect(phase.deploy).toBeTruthy();
      else expect(phase.checks.length, phase.title).toBeGreaterThan(0);
      for (const check of phase.checks) expect(check.sql).toMatch(/AS ok\b/);
      for (const list of [phase.statements, phase.rollback ?? []]) {
        let covered = false;
        for (const s of list) {
          if (s.setting && /lock_(wait_)?timeout/.test(s.sql)) covered = true;
          else if (isStrong(plan.engine, s)) {
            expect(covered, `${phase.title}: lock timeout before ${s.sql}`).toBe(true);
            expect(phase.onLockTimeout, phase.title).toBeTruthy();
          }
          if (!s.transaction) covered = false;
        }
      }
      for (const s of phase.statements) {
        if (/^DO \$\$/.test(s.sql)) expect(s.transaction).toBe(false);
        // PostgreSQL has no UPDATE ... LIMIT: a LIMIT may only appear inside a subquery.
        if (plan.engine === "postgresql" && /^\s*UPDATE/m.test(s.sql)) {
          const outer = s.sql.replace(/\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)/g, "()");
          expect(outer, s.sql).not.toMatch(/\bLIMIT\b/);
        }
      }
    }
  });
});

describe("exact SQL", () => {
  it("drop_column: deploy first, keep a copy when rollback matters, then drop", () => {
    const plan = planFor({ operation: "drop_column", columns: [{ name: "email" }] });
    expect(plan.phases.map((p) => p.kind)).toEqual(["deploy", "backfill", "contract"]);
    expect(sqlOf(plan)).toEqual([
      [],
      ["CREATE TABLE accounts_email_archive AS SELECT id, email FROM accounts;"],
      [LT, "ALTER TABLE accounts DROP COLUMN email;"],
    ]);
    expect(plan.phases[0].why).toMatch(/ignored_columns/);
    expect(plan.phases[2].irreversible).toMatch(/accounts_email_archive/);
    // INSTANT refuses a column in an index (ERROR 1846): a procedure drops the column's own indexes first,
    // or rebuilds in place when a multi-column index includes it (run on MariaDB in test/mysql/defects.test.ts).
    const instant = sqlOf(planFor({ operation: "drop_column", columns: [{ name: "email" }], engine: "mysql", engine_version: "8.0.29", rollback_need: "none" }));
    expect(instant[0]).toEqual([]);
    expect(instant[1][0]).toBe("DROP PROCEDURE IF EXISTS mw_drop_accounts_email;");
    expect(instant[1].slice(2)).toEqual(["SET SESSION lock_wait_timeout = 2;", "CALL mw_drop_accounts_email();", "DROP PROCEDURE mw_drop_accounts_email;"]);
    expect(instant[1][1]).toContain("ALTER TABLE accounts DROP COLUMN email, ALGORITHM=INSTANT;");
    expect(instant[1][1]).toContain("ALTER TABLE accounts DROP COLUMN email, ALGORITHM=INPLACE, LOCK=NONE;");
    const old = planFor({ operation: "drop_column", columns: [{ name: "email" }], engine: "mysql", engine_version: "8.0.28", rollback_need: "none" });
    expect(old.phases[1].statements[1]).toMatchObject({ sql: "ALTER TABLE accounts DROP COLUMN email, ALGORITHM=INPLACE, LOCK=NONE;", rewrite: true });
  });

  it("set_not_null follows the 12 and 18 boundaries", () => {
    const base = { operation: "set_not_null", columns: [{ name: "email", type: "text" }] };
    expect(sqlOf(planFor({ ...base, engine_version: "12" }))).toEqual([
      [LT, "ALTER TABLE accounts ADD CONSTRAINT accounts_email_nn_check CHECK (email IS NOT NULL) NOT VALID;"],
      ["ALTER TABLE accounts VALIDATE CONSTRAINT accounts_email_nn_check;"],
      [LT, "ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;", "ALTER TABLE accounts DROP CONSTRAINT accounts_email_nn_check;"],
    ]);
    expect(sqlOf(planFor({ ...base, engine_version: "11.9" }))).toEqual([
      [LT, "ALTER TABLE accounts ADD CONSTRAINT accounts_email_nn_check CHECK (email IS NOT NULL) NOT VALID;"],
      ["ALTER TABLE accounts VALIDATE CONSTRAINT accounts_email_nn_check;"],
    ]);
    expect(sqlOf(planFor({ ...base, engine_version: "18.1" }))).toEqual([
      [LT, "ALTER TABLE accounts ADD CONSTRAINT accounts_email_not_null NOT NULL email NOT VALID;"],
      ["ALTER TABLE accounts VALIDATE CONSTRAINT accounts_email_not_null;"],
    ]);
    expect(sqlOf(planFor({ ...base, approx_rows: 5000, downtime_tolerance: "minutes" }))).toEqual([
      ["SET lock_timeout = '500ms';", "ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;"],
    ]);
    expect(sqlOf(planFor({ ...base, engine: "mysql", engine_version: "8.0.36" }))).toEqual([
      ["SET SESSION lock_wait_timeout = 2;", "ALTER TABLE accounts MODIFY COLUMN email text NOT NULL, ALGORITHM=INPLACE, LOCK=NONE;"],
    ]);
  });

  it("backfill: one UPDATE when small, saved values when rollback matters, MySQL batches by key", () => {
    const small = planFor({ operation: "backfill", details: { set: "email = lower(name)" }, approx_rows: 500 });
    expect(sqlOf(small)).toEqual([
      ["CREATE TABLE accounts_backfill_before AS SELECT id, email FROM accounts WHERE email IS DISTINCT FROM (lower(name));", LT, "CREATE INDEX ON accounts_backfill_before (id);"],
      ["UPDATE accounts SET email = lower(name) WHERE email IS DISTINCT FROM (lower(name));"],
    ]);
    // The rollback restores in batches until the copy is empty (one DO block, a COMMIT after each batch, so one run of
    // the file restores everything), and only rows that still hold what the backfill computed.
    const restore = small.phases[1].rollback!;
    expect(restore).toHaveLength(1);
    expect(restore[0].transaction).toBe(false);
    expect(restore[0].sql.split("\n")).toEqual([
      "DO $$",
      "DECLARE",
      "  restored_rows bigint;",
      "BEGIN",
      "  LOOP",
      "    WITH batch AS (",
      "      DELETE FROM accounts_backfill_before WHERE id IN (SELECT id FROM accounts_backfill_before ORDER BY id LIMIT 1000)",
      "      RETURNING id AS mw_key, email AS mw_old",
      "    ), restored AS (",
      "      UPDATE accounts SET email = (SELECT b.mw_old FROM batch b WHERE b.mw_key = accounts.id)",
      "      WHERE accounts.id IN (SELECT mw_key FROM batch) AND email IS NOT DISTINCT FROM (lower(name))",
      "      RETURNING 1",
      "    )",
      "    SELECT count(*) INTO restored_rows FROM batch;",
      "    COMMIT;",
      "    EXIT WHEN restored_rows = 0;",
      expect.stringMatching(/^    PERFORM pg_sleep\(/),
      "  END LOOP;",
      "END $$;",
    ]);
    // Dropping the copy refuses while it still holds values not put back.
    expect(small.phases[0].rollback?.[0].sql).toMatch(/RAISE EXCEPTION '% saved values are not restored yet/);
    const my = planFor({ operation: "backfill", details: { set: "email = lower(name)", backfill_where: "email IS NULL" }, engine: "mysql", engine_version: "8.0.36", rollback_need: "none" });
    // MySQL walks primary-key ranges in a stored procedure the phase creates, calls and drops: a tool runs a file once,
    // so plain batch statements would stop after one batch. The UPDATE has a lower key bound: no batch re-reads finished rows.
    const mySql = sqlOf(my)[0];
    expect(mySql[0]).toBe("DROP PROCEDURE IF EXISTS mw_backfill_accounts;");
    expect(mySql.slice(2)).toEqual(["CALL mw_backfill_accounts();", "DROP PROCEDURE mw_backfill_accounts;"]);
    expect(mySql[1].split("\n")).toEqual([
      "CREATE PROCEDURE mw_backfill_accounts()",
      "BEGIN",
      "  SET @mw_accounts_next = (SELECT MIN(id) FROM accounts);",
      "  WHILE @mw_accounts_next IS NOT NULL DO",
      "    SET @mw_accounts_end = (SELECT MAX(id) FROM (SELECT id FROM accounts WHERE id >= @mw_accounts_next ORDER BY id LIMIT 1000) AS batch);",
      "    UPDATE accounts SET email = lower(name) WHERE id BETWEEN @mw_accounts_next AND @mw_accounts_end AND (email IS NULL);",
      "    COMMIT;",
      "    SET @mw_accounts_next = (SELECT MIN(id) FROM accounts WHERE id > @mw_accounts_end);",
      "    DO SLEEP(0.02);",
      "  END WHILE;",
      "END;",
    ]);
    expect(my.phases[0].statements.map((s) => [s.lock, s.transaction, !!s.batched])).toEqual([
      ["none", false, false],
      ["none", false, false],
      ["ROW LOCKS", false, true],
      ["none", false, false],
    ]);
    expect(my.phases[0].statements.some((s) => /^UPDATE\b[^;]*\bLIMIT\b/.test(s.sql))).toBe(false);
    // Two backfills in one session keep separate cursors; a schema-qualified table gets its own variable.
    const other = planFor({ operation: "backfill", table: "shop.order_items", details: { set: "email = lower(name)", backfill_where: "email IS NULL" }, engine: "mysql", engine_version: "5.7.44", rollback_need: "none" });
    expect(sqlOf(other)[0][1]).toContain("SET @mw_shop_order_items_next = (SELECT MIN(id) FROM shop.order_items);");
    const smallMy = planFor({ operation: "backfill", details: { set: "email = lower(name)", backfill_where: "email IS NULL" }, engine: "mysql", engine_version: "8.0.36", rollback_need: "none", approx_rows: 500 });
    expect(sqlOf(smallMy)[0].at(-1)).toBe("UPDATE accounts SET email = lower(name) WHERE email IS NULL;");
    expect(my.phases[0].irreversible).toBeTruthy();
    expect(() => planFor({ operation: "backfill", details: { set: "a = 1, b = 2" } })).toThrowError(/several assignments/);
  });

  it("create_table, rename_table and drop_table", () => {
    expect(
      sqlOf(planFor({ operation: "create_table", table: "invoices", columns: [{ name: "id", type: "bigint" }, { name: "account_id", type: "bigint", nullable: false, references: "accounts(id)" }] })),
    ).toEqual([[LT, "CREATE TABLE invoices (\n  id bigint,\n  account_id bigint NOT NULL REFERENCES accounts (id),\n  PRIMARY KEY (id)\n);"]]);
    expect(sqlOf(planFor({ operation: "rename_table", table: "order", details: { new_name: "purchases" } }))).toEqual([
      // Each phase retried by the migration itself (lock-retry.ts).
      [LT, expect.stringMatching(/^DO \$retry\$\n[\s\S]*\n {6}ALTER TABLE "order" RENAME TO purchases;\n {6}CREATE VIEW "order" AS SELECT \* FROM purchases;\n {6}EXIT;/)],
      [LT, expect.stringMatching(/^DO \$retry\$\n[\s\S]*\n {6}DROP VIEW "order";\n {6}EXIT;/)],
    ]);
    const drop = planFor({ operation: "drop_table", details: { referenced_by: ["orders(account_id)"] } });
    expect(drop.phases.map((p) => p.kind)).toEqual(["deploy", "contract", "switch", "contract"]);
    expect(sqlOf(drop).slice(1)).toEqual([
      // Both tables locked first, referenced table first, in a retried transaction.
      [LT, expect.stringMatching(/^DO \$retry\$\n[\s\S]*\n {6}LOCK TABLE accounts, orders IN ACCESS EXCLUSIVE MODE;\n {6}ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_account_id_fkey;\n {6}EXIT;/)],
      [LT, "ALTER TABLE accounts RENAME TO accounts_archived;"],
      [LT, "DROP TABLE accounts_archived;"],
    ]);
    expect(drop.phases[1].statements[1]).toMatchObject({ lock: "ACCESS EXCLUSIVE", lockedTables: ["accounts", "orders"] });
    // The re-add's validation scan runs as its own step, after the re-add (and its SHARE ROW EXCLUSIVE) has committed.
    expect(drop.phases[1].rollback!.map((s) => [s.transaction, s.lock])).toEqual([
      [true, "none"],
      [true, "SHARE ROW EXCLUSIVE"],
      [false, "SHARE UPDATE EXCLUSIVE"],
    ]);
  });

  it("change_column_type: binary-coercible changes are one step; int to bigint is expand/backfill/swap", () => {
    expect(sqlOf(planFor({ operation: "change_column_type", columns: [{ name: "name", type: "varchar(20)" }], details: { new_type: "varchar(50)" } }))).toEqual([
      [LT, "ALTER TABLE accounts ALTER COLUMN name TYPE varchar(50);"],
    ]);
    expect(sqlOf(planFor({ operation: "change_column_type", columns: [{ name: "price", type: "numeric(10,2)" }], details: { new_type: "numeric(12,2)" } }))).toEqual([
      [LT, "ALTER TABLE accounts ALTER COLUMN price TYPE numeric(12,2);"],
    ]);
    expect(sqlOf(planFor({ operation: "change_column_type", columns: [{ name: "ts", type: "timestamp" }], details: { new_type: "timestamptz" } }))).toEqual([
      ["SET LOCAL TimeZone = 'UTC';", LT, "ALTER TABLE accounts ALTER COLUMN ts TYPE timestamptz;"],
    ]);
    // Before 12 timestamp -> timestamptz rewrites.
    expect(planFor({ operation: "change_column_type", columns: [{ name: "ts", type: "timestamp" }], details: { new_type: "timestamptz" }, engine_version: "11" }).phases.length).toBeGreaterThan(1);
    const big = planFor({ operation: "change_column_type", columns: [{ name: "id2", type: "integer" }], details: { new_type: "bigint" } });
    expect(big.phases.map((p) => p.kind)).toEqual(["expand", "backfill", "switch", "contract"]);
    // The swap locks first, then swaps and starts the reverse trigger, in one transaction retried by the migration itself.
    const [swapSetting, swap] = sqlOf(big)[2];
    expect(swapSetting).toBe(LT);
    expect(swap).toMatch(/^DO \$retry\$/);
    expect(swap).toContain(
      [
        "      LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE;",
        "      DROP TRIGGER IF EXISTS accounts_sync_id2_id2_new ON accounts;",
        "      DROP FUNCTION IF EXISTS accounts_sync_id2_id2_new();",
        "      ALTER TABLE accounts RENAME COLUMN id2 TO id2_old;",
        "      ALTER TABLE accounts RENAME COLUMN id2_new TO id2;",
        "      CREATE OR REPLACE FUNCTION accounts_sync_id2_id2_old()",
      ].join("\n"),
    );
    const small = planFor({ operation: "change_column_type", columns: [{ name: "id2", type: "integer" }], details: { new_type: "bigint" }, approx_rows: 5000, downtime_tolerance: "minutes" });
    expect(small.phases[0].statements[1]).toMatchObject({ sql: "ALTER TABLE accounts ALTER COLUMN id2 TYPE bigint;", rewrite: true });
  });

  it("change_column_type on MySQL: VARCHAR growth within one length byte is in place, else COPY when writes may block", () => {
    // A small table with minutes of tolerance may block writes for the copy; the large no-downtime plan is in p1-mysql-change-type.
    const my = (from: string, to: string, extra: Record<string, unknown> = { approx_rows: 5000, downtime_tolerance: "minutes" }) =>
      planFor({ operation: "change_column_type", engine: "mysql", engine_version: "8.0.36", columns: [{ name: "name", type: from }], details: { new_type: to }, ...extra }).phases[0].statements[1];
    expect(my("varchar(20)", "varchar(63)")).toMatchObject({ sql: "ALTER TABLE accounts MODIFY COLUMN name varchar(63) NULL, ALGORITHM=INPLACE, LOCK=NONE;", rewrite: false });
    expect(my("varchar(20)", "varchar(63)", {})).toMatchObject({ sql: "ALTER TABLE accounts MODIFY COLUMN name varchar(63) NULL, ALGORITHM=INPLACE, LOCK=NONE;", rewrite: false });
    expect(my("varchar(20)", "varchar(64)")).toMatchObject({ sql: "ALTER TABLE accounts MODIFY COLUMN name varchar(64) NULL, ALGORITHM=COPY, LOCK=SHARED;", rewrite: true, lock: "COPY, LOCK=SHARED" });
    expect(my("int", "bigint").lock).toBe("COPY, LOCK=SHARED");
    expect(my("varchar(20)", "varchar(64)", {})).toMatchObject({ sql: "ALTER TABLE accounts ADD COLUMN name_new varchar(64), ALGORITHM=INSTANT;", lock: "INSTANT" });
  });
});

describe("the lock and rewrite tracer used by these proofs", () => {
  it("reports a wrong lock claim and a wrong rewrite claim", async () => {
    const { reset, traceStatements } = await import("./p1-pglite.js");
    await reset(db, SETUP);
    const wrong = [
      { sql: "ALTER TABLE accounts ADD COLUMN x int;", transaction: true, lock: "SHARE", lockedTables: ["accounts"], rewrite: false },
      { sql: "ALTER TABLE accounts ALTER COLUMN id2 TYPE bigint;", transaction: true, lock: "ACCESS EXCLUSIVE", lockedTables: ["accounts"], rewrite: false },
      { sql: "CREATE INDEX ON accounts (email);", transaction: true, lock: "SHARE", lockedTables: ["accounts"], rewrite: false },
    ];
    const problems = await traceStatements(db, wrong);
    expect(problems).toEqual([
      "ALTER TABLE accounts ADD COLUMN x int;: claims SHARE, holds ACCESS EXCLUSIVE",
      "ALTER TABLE accounts ADD COLUMN x int;: claims SHARE, also took ACCESS EXCLUSIVE",
      "ALTER TABLE accounts ALTER COLUMN id2 TYPE bigint;: claims rewrite=false, relfilenode changed",
    ]);
  });
});
