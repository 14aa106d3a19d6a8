/**
 * Bounded probes on a real MariaDB, as a user with nothing but SELECT: the counts are right, a large table is
 * read only up to the bound (the server's own handler counters show it), the statement cap stops a probe that
 * would run long, long transactions are read where the user may see them and reported unread where not, and
 * `plan --probe --answers -` leaves out the dedup the probe shows is not needed, saying what it found.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mysql from "mysql2/promise";
import { describe, expect, it } from "vitest";
import type { MysqlQuery } from "../../src/schema/mysql-reader.js";
import { runMysqlProbes } from "../../src/schema/mysql-probes.js";
import { integerLimit, maxValueResult } from "../../src/schema/probes.js";
import { runCli } from "../support/cli.js";
import { loadDatabase, mariadbForFile, type MariadbServer } from "../support/mariadb-server.js";

const throwaway = mariadbForFile();

const FIXTURE = `
CREATE TABLE parents (id INT PRIMARY KEY);
INSERT INTO parents SELECT seq FROM seq_1_to_100;
CREATE TABLE big (id INT UNSIGNED PRIMARY KEY, email VARCHAR(64) NULL, parent_id INT NULL);
INSERT INTO big SELECT seq, IF(seq % 10 = 0, NULL, CONCAT('u', seq % 5000)), seq % 150 FROM seq_1_to_400000;
CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(64) NULL);
INSERT INTO users SELECT seq, CONCAT('user', seq, '@example.com') FROM seq_1_to_3000;
ANALYZE TABLE parents, big, users;
CREATE USER reader@'%';
GRANT SELECT ON shop.* TO reader@'%';
`;

let prepared: Promise<MariadbServer> | undefined;
function shop(): Promise<MariadbServer> {
  prepared ??= Promise.resolve().then(() => loadDatabase(throwaway.server!, "shop", FIXTURE));
  return prepared;
}

async function connect(server: MariadbServer, user: string) {
  const conn = await mysql.createConnection({ ...server.options("shop"), user, supportBigNumbers: true, bigNumberStrings: true });
  const query: MysqlQuery = async (sql, params) => (await conn.query(sql, params))[0] as Record<string, unknown>[];
  return { conn, query };
}

/** Rows the storage engine handed to this session so far (every Handler_read_* counter). */
async function rowsHandled(query: MysqlQuery): Promise<number> {
  const rows = await query("SHOW SESSION STATUS LIKE 'Handler_read%'");
  return rows.reduce((sum, r) => sum + Number(r.Value), 0);
}

describe("integer key limits, signed and unsigned", () => {
  it("knows MySQL's integer types with their sign, and PostgreSQL's, and prints the limit without rounding", () => {
    expect(integerLimit("tinyint(3) unsigned")).toBe(255n);
    expect(integerLimit("mediumint")).toBe(8388607n);
    expect(integerLimit("int(11)")).toBe(2147483647n);
    expect(integerLimit("integer")).toBe(2147483647n);
    expect(integerLimit("bigint unsigned")).toBe(18446744073709551615n);
    expect(integerLimit("varchar(20)")).toBeUndefined();
    const r = maxValueResult({ name: "max_value", table: "shop.events", column: "id", type: "bigint unsigned" }, "18446744073709551000");
    expect(r.text).toBe("largest id in shop.events: 18,446,744,073,709,551,000 (100.0% of bigint unsigned's maximum 18,446,744,073,709,551,615)");
  });
});

describe("bounded probes on MariaDB as a SELECT-only user", () => {
  it("count exactly under the bound, and at the bound read only that many rows and say 'first N rows'", { timeout: 120_000 }, async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const { conn, query } = await connect(await shop(), "reader");
    try {
      const [exact] = await runMysqlProbes(query, [{ name: "null_count", table: "shop.big", column: "email" }], { rows: 1_000_000, timeoutMs: 20_000 });
      expect(exact).toMatchObject({ value: 40000, rowsRead: 400000, exact: true });
      expect(exact.text).toBe("40000 NULL email in all rows of shop.big");

      // The sampled rows are the first by primary key (InnoDB reads a table in its clustered index's order).
      const rule = "parent_id < 100 AND email <> 'u7'";
      const truth = Number((await query(`SELECT COUNT(*) AS n FROM shop.big WHERE id <= 10000 AND NOT (${rule})`))[0].n);
      const before = await rowsHandled(query);
      const started = Date.now();
      const r = await runMysqlProbes(
        query,
        [
          { name: "null_count", table: "shop.big", column: "email" },
          { name: "duplicate_keys", table: "shop.big", columns: ["email"] },
          { name: "orphans", table: "shop.big", column: "parent_id", refTable: "shop.parents", refColumn: "id" },
          { name: "check_violations", table: "shop.big", check: rule },
          { name: "max_value", table: "shop.big", column: "id", type: "int(10) unsigned" },
        ],
        { rows: 10_000, timeoutMs: 5_000 },
      );
      const handled = (await rowsHandled(query)) - before;
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(r.map((p) => [p.name, p.value, p.exact, p.rowsRead])).toEqual([
        ["null_count", 1000, false, 10000],
        ["duplicate_keys", 4500, false, 10000],
        ["orphans", 3300, false, 10000],
        ["check_violations", truth, false, 10000],
        ["max_value", 400000, true, undefined],
      ]);
      expect(r[0].text).toBe("1000 NULL email in the first 10,000 rows of shop.big");
      expect(r[4].text).toBe("largest id in shop.big: 400,000 (0.0% of int(10) unsigned's maximum 4,294,967,295)");
      // Four sampled probes of 10,000 rows each (read, then the sample re-read): far from the 1.6 million rows full scans would read.
      expect(handled).toBeLessThan(4 * 3 * 10_000);
    } finally {
      await conn.end();
    }
  });

  it("stops a probe at max_statement_time instead of letting it run", { timeout: 60_000 }, async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const { conn, query } = await connect(await shop(), "reader");
    try {
      await expect(runMysqlProbes(query, [{ name: "duplicate_keys", table: "shop.big", columns: ["email", "parent_id"] }], { rows: 10_000_000, timeoutMs: 100 })).rejects.toThrow(
        /max_statement_time/,
      );
    } finally {
      await conn.end();
    }
  });

  it("reads long transactions from INNODB_TRX with PROCESS, and says it could not without", { timeout: 60_000 }, async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const server = await shop();
    const holder = await connect(server, "root");
    const root = await connect(server, "root");
    const reader = await connect(server, "reader");
    try {
      await holder.query("START TRANSACTION WITH CONSISTENT SNAPSHOT");
      await holder.query("SELECT COUNT(*) FROM shop.users");
      await new Promise((r) => setTimeout(r, 2_100));
      const [seen] = await runMysqlProbes(root.query, [{ name: "long_transactions", olderThanSeconds: 1 }]);
      expect(seen).toMatchObject({ value: 1, exact: true, text: "1 transactions open for more than 1 s right now" });
      const [unseen] = await runMysqlProbes(reader.query, [{ name: "long_transactions", olderThanSeconds: 1 }]);
      expect(unseen).toMatchObject({ value: 0, exact: false });
      expect(unseen.text).toMatch(/not read, this user lacks the PROCESS privilege/);
    } finally {
      await holder.query("ROLLBACK");
      await Promise.all([holder.conn.end(), root.conn.end(), reader.conn.end()]);
    }
  });

  it("plan --probe --answers - (standard input): no dedup when the probe read every row and found no duplicate, and PLAN.md says so", { timeout: 120_000 }, async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const server = await shop();
    const url = server.url("shop").replace("root@", "reader@").replace("mysql:", "mariadb:");
    const dir = mkdtempSync(join(tmpdir(), "mw-mysql-probe-"));
    const answers = (table: string, column: string, op: string) =>
      `operation: ${op}\ntable: ${table}\ncolumns:\n  - name: ${column}\ndowntime_tolerance: none\nrollback_need: phase-level\ntool: raw-sql\n`;
    const clean = runCli(["plan", "--database-url", url, "--probe", "--answers", "-", "--out", join(dir, "clean")], { input: answers("users", "email", "add_unique_constraint") });
    expect(clean.stderr).toBe("");
    expect(clean.code).toBe(0);
    const md = readFileSync(join(dir, "clean", "PLAN.md"), "utf8");
    expect(md).toContain("The probe run before planning found 0 duplicated (email) values in all rows of shop.users (exact: every row was read).");
    expect(md).toContain("So there is no dedup phase.");
    expect(md).not.toMatch(/Remove the extra copies/);

    const dups = runCli(["plan", "--database-url", url, "--probe", "--answers", "-", "--out", join(dir, "dups")], { input: answers("big", "email", "add_unique_constraint") });
    expect(dups.stderr).toBe("");
    expect(dups.code).toBe(0);
    const kept = readFileSync(join(dir, "dups", "PLAN.md"), "utf8");
    expect(kept).toMatch(/Remove the extra copies/);
    expect(kept).toContain("The probe run before planning found 4500 duplicated (email) values in the first 100,000 rows of shop.big (bounded: only the first 100,000 rows were read, the table has more).");
  });
});
