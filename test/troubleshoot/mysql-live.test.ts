/**
 * `troubleshoot --database-url mysql://...` on a real MariaDB: the diagnosis is built for the server it reaches
 * (MariaDB, whose performance_schema is off by default), its confirming queries run read-only as a user with
 * nothing but SELECT (plus PROCESS, itself read-only, where other sessions must be seen), and the rows they
 * return are shown on stdout and in REPAIR.md: duplicate groups, orphans, the metadata-lock waiter and the
 * transaction holding it, the state a migration left halfway.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mysql from "mysql2/promise";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { loadDatabase, mariadbForFile, type MariadbServer } from "../support/mariadb-server.js";

const throwaway = mariadbForFile();
const dir = mkdtempSync(join(tmpdir(), "mw-mysql-ts-"));

const FIXTURE = `
CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(64) NULL, status VARCHAR(16) NOT NULL DEFAULT 'new');
INSERT INTO users VALUES (1, 'a@x.io', 'new'), (2, 'a@x.io', 'new'), (3, 'b@x.io', 'new'), (4, NULL, 'new'), (5, NULL, 'new');
CREATE TABLE customers (id INT PRIMARY KEY);
INSERT INTO customers VALUES (1), (2);
CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NULL);
INSERT INTO orders VALUES (10, 1), (11, 7), (12, NULL), (13, 9);
CREATE USER reader@'%';
GRANT SELECT ON shop.* TO reader@'%';
CREATE USER watcher@'%';
GRANT SELECT ON shop.* TO watcher@'%';
GRANT PROCESS ON *.* TO watcher@'%';
`;

let prepared: Promise<MariadbServer> | undefined;
function shop(): Promise<MariadbServer> {
  prepared ??= Promise.resolve().then(() => loadDatabase(throwaway.server!, "shop", FIXTURE));
  return prepared;
}

const urlFor = (server: MariadbServer, user: string) => server.url("shop").replace("root@", `${user}@`);

function troubleshoot(server: MariadbServer, user: string, error: string, answers: string, name: string) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `tool: raw-sql\n${answers}`);
  const out = join(dir, name);
  const r = runCli(["troubleshoot", "--error", error, "--answers", file, "--database-url", urlFor(server, user), "--out", out]);
  return { ...r, md: r.code === 0 ? readFileSync(join(out, "REPAIR.md"), "utf8") : "" };
}

describe("troubleshoot --database-url on MariaDB", () => {
  it("shows the duplicate groups and how many copies the repair deletes, as a SELECT-only user", { timeout: 60_000 }, async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const server = await shop();
    // No answers but the tool: the server says it is MariaDB, whose key is named after its first column, as on MySQL.
    const r = troubleshoot(server, "reader", "ERROR 1062 (23000): Duplicate entry 'a@x.io' for key 'users.email'", "", "dups");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Confirmed on mysql:\/\/reader@127\.0\.0\.1:\d+\/shop \(read-only\):/);
    expect(r.stdout).toContain("email=a@x.io  copies=2  kept_id=1");
    expect(r.stdout).toContain("extra_copies=1");
    expect(r.md).toContain("Engine: MariaDB");
    expect(r.md).toMatch(/## Confirmed on the database\n[^]*email=a@x\.io {2}copies=2 {2}kept_id=1[^]*## Repair, step by step/);
  });

  it("counts and lists the orphans a foreign key failed on", { timeout: 60_000 }, async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const server = await shop();
    const error =
      "ERROR 1452 (23000): Cannot add or update a child row: a foreign key constraint fails (`shop`.`orders`, CONSTRAINT `orders_customer_fk` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`))";
    const r = troubleshoot(server, "reader", error, "", "fk");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("orphans=2");
    expect(r.stdout).toContain("id=11  customer_id=7");
    expect(r.stdout).toContain("id=13  customer_id=9");
  });

  it("finds the DDL waiting for a metadata lock and the open transaction holding it; without PROCESS it says what it could not read", { timeout: 90_000 }, async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const server = await shop();
    const holder = await mysql.createConnection(server.options("shop"));
    const waiter = await mysql.createConnection(server.options("shop"));
    let altered: Promise<unknown> | undefined;
    try {
      const [[{ id: holderId }]] = (await holder.query("SELECT CONNECTION_ID() AS id")) as unknown as [[{ id: number }]];
      await holder.query("START TRANSACTION WITH CONSISTENT SNAPSHOT");
      await holder.query("SELECT COUNT(*) FROM users");
      await waiter.query("SET SESSION lock_wait_timeout = 60");
      altered = waiter.query("ALTER TABLE users ADD COLUMN nickname VARCHAR(20) NULL");
      // Wait until the ALTER is queued behind the holder's metadata lock.
      for (let i = 0; i < 100; i++) {
        const [rows] = (await holder.query("SELECT COUNT(*) AS n FROM information_schema.processlist WHERE state LIKE 'Waiting for%metadata lock'")) as unknown as [[{ n: number }]];
        if (Number(rows[0].n) > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const error = "ERROR 1205 (HY000): Lock wait timeout exceeded; try restarting transaction";
      const seen = troubleshoot(server, "watcher", error, "table: users\n", "lock");
      expect(seen.stderr).toBe("");
      expect(seen.code).toBe(0);
      expect(seen.stdout).toMatch(/state=Waiting for table metadata lock {2}query=ALTER TABLE users ADD COLUMN nickname/);
      expect(seen.stdout).toContain(`trx_mysql_thread_id=${holderId}`);
      // Every query ran on a default MariaDB (no sys views, which read performance_schema).
      expect(seen.stdout).toMatch(/Row lock waits: who waits for whom[^]*\(no rows\)/);
      expect(seen.stdout).not.toContain("failed:");
      const unseen = troubleshoot(server, "reader", error, "table: users\n", "lock-reader");
      expect(unseen.code).toBe(0);
      expect(unseen.stdout).toMatch(/Open InnoDB transactions, oldest first\n\s+failed: Access denied; you need \(at least one of\) the PROCESS privilege/);
    } finally {
      await holder.query("ROLLBACK");
      await altered?.catch(() => {});
      await Promise.all([holder.end(), waiter.end()]);
    }
  });

  it("shows the state a migration left halfway: the table's columns and indexes now", { timeout: 60_000 }, async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const server = await shop();
    const r = troubleshoot(server, "reader", "ERROR 1060 (42S21): Duplicate column name 'status'", "table: users\n", "halfway");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/column_name=status {2}column_type=varchar\(16\) {2}is_nullable=NO/);
    expect(r.stdout).toMatch(/index_name=PRIMARY {2}non_unique=0 {2}columns=id/);
  });

  it("refuses a diagnosis for PostgreSQL against a MySQL-family URL", { timeout: 60_000 }, async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const server = await shop();
    const r = troubleshoot(server, "reader", 'ERROR: index "users_email_key" is not valid', 'engine: postgresql\nengine_version: "15.4"\n', "pg");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the diagnosis is for postgresql, but --database-url is a mysql server/);
  });
});
