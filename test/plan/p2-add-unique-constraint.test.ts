import { afterEach, describe, expect, it } from "vitest";
import type { PlanAnswers } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import type { SqlSession } from "../../src/verify/session.js";
import { answers, openDb, provePlan, sqlOf } from "./p2-harness.js";

const products = (over: Partial<PlanAnswers> = {}) =>
  answers({
    operation: "add_unique_constraint",
    table: "products",
    columns: [{ name: "sku" }],
    details: { referenced_by: ["order_items(product_id)"] },
    ...over,
  });

let db: SqlSession | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

const DEDUP_PG = [
  "CREATE TABLE IF NOT EXISTS products_dedup_map AS SELECT id AS dup_id, id AS keep_id FROM products WHERE false;",
  "CREATE TABLE IF NOT EXISTS products_dedup_archive AS SELECT * FROM products WHERE false;",
  "DELETE FROM products_dedup_map;",
  "INSERT INTO products_dedup_map (dup_id, keep_id) SELECT t.id AS dup_id, k.keep_id FROM products t JOIN (SELECT sku, min(id) AS keep_id FROM products WHERE sku IS NOT NULL GROUP BY sku HAVING count(*) > 1) k ON t.sku = k.sku WHERE t.id <> k.keep_id;",
  "SELECT count(*) AS locked FROM (SELECT 1 FROM products t JOIN products_dedup_map m ON t.id = m.dup_id ORDER BY t.id FOR UPDATE OF t) copies;",
  "UPDATE order_items c SET product_id = m.keep_id FROM products_dedup_map m WHERE c.product_id = m.dup_id;",
  "INSERT INTO products_dedup_archive SELECT t.* FROM products t JOIN products_dedup_map m ON t.id = m.dup_id;",
  "DELETE FROM products t USING products_dedup_map m WHERE t.id = m.dup_id;",
];

describe("add_unique_constraint on PostgreSQL", () => {
  it("large table: deploy, dedup (irreversible), concurrent unique index attached with USING INDEX", () => {
    const plan = buildPlan(products());
    expect(plan.phases.map((p) => p.kind)).toEqual(["deploy", "backfill", "expand"]);
    const [deploy, dedup, expand] = plan.phases;
    expect(deploy.statements).toEqual([]);
    expect(deploy.deploy).toMatch(/upsert/);
    // Between the named re-pointing and the archive: every foreign key found in the catalog at run time is re-pointed too.
    // Before any re-pointing, the copies are locked FOR UPDATE, so no child row can start naming one.
    const sql = sqlOf(dedup.statements);
    expect(sql.filter((s) => !s.startsWith("DO $repoint$"))).toEqual(DEDUP_PG);
    expect(sql.findIndex((s) => s.startsWith("DO $repoint$"))).toBe(6);
    expect(dedup.statements[4]).toMatchObject({ lock: "ROW SHARE", lockedTables: ["products"] });
    expect(dedup.irreversible).toMatch(/products_dedup_archive/);
    expect(dedup.rollback).toBeUndefined();
    expect(dedup.statements.every((s) => s.transaction && s.lock !== "ACCESS EXCLUSIVE")).toBe(true);
    expect(sqlOf(expand.statements)).toEqual([
      "CREATE UNIQUE INDEX CONCURRENTLY products_sku_key ON products (sku);",
      "SET lock_timeout = '200ms';",
      "ALTER TABLE products ADD CONSTRAINT products_sku_key UNIQUE USING INDEX products_sku_key;",
    ]);
    expect(expand.statements.map((s) => [s.transaction, s.lock])).toEqual([
      [false, "SHARE UPDATE EXCLUSIVE"],
      [true, "none"],
      [true, "ACCESS EXCLUSIVE"],
    ]);
    expect(sqlOf(expand.rollback)).toEqual([
      "SET lock_timeout = '200ms';",
      "ALTER TABLE products DROP CONSTRAINT IF EXISTS products_sku_key;",
      "DROP INDEX CONCURRENTLY IF EXISTS products_sku_key;",
    ]);
    expect(expand.onLockTimeout).toMatch(/pg_stat_activity/);
  });

  it("small table with tolerance: no deploy phase, a direct ADD CONSTRAINT after dedup", () => {
    const plan = buildPlan(products({ approx_rows: 5000, downtime_tolerance: "minutes" }));
    expect(plan.phases.map((p) => p.kind)).toEqual(["backfill", "expand"]);
    expect(sqlOf(plan.phases[1].statements)).toEqual([
      "SET lock_timeout = '500ms';",
      "ALTER TABLE products ADD CONSTRAINT products_sku_key UNIQUE (sku);",
    ]);
    expect(sqlOf(plan.phases[1].rollback)).toEqual(["SET lock_timeout = '500ms';", "ALTER TABLE products DROP CONSTRAINT IF EXISTS products_sku_key;"]);
  });

  it("keep-newest, several columns, quoted names and a custom key; dedup none gives a verify phase instead", () => {
    const plan = buildPlan(
      products({
        table: "order",
        columns: [{ name: "tenantId" }, { name: "code" }],
        details: { dedup: "keep-newest", primary_key: "order_id", constraint_name: "order_tenant_code_key" },
      }),
    );
    expect(sqlOf(plan.phases[1].statements)[3]).toBe(
      `INSERT INTO order_dedup_map (dup_id, keep_id) SELECT t.order_id AS dup_id, k.keep_id FROM "order" t JOIN (SELECT "tenantId", code, max(order_id) AS keep_id FROM "order" WHERE "tenantId" IS NOT NULL AND code IS NOT NULL GROUP BY "tenantId", code HAVING count(*) > 1) k ON t."tenantId" = k."tenantId" AND t.code = k.code WHERE t.order_id <> k.keep_id;`,
    );
    const none = buildPlan(products({ details: { dedup: "none" } }));
    expect(none.phases.map((p) => p.kind)).toEqual(["deploy", "verify", "expand"]);
    expect(none.phases[1].checks[0].sql).toBe(
      "SELECT NOT EXISTS (SELECT 1 FROM products WHERE sku IS NOT NULL GROUP BY sku HAVING count(*) > 1) AS ok;",
    );
  });

  it("rejects a malformed referenced_by entry and missing columns", () => {
    expect(() => buildPlan(products({ details: { referenced_by: ["order_items"] } }))).toThrow(/table\(column\)/);
    expect(() => buildPlan(products({ columns: [] }))).toThrow(/columns/);
  });
});

describe("add_unique_constraint on MySQL", () => {
  it("dedups with multi-table UPDATE/DELETE and adds the unique index online", () => {
    const plan = buildPlan(products({ engine: "mysql", engine_version: "8.0.36" }));
    expect(plan.phases.map((p) => p.kind)).toEqual(["deploy", "backfill", "expand"]);
    expect(sqlOf(plan.phases[1].statements)).toEqual([
      "SET SESSION lock_wait_timeout = 2;",
      "CREATE TABLE IF NOT EXISTS products_dedup_map AS SELECT id AS dup_id, id AS keep_id FROM products WHERE 1 = 0;",
      "CREATE TABLE IF NOT EXISTS products_dedup_archive LIKE products;",
      "DELETE FROM products_dedup_map;",
      "INSERT INTO products_dedup_map (dup_id, keep_id) SELECT t.id AS dup_id, k.keep_id FROM products t JOIN (SELECT sku, min(id) AS keep_id FROM products WHERE sku IS NOT NULL GROUP BY sku HAVING count(*) > 1) k ON t.sku = k.sku WHERE t.id <> k.keep_id;",
      "START TRANSACTION;",
      "SELECT COUNT(*) AS locked FROM products_dedup_map m STRAIGHT_JOIN products t ON t.id = m.dup_id FOR UPDATE;",
      "UPDATE order_items c JOIN products_dedup_map m ON c.product_id = m.dup_id SET c.product_id = m.keep_id;",
      "INSERT INTO products_dedup_archive SELECT t.* FROM products t JOIN products_dedup_map m ON t.id = m.dup_id;",
      "DELETE t FROM products t JOIN products_dedup_map m ON t.id = m.dup_id;",
      "COMMIT;",
    ]);
    expect(sqlOf(plan.phases[2].statements)).toEqual([
      "SET SESSION lock_wait_timeout = 2;",
      "ALTER TABLE products ADD UNIQUE INDEX products_sku_key (sku), ALGORITHM=INPLACE, LOCK=NONE;",
    ]);
    expect(plan.warnings.join(" ")).toMatch(/INSERT IGNORE/);
    expect(plan.warnings.join(" ")).not.toMatch(/8\.0\.21/);
    expect(buildPlan(products({ engine: "mysql", engine_version: "5.7" })).warnings.join(" ")).toMatch(/8\.0\.21/);
  });
});

describe("add_unique_constraint proven on embedded PostgreSQL", () => {
  // ids 1-3 share sku a, 4-5 share b, 6 and 7 are unique, 8-10 have a NULL sku (never duplicates).
  const setup = `CREATE TABLE products (id bigserial PRIMARY KEY, sku text, name text);
    INSERT INTO products (sku, name) VALUES ('a','a1'),('a','a2'),('a','a3'),('b','b1'),('b','b2'),('c','c1'),('d','d1'),(NULL,'n1'),(NULL,'n2'),(NULL,'n3');
    CREATE TABLE order_items (id bigserial PRIMARY KEY, product_id bigint NOT NULL REFERENCES products(id), qty int);
    INSERT INTO order_items (product_id, qty) VALUES (1,1),(2,1),(3,1),(3,2),(5,1),(6,1),(8,1),(9,1);`;

  const ids = async (sql: string) => (await db!.query(sql)).map((r) => Number(r.id));

  it.each([
    ["keep-oldest" as const, [1, 4, 6, 7, 8, 9, 10], [1, 1, 1, 1, 4, 6, 8, 9], [2, 3, 5]],
    ["keep-newest" as const, [3, 5, 6, 7, 8, 9, 10], [3, 3, 3, 3, 5, 6, 8, 9], [1, 2, 4]],
  ])("%s deletes only the extra copies, re-points children, keeps NULLs and unique rows", async (keep, kept, children, archived) => {
    db = await openDb(setup);
    const plan = buildPlan(products({ details: { dedup: keep, referenced_by: ["order_items(product_id)"] } }));
    expect(await provePlan(db, plan)).toBe(2);
    expect(await ids("SELECT id FROM products ORDER BY id")).toEqual(kept);
    expect(await ids("SELECT product_id AS id FROM order_items ORDER BY product_id")).toEqual(children);
    expect(await ids("SELECT id FROM products_dedup_archive ORDER BY id")).toEqual(archived);
    await expect(db.query("INSERT INTO products (sku) VALUES ('a')")).rejects.toThrow(/products_sku_key/);
    await db.query("INSERT INTO products (sku) VALUES (NULL)");
  });

  it("a second dedup run changes nothing", async () => {
    db = await openDb(setup);
    const plan = buildPlan(products());
    const dedup = plan.phases[1];
    for (const s of dedup.statements) await db.query(s.sql);
    const before = await db.query("SELECT (SELECT count(*) FROM products)::int AS p, (SELECT count(*) FROM products_dedup_archive)::int AS a");
    for (const s of dedup.statements) await db.query(s.sql);
    const after = await db.query("SELECT (SELECT count(*) FROM products)::int AS p, (SELECT count(*) FROM products_dedup_archive)::int AS a");
    expect(after).toEqual(before);
    expect(before[0]).toEqual({ p: 7, a: 3 });
  });

  it("small-table plan: dedup and a direct constraint, with a composite key where NULL never collides", async () => {
    db = await openDb(`CREATE TABLE "order" (order_id bigserial PRIMARY KEY, "tenantId" int, code text);
      INSERT INTO "order" ("tenantId", code) VALUES (1,'x'),(1,'x'),(1,NULL),(1,NULL),(2,'x'),(NULL,'x'),(NULL,'x');`);
    const plan = buildPlan(
      products({
        table: "order",
        columns: [{ name: "tenantId" }, { name: "code" }],
        approx_rows: 7,
        downtime_tolerance: "minutes",
        details: { primary_key: "order_id" },
      }),
    );
    expect(await provePlan(db, plan)).toBe(1);
    expect((await db.query(`SELECT array_agg(order_id ORDER BY order_id)::text AS ids FROM "order"`))[0].ids).toBe("{1,3,4,5,6,7}");
  });
});
