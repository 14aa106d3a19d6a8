/**
 * Each reproducible problem, on a real PostgreSQL (PGlite): make it happen, diagnose it from the
 * real error message, run the confirming queries and see them detect it, apply the repair, and count
 * rows before and after so nothing that should stay is lost.
 */
import { PGlite } from "@electric-sql/pglite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Answers } from "../../src/answers/schema.js";
import type { Plan } from "../../src/plan/model.js";
import { shippedTrees } from "../../src/trees/shipped.js";
import { DIAGNOSES } from "../../src/troubleshoot/diagnoses/index.js";
import type { DiagnosisReport } from "../../src/troubleshoot/diagnoses/types.js";
import { diagnosisInput } from "../../src/troubleshoot/input.js";
import { repairPlan } from "../../src/troubleshoot/render.js";
import { troubleshoot } from "../../src/troubleshoot/run.js";

const trees = shippedTrees();
const PG = { mode: "troubleshoot", engine: "postgresql", engine_version: "16.2", tool: "raw-sql" } as Answers;
let db: PGlite;

beforeEach(async () => {
  db = new PGlite();
});
afterEach(async () => {
  await db.close();
});

async function errorOf(sql: string): Promise<string> {
  try {
    await db.exec(sql);
  } catch (e) {
    const err = e as Error & { detail?: string };
    return `ERROR: ${err.message}${err.detail ? `\nDETAIL: ${err.detail}` : ""}`;
  }
  throw new Error(`expected this to fail: ${sql}`);
}

async function rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  return (await db.query<T>(sql)).rows;
}

async function one<T = unknown>(sql: string): Promise<T> {
  const r = await rows<Record<string, T>>(sql);
  return Object.values(r[0])[0];
}

function diagnose(error: string, extra: Partial<Answers> = {}) {
  const result = troubleshoot({ trees, answers: { ...PG, ...extra } as Answers, error });
  if (result.status !== "diagnosed") throw new Error(result.message);
  const report = DIAGNOSES[result.diagnosisId].build(diagnosisInput(result.answers));
  return { result, report, plan: repairPlan(report, result.answers) };
}

/** Runs the read-only confirming queries that do not read a tool's history table. */
async function confirm(report: DiagnosisReport): Promise<Record<string, unknown>[][]> {
  const out: Record<string, unknown>[][] = [];
  for (const q of report.confirm) {
    if (!q.sql || q.history) continue;
    out.push(await rows(q.sql));
  }
  return out;
}

/** Applies a repair plan the way a migration tool would: each phase in a transaction unless it cannot be. */
async function apply(plan: Plan, which: "statements" | "rollback" = "statements") {
  const phases = which === "statements" ? plan.phases : [...plan.phases].reverse();
  for (const p of phases) {
    const stmts = which === "statements" ? p.statements : (p.rollback ?? []);
    if (stmts.every((s) => s.transaction)) await db.transaction(async (tx) => { for (const s of stmts) await tx.exec(s.sql); });
    else for (const s of stmts) await db.exec(s.sql);
    if (which === "statements") for (const c of p.checks) expect(await one<boolean>(c.sql), c.description).toBe(true);
  }
}

describe("duplicates before a unique index (and the INVALID index a concurrent build leaves)", () => {
  it("detects, repairs keeping every row that had no duplicate, and builds a valid index", async () => {
    await db.exec(`
      CREATE TABLE users (id serial PRIMARY KEY, email text, name text);
      INSERT INTO users (email, name) VALUES
        ('a@x.io', 'a1'), ('b@x.io', 'b'), ('a@x.io', 'a2'), ('c@x.io', 'c1'), ('c@x.io', 'c2'), ('c@x.io', 'c3'),
        (NULL, 'n1'), (NULL, 'n2'), ('d@x.io', 'd');`);
    const before = await rows<{ id: number; email: string | null }>("SELECT id, email FROM users ORDER BY id");
    const error = await errorOf("CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email)");
    expect(error).toMatch(/could not create unique index "users_email_key"/);
    // The failed concurrent build really left an INVALID index, and IF NOT EXISTS "succeeds" over it.
    expect(await one("SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_key'::regclass")).toBe(false);
    await db.exec("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email)");
    expect(await one("SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_key'::regclass")).toBe(false);

    const { result, report, plan } = diagnose(error);
    expect(result.diagnosisId).toBe("duplicate-rows");
    expect(result.answers).toMatchObject({ columns: [{ name: "email" }], details: { index_name: "users_email_key" } });
    // The table comes from PostgreSQL's default naming <table>_<column>_key, and REPAIR.md says so.
    expect(diagnosisInput(result.answers).names).toMatchObject({ table: "users", guessed: ["table users (from users_email_key)"] });
    expect(result.files[0].content).toMatch(/check them: table users \(from users_email_key\)/);
    const [groups, extra, invalid] = await confirm(report);
    expect(groups.map((g) => [g.email, Number(g.copies), g.kept_id])).toEqual([["c@x.io", 3, 4], ["a@x.io", 2, 1]]);
    expect(Number(extra[0].extra_copies)).toBe(3);
    // The naive dedup REPAIR.md warns about would also delete a row with a NULL email that had no duplicate.
    expect(Number(await one("SELECT count(*) FROM users WHERE id NOT IN (SELECT MAX(id) FROM users GROUP BY email)"))).toBe(4);
    expect(result.files[0].content).toContain("GROUP BY puts all NULLs in one group");
    expect(invalid.map((r) => r.index_name)).toEqual(["users_email_key"]);

    await apply(plan!);
    const after = await rows<{ id: number; email: string | null }>("SELECT id, email FROM users ORDER BY id");
    expect(after.length).toBe(before.length - 3);
    // Exactly the extra copies went: every row whose email had no duplicate, every NULL, and the first of each group stayed.
    expect(after.map((r) => r.id)).toEqual([1, 2, 4, 7, 8, 9]);
    expect(await rows("SELECT id FROM users_dedup_backup ORDER BY id")).toEqual([{ id: 3 }, { id: 5 }, { id: 6 }]);
    const [, extraAfter, invalidAfter] = await confirm(report);
    expect(Number(extraAfter[0].extra_copies)).toBe(0);
    expect(invalidAfter).toEqual([]);
    expect(await errorOf("INSERT INTO users (email) VALUES ('b@x.io')")).toMatch(/duplicate key value/);

    // The down puts every deleted row back.
    await apply(plan!, "rollback");
    expect(await rows("SELECT id, email FROM users ORDER BY id")).toEqual(before);
  });
});

describe("orphaned rows before VALIDATE CONSTRAINT", () => {
  it("finds the orphans with NOT EXISTS / LEFT JOIN, moves them to an archive, and validates", async () => {
    await db.exec(`
      CREATE TABLE customers (id int PRIMARY KEY);
      CREATE TABLE orders (id int PRIMARY KEY, customer_id int, total int);
      INSERT INTO customers VALUES (1), (2);
      INSERT INTO orders VALUES (10, 1, 5), (11, 2, 6), (12, 3, 7), (13, NULL, 8), (14, 9, 9), (15, 1, 10);
      ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;`);
    const before = Number(await one("SELECT count(*) FROM orders"));
    const error = await errorOf("ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey");
    const { result, report, plan } = diagnose(error);
    expect(result.diagnosisId).toBe("fk-violation");
    expect(result.answers).toMatchObject({ table: "orders", columns: [{ name: "customer_id" }], details: { ref_table: "customers" } });
    const [count, list, def] = await confirm(report);
    expect(Number(count[0].orphans)).toBe(2);
    expect(list.map((r) => r.id)).toEqual([12, 14]);
    expect(def[0]).toMatchObject({ conname: "orders_customer_id_fkey", convalidated: false });

    await apply(plan!);
    expect(await one("SELECT convalidated FROM pg_constraint WHERE conname = 'orders_customer_id_fkey'")).toBe(true);
    const kept = await rows<{ id: number }>("SELECT id FROM orders ORDER BY id");
    const archived = await rows<{ id: number }>("SELECT id FROM orders_fk_orphans ORDER BY id");
    expect(kept.map((r) => r.id)).toEqual([10, 11, 13, 15]);
    expect(archived.map((r) => r.id)).toEqual([12, 14]);
    expect(kept.length + archived.length).toBe(before);
    expect(Number((await confirm(report))[0][0].orphans)).toBe(0);
  });
});

describe("an INVALID index", () => {
  it("is found by indisvalid; IF NOT EXISTS does not fix it; drop and rebuild concurrently does", async () => {
    await db.exec(`
      CREATE TABLE accounts (id serial PRIMARY KEY, handle text);
      INSERT INTO accounts (handle) VALUES ('x'), ('y'), ('x');`);
    await errorOf("CREATE UNIQUE INDEX CONCURRENTLY accounts_handle_key ON accounts (handle)");
    // The user fixes the duplicate, then the next step of the migration trips over the leftover.
    await db.exec("DELETE FROM accounts WHERE id = 3");
    const error = await errorOf("ALTER TABLE accounts ADD CONSTRAINT accounts_handle_key UNIQUE USING INDEX accounts_handle_key");
    expect(error).toMatch(/index "accounts_handle_key" is not valid/);
    const { result, report, plan } = diagnose(error, { table: "accounts", columns: [{ name: "handle" }] });
    expect(result.diagnosisId).toBe("invalid-index");
    const [invalid] = await confirm(report);
    expect(invalid.map((r) => r.index_name)).toEqual(["accounts_handle_key"]);
    await apply(plan!);
    expect(await rows("SELECT indexrelid::regclass::text AS name, indisvalid FROM pg_index WHERE indrelid = 'accounts'::regclass AND NOT indisprimary")).toEqual([
      { name: "accounts_handle_key", indisvalid: true },
    ]);
    expect((await confirm(report))[0]).toEqual([]);
    expect(Number(await one("SELECT count(*) FROM accounts"))).toBe(2);
  });
});

describe("a half-applied multi-statement change", () => {
  const migration = ["ALTER TABLE items ADD COLUMN sku text", "ALTER TABLE items ADD COLUMN price int NOT NULL", "CREATE INDEX items_sku_idx ON items (sku)"];

  it("in one transaction, PostgreSQL leaves nothing behind; the confirming queries show it", async () => {
    await db.exec("CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (1), (2);");
    await expect(db.transaction(async (tx) => { for (const s of migration) await tx.exec(s); })).rejects.toThrow(/contains null values/);
    const { result, report } = diagnose("", { symptom: "failed", failure: "halfway", table: "items" } as Partial<Answers>);
    expect(result.diagnosisId).toBe("failed-halfway");
    const [columns, indexes] = await confirm(report);
    expect(columns.map((c) => c.column_name)).toEqual(["id"]);
    expect(indexes.map((i) => i.index_name)).toEqual(["items_pkey"]);
  });

  it("without a transaction (as MySQL always behaves) the first statement stays; the queries show it and finishing by hand completes it", async () => {
    await db.exec("CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (1), (2);");
    await db.exec(migration[0]);
    await expect(db.exec(migration[1])).rejects.toThrow(/contains null values/);
    const { report } = diagnose("", { symptom: "failed", failure: "halfway", table: "items" } as Partial<Answers>);
    const [columns] = await confirm(report);
    expect(columns.map((c) => c.column_name)).toEqual(["id", "sku"]);
    // Finish the rest by hand, fixed (a default for the NOT NULL column), then the schema is complete.
    await db.exec("ALTER TABLE items ADD COLUMN price int NOT NULL DEFAULT 0");
    await db.exec(migration[2]);
    const [after, idx] = await confirm(report);
    expect(after.map((c) => c.column_name)).toEqual(["id", "sku", "price"]);
    expect(idx.map((i) => i.index_name)).toEqual(["items_pkey", "items_sku_idx"]);
    expect(Number(await one("SELECT count(*) FROM items"))).toBe(2);
  });
});

describe("a rollback that would lose data", () => {
  it("counts the values at risk, keeps a copy, and restores them after the column comes back", async () => {
    await db.exec(`
      CREATE TABLE profiles (id int PRIMARY KEY, bio text);
      INSERT INTO profiles VALUES (1, 'hello'), (2, NULL), (3, 'it''s me');`);
    const { result, report, plan } = diagnose("", { symptom: "rollback", rollback_problem: "lossy", table: "profiles", columns: [{ name: "bio" }] } as Partial<Answers>);
    expect(result.diagnosisId).toBe("lossy-rollback");
    const [count, col] = await confirm(report);
    expect(Number(count[0].rows_with_data)).toBe(2);
    expect(col).toHaveLength(1);
    await apply(plan!);
    await db.exec("ALTER TABLE profiles DROP COLUMN bio"); // the down the user had to run
    await db.exec("ALTER TABLE profiles ADD COLUMN bio text"); // rolled forward again
    await db.exec(report.repair.at(-1)!.sql!);
    expect(await rows("SELECT id, bio FROM profiles ORDER BY id")).toEqual([
      { id: 1, bio: "hello" },
      { id: 2, bio: null },
      { id: 3, bio: "it's me" },
    ]);
  });
});

describe("the other diagnoses' PostgreSQL queries run", () => {
  it("every catalog and data query of every diagnosis executes on PostgreSQL", async () => {
    await db.exec(`
      CREATE TABLE parent (id int PRIMARY KEY);
      CREATE TABLE t (id int PRIMARY KEY, c int REFERENCES parent (id));
      CREATE INDEX i ON t (c);`);
    for (const d of Object.values(DIAGNOSES)) {
      const report = d.build({
        engine: "postgresql",
        version: "16.2",
        tool: "raw-sql",
        names: { table: "t", columns: ["c"], indexName: "i", constraintName: "t_c_fkey", refTable: "parent", refColumn: "id", primaryKey: "id", placeholders: [], guessed: [] },
      });
      for (const q of report.confirm) {
        if (!q.sql || q.history) continue;
        await expect(db.query(q.sql), `${d.id}: ${q.purpose}`).resolves.toBeDefined();
      }
    }
  });
});
