/** Bounded probes on a real server: the counts are right, a large table is read only up to the bound, and the
 * statement timeout stops a probe that would run long. */
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runProbes } from "../../src/schema/probes.js";
import { startPostgres, type PgServer } from "../support/pg-server.js";

let server: PgServer | null = null;
let c: pg.Client;
const query = async (sql: string) => (await c.query(sql)).rows;

beforeAll(async () => {
  server = await startPostgres();
  if (!server) return;
  c = new pg.Client({ connectionString: server.url });
  await c.connect();
  await c.query(`
    CREATE TABLE parents (id integer PRIMARY KEY);
    INSERT INTO parents SELECT g FROM generate_series(1, 100) g;
    CREATE TABLE big (id integer PRIMARY KEY, email text, parent_id integer);
    INSERT INTO big SELECT g, CASE WHEN g % 10 = 0 THEN NULL ELSE 'u' || (g % 5000) END, g % 150 FROM generate_series(1, 400000) g;
    ANALYZE;`);
}, 120_000);

afterAll(async () => {
  await c?.end().catch(() => {});
  await server?.stop();
});

beforeEach((ctx) => {
  if (!server) ctx.skip("no PostgreSQL server binaries installed (Debian package postgresql)");
});

describe("bounded probes", () => {
  it("count exactly under the bound and say 'first N rows' at the bound", async () => {
    const exact = await runProbes(query, [{ name: "null_count", table: "big", column: "email" }], { rows: 1_000_000, timeoutMs: 20_000 });
    expect(exact[0]).toMatchObject({ value: 40000, rowsRead: 400000, exact: true });
    const started = Date.now();
    const r = await runProbes(
      query,
      [
        { name: "null_count", table: "big", column: "email" },
        { name: "duplicate_keys", table: "big", columns: ["email"] },
        { name: "orphans", table: "big", column: "parent_id", refTable: "parents", refColumn: "id" },
        { name: "max_value", table: "big", column: "id", type: "integer" },
        { name: "long_transactions", olderThanSeconds: 60 },
      ],
      { rows: 10_000, timeoutMs: 5_000 },
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r.map((p) => [p.name, p.value, p.exact])).toEqual([
      ["null_count", 1000, false],
      ["duplicate_keys", 4500, false],
      ["orphans", 3300, false],
      ["max_value", 400000, true],
      ["long_transactions", 0, true],
    ]);
    expect(r[0].text).toBe("1000 NULL email in the first 10,000 rows of big");
    expect(r[3].text).toBe("largest id in big: 400,000 (0.0% of integer's maximum 2,147,483,647)");
  });

  it("counts the rows that break a CHECK rule (a NULL result passes, as in a CHECK), exactly under the bound and sampled at it", async () => {
    const rule = "parent_id < 100 AND email <> 'u7'";
    const truth = Number((await query(`SELECT count(*) AS n FROM big WHERE NOT (${rule})`))[0].n);
    const [exact] = await runProbes(query, [{ name: "check_violations", table: "big", check: rule }], { rows: 1_000_000, timeoutMs: 20_000 });
    expect(exact).toMatchObject({ value: truth, rowsRead: 400000, exact: true });
    expect(exact.text).toBe(`${truth} rows breaking CHECK (${rule}) in all rows of big`);
    const [bounded] = await runProbes(query, [{ name: "check_violations", table: "big", check: rule }], { rows: 1_000, timeoutMs: 5_000 });
    expect(bounded).toMatchObject({ rowsRead: 1000, exact: false });
    expect(bounded.value).toBeLessThanOrEqual(1000);
  });

  it("stops a probe at the statement timeout instead of letting it run", async () => {
    await expect(runProbes(query, [{ name: "duplicate_keys", table: "big", columns: ["email", "parent_id"] }], { rows: 10_000_000, timeoutMs: 100 })).rejects.toThrow(
      /statement timeout/,
    );
  });
});
