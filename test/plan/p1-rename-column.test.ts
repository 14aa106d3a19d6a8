import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { ACCOUNTS, planFor, proveOnPglite, runStatements, sqlOf } from "./p1-pglite.js";

const db = new PGlite();
afterAll(() => db.close());
const LT = "SET lock_timeout = '200ms';";

const rename = (extra: Record<string, unknown> = {}) =>
  planFor({ operation: "rename_column", columns: [{ name: "email", type: "text" }], details: { new_name: "emailAddress" }, ...extra });

describe("rename_column on PostgreSQL", () => {
  it("without downtime: expand with a sync trigger, backfill, two deploys, contract", async () => {
    const plan = rename();
    expect(plan.phases.map((p) => p.kind)).toEqual(["expand", "backfill", "deploy", "deploy", "contract"]);
    expect(sqlOf(plan)[0]).toEqual([
      LT,
      'ALTER TABLE accounts ADD COLUMN "emailAddress" text;',
      [
        "CREATE OR REPLACE FUNCTION accounts_sync_email_emailaddress() RETURNS trigger LANGUAGE plpgsql AS $$",
        "BEGIN",
        "  IF TG_OP = 'INSERT' THEN",
        '    IF NEW."emailAddress" IS NULL THEN NEW."emailAddress" := NEW.email; ELSE NEW.email := NEW."emailAddress"; END IF;',
        '  ELSIF NEW."emailAddress" IS DISTINCT FROM OLD."emailAddress" THEN',
        '    NEW.email := NEW."emailAddress";',
        "  ELSE",
        '    NEW."emailAddress" := NEW.email;',
        "  END IF;",
        "  RETURN NEW;",
        "END;",
        "$$;",
      ].join("\n"),
      "CREATE TRIGGER accounts_sync_email_emailaddress BEFORE INSERT OR UPDATE ON accounts\n  FOR EACH ROW EXECUTE FUNCTION accounts_sync_email_emailaddress();",
    ]);
    expect(plan.phases[0].statements[3]).toMatchObject({ lock: "SHARE ROW EXCLUSIVE", rewrite: false });
    expect(plan.phases[1].statements[0].sql).toContain('UPDATE accounts SET "emailAddress" = email\n      WHERE id BETWEEN batch_start AND batch_end AND ("emailAddress" IS DISTINCT FROM email);');
    expect(plan.phases[2].statements).toEqual([]);
    expect(plan.phases[2].deploy).toMatch(/reads and writes emailAddress/);
    expect(plan.phases[3].deploy).toMatch(/no longer knows email/);
    expect(sqlOf(plan)[4]).toEqual([
      LT,
      "DROP TRIGGER IF EXISTS accounts_sync_email_emailaddress ON accounts;",
      "DROP FUNCTION IF EXISTS accounts_sync_email_emailaddress();",
      "ALTER TABLE accounts DROP COLUMN email;",
    ]);
    expect(plan.phases[4].irreversible).toMatch(/fixing forward/);
    expect(plan.phases[0].rollback?.map((s) => s.sql)).toEqual([
      LT,
      "DROP TRIGGER IF EXISTS accounts_sync_email_emailaddress ON accounts;",
      "DROP FUNCTION IF EXISTS accounts_sync_email_emailaddress();",
      'ALTER TABLE accounts DROP COLUMN IF EXISTS "emailAddress";',
    ]);
    expect(plan.strategy).toMatch(/view/);

    const proof = await proveOnPglite(plan, ACCOUNTS, db);
    expect(proof.failed).toEqual([]);
    expect(proof.rolledBack).toBe(4);
  });

  it("the trigger keeps old and new code consistent while both run", async () => {
    const plan = rename();
    await db.exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
    await db.exec(ACCOUNTS);
    await runStatements(db, plan.phases[0].statements);
    await db.exec(`INSERT INTO accounts (id, email) VALUES (10001, 'old@code');
      INSERT INTO accounts (id, "emailAddress") VALUES (10002, 'new@code');
      UPDATE accounts SET email = 'changed-by-old' WHERE id = 1;
      UPDATE accounts SET "emailAddress" = 'changed-by-new' WHERE id = 2;`);
    await runStatements(db, plan.phases[1].statements);
    const rows = await db.query(`SELECT id, email, "emailAddress" FROM accounts WHERE id IN (1, 2, 3, 10001, 10002) ORDER BY id`);
    expect(rows.rows).toEqual([
      { id: 1, email: "changed-by-old", emailAddress: "changed-by-old" },
      { id: 2, email: "changed-by-new", emailAddress: "changed-by-new" },
      { id: 3, email: null, emailAddress: null },
      { id: 10001, email: "old@code", emailAddress: "old@code" },
      { id: 10002, email: "new@code", emailAddress: "new@code" },
    ]);
  });

  it("PostgreSQL 10 uses EXECUTE PROCEDURE and the cursor backfill", async () => {
    const plan = rename({ engine_version: "10" });
    expect(plan.phases[0].statements[3].sql).toMatch(/EXECUTE PROCEDURE accounts_sync_email_emailaddress\(\);$/);
    expect(plan.phases[1].statements.map((s) => s.transaction)).toEqual([true, true]);
    expect((await proveOnPglite(plan, ACCOUNTS, db)).failed).toEqual([]);
  });

  it("a NOT NULL column gets the NOT NULL pattern on the new column, and its default moves at the end", async () => {
    const plan = rename({ columns: [{ name: "name", type: "text", nullable: false, default: "'x'" }], details: { new_name: "full_name" } });
    expect(plan.phases.map((p) => p.kind)).toEqual(["expand", "backfill", "expand", "verify", "contract", "deploy", "deploy", "contract"]);
    expect(sqlOf(plan)[0][1]).toBe("ALTER TABLE accounts ADD COLUMN full_name text;");
    expect(sqlOf(plan)[7]).toContain("ALTER TABLE accounts ALTER COLUMN full_name SET DEFAULT 'x';");
    const proof = await proveOnPglite(plan, ACCOUNTS, db);
    expect(proof.failed).toEqual([]);
    const cols = await db.query("SELECT column_name, is_nullable, column_default FROM information_schema.columns WHERE table_name = 'accounts' ORDER BY ordinal_position");
    expect(cols.rows).toEqual([
      { column_name: "id", is_nullable: "NO", column_default: null },
      { column_name: "email", is_nullable: "YES", column_default: null },
      { column_name: "full_name", is_nullable: "NO", column_default: "'x'::text" },
    ]);
  });

  it("with minutes of tolerance: one rename deployed together with the code", async () => {
    const plan = rename({ downtime_tolerance: "minutes" });
    expect(sqlOf(plan)).toEqual([["SET lock_timeout = '500ms';", 'ALTER TABLE accounts RENAME COLUMN email TO "emailAddress";']]);
    expect(plan.phases[0].deploy).toMatch(/right away/);
    expect((await proveOnPglite(plan, ACCOUNTS, db)).failed).toEqual([]);
  });

  it("names the missing field", () => {
    expect(() => planFor({ operation: "rename_column", columns: [{ name: "email", type: "text" }] })).toThrowError(/new name/);
    expect(() => planFor({ operation: "rename_column", columns: [{ name: "email" }], details: { new_name: "x" } })).toThrowError(/needs a type/);
  });
});

describe("rename_column on MySQL", () => {
  const my = (v: string, extra: Record<string, unknown> = {}) => rename({ engine: "mysql", engine_version: v, ...extra });

  it("one-step renames follow the 8.0.28 INSTANT boundary and 5.7's CHANGE COLUMN", () => {
    expect(sqlOf(my("8.0.28", { downtime_tolerance: "minutes" }))[0][1]).toBe("ALTER TABLE accounts RENAME COLUMN email TO `emailAddress`, ALGORITHM=INSTANT;");
    expect(sqlOf(my("8.0.27", { downtime_tolerance: "minutes" }))[0][1]).toBe(
      "ALTER TABLE accounts RENAME COLUMN email TO `emailAddress`, ALGORITHM=INPLACE, LOCK=NONE;",
    );
    expect(sqlOf(my("5.7", { downtime_tolerance: "minutes" }))[0][1]).toBe(
      "ALTER TABLE accounts CHANGE COLUMN email `emailAddress` text NULL, ALGORITHM=INPLACE, LOCK=NONE;",
    );
  });

  it("without downtime: triggers keep both columns in step, batched backfill, INSTANT drop on 8.0.29+", () => {
    const plan = my("8.0.36");
    expect(plan.phases.map((p) => p.kind)).toEqual(["expand", "backfill", "deploy", "deploy", "contract"]);
    expect(sqlOf(plan)[0]).toEqual([
      "SET SESSION lock_wait_timeout = 2;",
      "ALTER TABLE accounts ADD COLUMN `emailAddress` text, ALGORITHM=INSTANT;",
      "CREATE TRIGGER accounts_sync_emailaddress_ins BEFORE INSERT ON accounts FOR EACH ROW\n  SET NEW.`emailAddress` = COALESCE(NEW.`emailAddress`, NEW.email), NEW.email = NEW.`emailAddress`;",
      "CREATE TRIGGER accounts_sync_emailaddress_upd BEFORE UPDATE ON accounts FOR EACH ROW\n  SET NEW.email = IF(NEW.`emailAddress` <=> OLD.`emailAddress`, NEW.email, NEW.`emailAddress`), NEW.`emailAddress` = NEW.email;",
    ]);
    // The batches loop inside one stored procedure, so a tool running the file once fills the whole table.
    expect(sqlOf(plan)[1]).toEqual([
      "DROP PROCEDURE IF EXISTS mw_backfill_accounts;",
      expect.stringContaining("UPDATE accounts SET `emailAddress` = email WHERE id BETWEEN @mw_accounts_next AND @mw_accounts_end AND (NOT (`emailAddress` <=> email));"),
      "CALL mw_backfill_accounts();",
      "DROP PROCEDURE mw_backfill_accounts;",
    ]);
    // INSTANT refuses an indexed column: the procedure drops email's own indexes first (or rebuilds in place).
    expect(sqlOf(plan)[4]).toEqual([
      "SET SESSION lock_wait_timeout = 2;",
      "DROP TRIGGER IF EXISTS accounts_sync_emailaddress_ins;",
      "DROP TRIGGER IF EXISTS accounts_sync_emailaddress_upd;",
      "DROP PROCEDURE IF EXISTS mw_drop_accounts_email;",
      expect.stringContaining("ALTER TABLE accounts DROP COLUMN email, ALGORITHM=INSTANT;"),
      "CALL mw_drop_accounts_email();",
      "DROP PROCEDURE mw_drop_accounts_email;",
    ]);
    expect(plan.warnings.join(" ")).toMatch(/gh-ost/);
  });
});
