import { describe, expect, it } from "vitest";
import { shippedTrees } from "../../src/trees/shipped.js";
import { matchError } from "../../src/troubleshoot/match.js";
import { troubleshoot } from "../../src/troubleshoot/run.js";
import type { Answers } from "../../src/answers/schema.js";

const trees = shippedTrees();
const base = (engine: "postgresql" | "mysql", version: string, tool: Answers["tool"]): Answers =>
  ({ mode: "troubleshoot", engine, engine_version: version, tool }) as Answers;

// The acceptance script's cases (shared/acceptance/troubleshoot-errors), plus more messages per diagnosis.
const CASES: { error: string; answers: Answers; diagnosis: string; want: RegExp }[] = [
  { error: 'ERROR: could not create unique index "users_email_key" DETAIL: Key (email)=(a@x.io) is duplicated.', answers: base("postgresql", "15.6", "node-pg-migrate"), diagnosis: "duplicate-rows", want: /indisvalid|INVALID/ },
  { error: "error: Dirty database version 42. Fix and force version.", answers: base("mysql", "8.0.36", "golang-migrate"), diagnosis: "dirty-version", want: /force/ },
  { error: "PG::LockNotAvailable: ERROR: canceling statement due to lock timeout", answers: base("postgresql", "15.6", "rails"), diagnosis: "lock-timeout", want: /pg_stat_activity|pg_locks|blocking/ },
  { error: "FAILED: Multiple head revisions are present for given argument 'head'", answers: base("postgresql", "16.2", "alembic"), diagnosis: "multiple-heads", want: /alembic merge/ },
  { error: 'ERROR: insert or update on table "orders" violates foreign key constraint "orders_customer_id_fkey"', answers: base("postgresql", "15.6", "raw-sql"), diagnosis: "fk-violation", want: /NOT EXISTS|LEFT JOIN/ },
  { error: "Migration V7__add_cols.sql failed. Message: Duplicate column name", answers: base("mysql", "8.0.36", "flyway"), diagnosis: "dirty-version", want: /flyway repair/ },
  { error: "ERROR 1205 (HY000): Lock wait timeout exceeded; try restarting transaction", answers: base("mysql", "8.0.36", "knex"), diagnosis: "lock-timeout", want: /schema_table_lock_waits|innodb_trx/ },
  { error: "SQLSTATE[55P03]: Lock not available", answers: base("postgresql", "16.2", "raw-sql"), diagnosis: "lock-timeout", want: /pg_blocking_pids/ },
  { error: "ERROR 1060 (42S21): Duplicate column name 'status'", answers: base("mysql", "8.0.36", "raw-sql"), diagnosis: "failed-halfway", want: /commits/ },
  { error: 'ERROR: relation "accounts_status_idx" already exists (SQLSTATE 42P07)', answers: base("postgresql", "16.2", "django"), diagnosis: "history-out-of-sync", want: /--fake/ },
  { error: "ERROR: duplicate key value violates unique constraint \"users_email_key\"\nDETAIL: Key (email)=(a@x.io) already exists.", answers: base("postgresql", "16.2", "raw-sql"), diagnosis: "duplicate-rows", want: /DELETE FROM users a USING users b/ },
  { error: "ERROR 1062 (23000): Duplicate entry 'a@x.io' for key 'users.email'", answers: { ...base("mysql", "8.0.36", "raw-sql"), table: "users", columns: [{ name: "email" }] } as Answers, diagnosis: "duplicate-rows", want: /DELETE a FROM users a JOIN users b/ },
  { error: "Cannot add or update a child row: a foreign key constraint fails (ERROR 1452)", answers: base("mysql", "8.0.36", "raw-sql"), diagnosis: "fk-violation", want: /LEFT JOIN/ },
  { error: 'ERROR: index "users_email_key" is not valid', answers: base("postgresql", "16.2", "raw-sql"), diagnosis: "invalid-index", want: /DROP INDEX CONCURRENTLY/ },
  { error: "ERROR: canceling statement due to statement timeout", answers: base("postgresql", "16.2", "raw-sql"), diagnosis: "long-running", want: /pg_cancel_backend/ },
  { error: "Conflicting migrations detected; multiple leaf nodes in the migration graph: (0003_a, 0003_b in shop).", answers: base("postgresql", "16.2", "django"), diagnosis: "multiple-heads", want: /makemigrations --merge/ },
  { error: "Can't locate revision identified by 'ae1027a6acf'", answers: base("postgresql", "16.2", "alembic"), diagnosis: "missing-dependency", want: /ae1027a6acf/ },
  { error: "django.db.migrations.exceptions.NodeNotFoundError: Migration shop.0005 dependencies reference nonexistent parent node ('shop', '0004_x')", answers: base("postgresql", "16.2", "django"), diagnosis: "missing-dependency", want: /git log --diff-filter=D/ },
  { error: "Drift detected: Your database schema is not in sync with your migration history.", answers: base("postgresql", "16.2", "prisma"), diagnosis: "schema-drift", want: /prisma migrate diff/ },
  { error: "ActiveRecord::IrreversibleMigration", answers: base("postgresql", "16.2", "rails"), diagnosis: "no-down", want: /IrreversibleMigration/ },
  { error: "Validate failed: Migration checksum mismatch for migration version 3", answers: base("mysql", "8.0.36", "flyway"), diagnosis: "history-out-of-sync", want: /repair/ },
];

describe("matchError and troubleshoot over pasted errors", () => {
  for (const c of CASES) {
    it(`${c.diagnosis}: ${c.error.slice(0, 60)}`, () => {
      const result = troubleshoot({ trees, answers: c.answers, error: c.error });
      expect(result.status).toBe("diagnosed");
      if (result.status !== "diagnosed") return;
      expect(result.diagnosisId).toBe(c.diagnosis);
      const text = result.stdout + "\n" + result.files.map((f) => f.content).join("\n");
      expect(text).toMatch(c.want);
    });
  }

  it("captures names from the message and its DETAIL line", () => {
    const m = matchError(trees, 'ERROR: could not create unique index "users_email_key"\nDETAIL: Key (email)=(a@x.io) is duplicated.');
    expect(m?.answers).toMatchObject({ symptom: "failed", failure: "duplicates", details: { index_name: "users_email_key" }, columns: [{ name: "email" }] });
    const fk = matchError(trees, 'ERROR: insert or update on table "orders" violates foreign key constraint "orders_customer_id_fkey"\nDETAIL: Key (customer_id)=(7) is not present in table "customers".');
    expect(fk?.answers).toMatchObject({ table: "orders", columns: [{ name: "customer_id" }], details: { constraint_name: "orders_customer_id_fkey", ref_table: "customers" } });
    expect(matchError(trees, "error: Dirty database version 42. Fix and force version.")?.answers).toMatchObject({ symptom: "history", history_problem: "dirty", failed_version: "42" });
  });

  it("a tool-level message wins over the SQL error it wraps (the node written first wins)", () => {
    const m = matchError(trees, "Migration V7__add_cols.sql failed. Message: Duplicate column name 'x'");
    expect(m?.answers).toMatchObject({ symptom: "history", history_problem: "dirty", failed_version: "7" });
    expect(m?.matched.length).toBeGreaterThan(1);
    expect(m?.matched[0]).toMatch(/^ts_history=dirty/);
  });

  it("does not answer questions the message does not settle", () => {
    const m = matchError(trees, "lock timeout: could not obtain lock on relation");
    expect(m?.answers).not.toHaveProperty("engine");
    expect(m?.answers).not.toHaveProperty("tool");
    // A PostgreSQL-only SQLSTATE (the P in 55P03) does settle the engine, never the tool.
    expect(matchError(trees, "SQLSTATE 55P03")?.answers).toMatchObject({ engine: "postgresql" });
    expect(matchError(trees, "SQLSTATE 55P03")?.answers).not.toHaveProperty("tool");
  });

  it("fills names the error gives; names in the answers file win", () => {
    const result = troubleshoot({
      trees,
      answers: { ...base("postgresql", "16.2", "raw-sql"), table: "customers_v2" } as Answers,
      error: 'ERROR: insert or update on table "orders" violates foreign key constraint "orders_customer_id_fkey"',
    });
    expect(result.status === "diagnosed" && result.answers.table).toBe("customers_v2");
  });

  it("unknown text returns needs-answers at the symptom question, keeping the error", () => {
    expect(matchError(trees, "the coffee machine is broken")).toBeNull();
    const result = troubleshoot({ trees, answers: base("postgresql", "16.2", "alembic"), error: "the coffee machine is broken" });
    expect(result.status).toBe("needs-answers");
    if (result.status !== "needs-answers") return;
    expect(result.missing).toEqual(["symptom"]);
    expect(result.message).toMatch(/did not match/);
    expect(result.prefill.error).toBe("the coffee machine is broken");
  });

  it("without engine and tool it asks for them, after the matched symptom is kept", () => {
    const result = troubleshoot({ trees, answers: { mode: "troubleshoot" } as Answers, error: "canceling statement due to lock timeout" });
    expect(result.status).toBe("needs-answers");
    if (result.status !== "needs-answers") return;
    expect(result.missing).toEqual(["engine"]);
    expect(result.prefill).toMatchObject({ symptom: "failed", failure: "lock_timeout" });
  });
});
