import { afterEach, describe, expect, it } from "vitest";
import type { PlanAnswers } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import type { SqlSession } from "../../src/verify/session.js";
import { answers, openDb, provePlan, sqlOf } from "./p2-harness.js";

const fk = (over: Partial<PlanAnswers> = {}) =>
  answers({ operation: "add_foreign_key", table: "order_items", columns: [{ name: "product_id", references: "products(id)" }], ...over });

let db: SqlSession | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

describe("add_foreign_key on PostgreSQL", () => {
  it("index concurrently, NOT VALID under a lock timeout, VALIDATE separately", () => {
    const plan = buildPlan(fk({ details: { on_delete: "cascade" } }));
    expect(plan.phases.map((p) => p.kind)).toEqual(["expand", "expand", "verify"]);
    const [idx, add, validate] = plan.phases;
    expect(sqlOf(idx.statements)).toEqual(["CREATE INDEX CONCURRENTLY order_items_product_id_idx ON order_items (product_id);"]);
    // Both locks first, in one statement (referenced table first), inside a loop that retries lock timeouts and deadlocks.
    const [setting, retried] = sqlOf(add.statements);
    expect(setting).toBe("SET lock_timeout = '200ms';");
    expect(retried).toMatch(/^DO \$retry\$/);
    expect(retried).toContain(
      "      LOCK TABLE products, order_items IN SHARE ROW EXCLUSIVE MODE;\n" +
        "      ALTER TABLE order_items ADD CONSTRAINT order_items_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE NOT VALID;\n",
    );
    expect(retried).toMatch(/EXCEPTION WHEN lock_not_available OR deadlock_detected/);
    expect(add.statements[1]).toMatchObject({ lock: "SHARE ROW EXCLUSIVE", lockedTables: ["products", "order_items"] });
    const [rbSetting, rbRetried] = sqlOf(add.rollback);
    expect(rbSetting).toBe("SET lock_timeout = '200ms';");
    expect(rbRetried).toContain(
      "      LOCK TABLE products, order_items IN ACCESS EXCLUSIVE MODE;\n      ALTER TABLE order_items DROP CONSTRAINT IF EXISTS order_items_product_id_fkey;\n",
    );
    expect(add.checks[0].sql).toBe(
      "SELECT NOT EXISTS (SELECT 1 FROM order_items c WHERE c.product_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM products p WHERE p.id = c.product_id)) AS ok;",
    );
    expect(add.onLockTimeout).toMatch(/pg_stat_activity/);
    expect(sqlOf(validate.statements)).toEqual(["ALTER TABLE order_items VALIDATE CONSTRAINT order_items_product_id_fkey;"]);
    expect(validate.statements[0].lock).toBe("SHARE UPDATE EXCLUSIVE");
    expect(validate.rollback).toEqual([]);
  });

  it("small table with tolerance: one phase, plain index and validating ADD CONSTRAINT", () => {
    const plan = buildPlan(fk({ approx_rows: 3000, downtime_tolerance: "minutes", details: { ref_table: "billing.Product", ref_column: "productId" } }));
    expect(plan.phases).toHaveLength(1);
    const [setting, retried] = sqlOf(plan.phases[0].statements);
    expect(setting).toBe("SET lock_timeout = '500ms';");
    expect(retried).toContain(
      [
        `      LOCK TABLE billing."Product", order_items IN SHARE ROW EXCLUSIVE MODE;`,
        "      CREATE INDEX IF NOT EXISTS order_items_product_id_idx ON order_items (product_id);",
        `      ALTER TABLE order_items ADD CONSTRAINT order_items_product_id_fkey FOREIGN KEY (product_id) REFERENCES billing."Product" ("productId");`,
      ].join("\n"),
    );
  });

  it("needs a referenced table", () => {
    expect(() => buildPlan(fk({ columns: [{ name: "product_id" }] }))).toThrow(/referenced table/);
    expect(() => buildPlan(fk({ columns: [{ name: "product_id", references: "products" }] }))).toThrow(/table\(column\)/);
  });
});

describe("add_foreign_key on MySQL", () => {
  it("index online, orphan check, then INPLACE with foreign_key_checks off for the session", () => {
    const plan = buildPlan(fk({ engine: "mysql", engine_version: "8.0.36" }));
    expect(plan.phases.map((p) => p.kind)).toEqual(["expand", "verify", "expand"]);
    expect(sqlOf(plan.phases[2].statements)).toEqual([
      "SET SESSION foreign_key_checks = 0;",
      "SET SESSION lock_wait_timeout = 2;",
      "ALTER TABLE order_items ADD CONSTRAINT order_items_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id), ALGORITHM=INPLACE, LOCK=NONE;",
      "SET SESSION foreign_key_checks = 1;",
    ]);
    expect(plan.warnings.join(" ")).toMatch(/gh-ost/);
  });
});

describe("add_foreign_key proven on embedded PostgreSQL", () => {
  const setup = `CREATE TABLE products (id bigserial PRIMARY KEY, name text);
    INSERT INTO products (name) SELECT 'p' || g FROM generate_series(1, 10) g;
    CREATE TABLE order_items (id bigserial PRIMARY KEY, product_id bigint, qty int);
    INSERT INTO order_items (product_id, qty) SELECT 1 + g % 10, 1 FROM generate_series(1, 30) g;
    INSERT INTO order_items (product_id, qty) VALUES (NULL, 1);`;

  it.each([
    ["three-phase", {}],
    ["one-phase", { approx_rows: 3000, downtime_tolerance: "minutes" as const }],
  ])("%s: applies with checks, rolls back, applies again", async (_l, over) => {
    db = await openDb(setup);
    expect(await provePlan(db, buildPlan(fk(over)))).toBe(0);
    await expect(db.query("INSERT INTO order_items (product_id) VALUES (999)")).rejects.toThrow(/foreign key/);
  });

  it("the orphan check catches an orphan that VALIDATE would fail on", async () => {
    db = await openDb(setup + " INSERT INTO order_items (product_id) VALUES (777);");
    const plan = buildPlan(fk());
    const rows = await db.query(plan.phases[1].checks[0].sql);
    expect(rows[0].ok).toBe(false);
  });
});
