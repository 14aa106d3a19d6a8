import { describe, expect, it } from "vitest";
import type { PlanAnswers } from "../../src/answers/schema.js";
import { fixtureSql } from "../../src/verify/fixture.js";
import type { SqlSession } from "../../src/verify/session.js";
import { useEmbeddedPerFile } from "../support/embedded.js";
import { EXAMPLES } from "../proof/examples.js";

let db: SqlSession;
useEmbeddedPerFile((session) => (db = session));

const answers = (operation: keyof typeof EXAMPLES, variant?: string): PlanAnswers => {
  const sample = variant ? EXAMPLES[operation][variant] : Object.values(EXAMPLES[operation])[0];
  return { mode: "plan", engine: "postgresql", engine_version: "16", operation, approx_rows: 1, downtime_tolerance: "none", rollback_need: "none", tool: "raw-sql", ...sample } as PlanAnswers;
};
const build = async (a: PlanAnswers, rows = 1000) => {
  for (const sql of fixtureSql(a, rows)) await db.query(sql);
};
const one = async (sql: string) => (await db.query(sql))[0];

describe("fixtureSql", () => {
  for (const [operation, variants] of Object.entries(EXAMPLES)) {
    for (const variant of Object.keys(variants)) {
      it(`builds on PostgreSQL for ${operation} [${variant}]`, async () => {
        await build(answers(operation as keyof typeof EXAMPLES, variant));
        const a = answers(operation as keyof typeof EXAMPLES, variant);
        const exists = await one(`SELECT to_regclass('${a.table}') IS NOT NULL AS e`);
        expect(exists.e).toBe(operation !== "create_table");
      });
    }
  }

  it("gives a dedup real duplicates, NULLs that are not duplicates, and child rows pointing at copies", async () => {
    await build(answers("add_unique_constraint", "duplicates, keep oldest, children re-pointed"));
    const r = await one("SELECT count(*)::int AS n, count(email)::int AS nonnull, count(DISTINCT email)::int AS distinct_ FROM users");
    expect(r.n).toBe(1000);
    expect(r.nonnull).toBeLessThan(r.n as number);
    expect(r.distinct_).toBeLessThan(r.nonnull as number);
    const children = await one(
      "SELECT count(*)::int AS c FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email IN (SELECT email FROM users GROUP BY email HAVING count(*) > 1)",
    );
    expect(children.c).toBeGreaterThan(0);
  });

  it("gives unique values when no dedup is asked for", async () => {
    await build(answers("add_unique_constraint", "no duplicates"));
    const r = await one("SELECT count(email)::int AS nonnull, count(DISTINCT email)::int AS distinct_ FROM users");
    expect(r.distinct_).toBe(r.nonnull);
  });

  it("leaves add_primary_key a table without a primary key, with unique non-NULL ids", async () => {
    await build(answers("add_primary_key"));
    expect((await one("SELECT count(*)::int AS c FROM pg_constraint WHERE conrelid = 'events'::regclass AND contype = 'p'")).c).toBe(0);
    expect((await one("SELECT count(DISTINCT id)::int AS d, count(*)::int AS n FROM events")).d).toBe(1000);
  });

  it("leaves the backfilled column NULL and the enum without the new value", async () => {
    await build(answers("backfill"));
    expect((await one("SELECT count(full_name)::int AS c, count(first_name)::int AS f FROM users"))).toEqual({ c: 0, f: 1000 });
    await db.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
    await build(answers("add_enum_value", "after a value"));
    const labels = await db.query("SELECT enumlabel FROM pg_enum WHERE enumtypid = 'order_status'::regtype ORDER BY enumsortorder");
    expect(labels.map((l) => l.enumlabel)).toEqual(["active", "inactive"]);
  });

  it("creates the referenced table, values that satisfy the foreign key, the index to drop, and castable text", async () => {
    await build(answers("add_foreign_key"));
    await db.query("ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id)");
    await db.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
    await build(answers("drop_index"));
    expect((await one("SELECT to_regclass('orders_customer_id_idx') IS NOT NULL AS e")).e).toBe(true);
    await db.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
    await build(answers("change_column_type", "text to integer with USING"));
    await db.query("ALTER TABLE orders ALTER COLUMN qty TYPE integer USING qty::integer");
  });
});
