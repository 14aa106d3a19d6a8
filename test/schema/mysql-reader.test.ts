/**
 * The MySQL/MariaDB snapshot reader on a real MariaDB 10.11: a realistic schema (FKs with ON DELETE rules,
 * unique, composite and prefix indexes, checks, a generated column, a view, a trigger) read as root and as a
 * user with nothing but SELECT; the server's general log shows the reader sent nothing that writes; the CLI
 * picks the reader for mysql:// and mariadb:// URLs and refuses a mysqldump file for --schema.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mysql from "mysql2/promise";
import { describe, expect, it } from "vitest";
import { findTable, type SchemaSnapshot } from "../../src/schema/model.js";
import { inMysqlReadOnlyTransaction } from "../../src/schema/mysql-reader.js";
import { snapshotFromUrl } from "../../src/schema/sources.js";
import { runCli } from "../support/cli.js";
import { MARIADB_CLIENT, mariadbForFile, type MariadbServer } from "../support/mariadb-server.js";

const throwaway = mariadbForFile();
const dir = mkdtempSync(join(tmpdir(), "mw-mysql-schema-"));

const MYSQL_FIXTURE = `
CREATE TABLE customers (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(191) NOT NULL,
  name VARCHAR(100) CHARACTER SET latin1 COLLATE latin1_swedish_ci NULL,
  status ENUM('active', 'it''s closed') NOT NULL DEFAULT 'active',
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE KEY customers_email_key (email),
  KEY customers_name_prefix (name(10))
) ENGINE=InnoDB;
CREATE TABLE orders (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  customer_id INT NOT NULL,
  total DECIMAL(10,2) NOT NULL DEFAULT 0 CHECK (total >= 0),
  total_cents BIGINT AS (total * 100) STORED,
  note VARCHAR(200) NULL,
  PRIMARY KEY (id),
  KEY orders_customer_idx (customer_id, total),
  CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE,
  CONSTRAINT orders_note_len CHECK (char_length(note) < 150)
) ENGINE=InnoDB;
CREATE TABLE order_items (
  order_id BIGINT UNSIGNED NOT NULL,
  sku VARCHAR(64) NOT NULL,
  qty INT NOT NULL DEFAULT 1,
  PRIMARY KEY (order_id, sku),
  CONSTRAINT order_items_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE RESTRICT
) ENGINE=InnoDB;
CREATE TABLE audit_log (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_id BIGINT UNSIGNED NULL,
  at DATETIME NULL,
  CONSTRAINT audit_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE SET NULL ON UPDATE CASCADE
) ENGINE=InnoDB;
CREATE VIEW customer_totals AS
  SELECT c.id, c.email, SUM(o.total) AS total FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.id, c.email;
CREATE TRIGGER orders_note BEFORE INSERT ON orders FOR EACH ROW SET NEW.note = COALESCE(NEW.note, '');
INSERT INTO customers (email) SELECT CONCAT('c', seq, '@example.com') FROM seq_1_to_2000;
INSERT INTO orders (customer_id, total) SELECT 1 + seq % 2000, seq % 100 FROM seq_1_to_5000;
ANALYZE TABLE customers, orders;
`;

let prepared: Promise<{ server: MariadbServer; root: SchemaSnapshot }> | undefined;

/** The fixture in database `shop`, a SELECT-only user `reader`, and the snapshot read as root (once per file). */
function shop(): Promise<{ server: MariadbServer; root: SchemaSnapshot }> {
  prepared ??= (async () => {
    const server = throwaway.server!;
    server.createDatabase("shop");
    execFileSync(MARIADB_CLIENT!, server.clientArgs("shop"), { input: MYSQL_FIXTURE });
    execFileSync(MARIADB_CLIENT!, server.clientArgs(), { input: "CREATE USER reader@'%'; GRANT SELECT ON shop.* TO reader@'%';" });
    return { server, root: await snapshotFromUrl(server.url("shop").replace("mysql:", "mariadb:")) };
  })();
  return prepared;
}

describe("MySQL/MariaDB snapshot reader", () => {
  it("reads the engine from the server, the estimates, columns, keys, indexes, checks, FKs both ways, the trigger and the view", async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const { server, root: s } = await shop();
    expect(s.engine).toBe("mariadb");
    expect(s.serverVersion.startsWith(server.version)).toBe(true);
    expect(s.schemas).toEqual(["shop"]);
    expect(s.unread).toBeUndefined();
    const orders = findTable(s, "orders")!;
    // InnoDB's estimate after ANALYZE: near 5,000, not a count.
    expect(orders.estimatedRows).toBeGreaterThan(2500);
    expect(orders.estimatedRows).toBeLessThan(10000);
    expect(orders.sizeBytes).toBeGreaterThan(0);
    expect(orders.primaryKey).toEqual({ name: "PRIMARY", columns: ["id"] });
    expect(orders.columns.find((c) => c.name === "id")).toMatchObject({ type: "bigint(20) unsigned", nullable: false, autoIncrement: true, default: null });
    expect(orders.columns.find((c) => c.name === "total_cents")).toMatchObject({ generated: "`total` * 100", default: null });
    expect(orders.columns.find((c) => c.name === "total")).toMatchObject({ type: "decimal(10,2)", default: "0.00" });
    expect(orders.indexes.find((i) => i.name === "orders_customer_idx")).toMatchObject({ columns: ["customer_id", "total"], unique: false, valid: true });
    expect(orders.constraints.filter((c) => c.kind === "check").map((c) => `${c.name}: ${c.definition} [${c.columns}]`)).toEqual([
      "orders_note_len: CHECK (char_length(`note`) < 150) [note]",
      "total: CHECK (`total` >= 0) [total]",
    ]);
    expect(orders.foreignKeys).toEqual([
      expect.objectContaining({ name: "orders_customer_fk", refTable: "shop.customers", columnTypes: ["int(11)"], refColumnTypes: ["int(11)"], onDelete: "cascade" }),
    ]);
    expect(orders.referencedBy.map((f) => `${f.table}.${f.columns} ${f.columnTypes} ${f.onDelete}/${f.onUpdate}`)).toEqual([
      "shop.audit_log.order_id bigint(20) unsigned set null/cascade",
      "shop.order_items.order_id bigint(20) unsigned restrict/restrict",
    ]);
    expect(orders.triggers.map((x) => x.definition)).toEqual(["CREATE TRIGGER orders_note BEFORE INSERT ON orders FOR EACH ROW SET NEW.note = COALESCE(NEW.note, '')"]);
    expect(orders.dependentViews).toEqual(["shop.customer_totals"]);
    const customers = findTable(s, "customers")!;
    expect(customers.columns.find((c) => c.name === "email")).toMatchObject({ type: "varchar(191)", charset: "utf8mb4", collation: null });
    expect(customers.columns.find((c) => c.name === "name")).toMatchObject({ charset: "latin1", collation: "latin1_swedish_ci", nullable: true });
    expect(customers.columns.find((c) => c.name === "status")).toMatchObject({ type: "enum('active','it''s closed')", default: "'active'" });
    expect(customers.indexes.find((i) => i.name === "customers_email_key")).toMatchObject({ unique: true, constraint: "customers_email_key" });
    expect(customers.indexes.find((i) => i.name === "customers_name_prefix")?.definition).toBe("CREATE INDEX customers_name_prefix ON customers (name(10)) USING BTREE");
    expect(findTable(s, "order_items")!.primaryKey).toEqual({ name: "PRIMARY", columns: ["order_id", "sku"] });
    expect(s.views.map((v) => v.name)).toEqual(["customer_totals"]);
    expect(s.names).toContainEqual({ schema: "shop", name: "orders_note", kind: "trigger" });
    expect(s.names).toContainEqual({ schema: "shop", name: "audit_order_fk", kind: "constraint" });
  }, 180_000);

  it("as a user with only SELECT: the same tables, keys and ON DELETE rules, and it says what it could not see", async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const { server, root } = await shop();
    const asReader = await snapshotFromUrl(server.url("shop").replace("root@", "reader@"));
    // MariaDB hides REFERENTIAL_CONSTRAINTS, triggers and view definitions from this user; the rest is equal.
    const visible = (s: SchemaSnapshot) => ({
      ...s,
      source: undefined,
      unread: undefined,
      tables: s.tables.map((x) => ({ ...x, triggers: [], dependentViews: [], estimatedRows: null, sizeBytes: null })),
      views: s.views.map((v) => ({ ...v, definition: "" })),
      names: s.names.filter((n) => n.kind !== "trigger"),
    });
    expect(visible(asReader)).toEqual(visible(root));
    expect(findTable(asReader, "orders")!.referencedBy.map((f) => f.onDelete)).toEqual(["set null", "restrict"]);
    expect(asReader.unread).toEqual([
      "triggers: this user lacks the TRIGGER privilege, without which the server lists none; the plan assumes the tables have none",
      "definitions of the views customer_totals and the tables they read: this user lacks the SHOW VIEW privilege",
    ]);
  }, 180_000);

  it("never writes: the server's general log shows only reads, and its transaction refuses a write", async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const { server } = await shop();
    const admin = await mysql.createConnection(server.options());
    try {
      await admin.query("SET GLOBAL log_output = 'TABLE'; TRUNCATE mysql.general_log; SET GLOBAL general_log = 1");
      await snapshotFromUrl(server.url("shop"));
      await admin.query("SET GLOBAL general_log = 0");
      const [rows] = await admin.query(
        "SELECT CONVERT(argument USING utf8mb4) AS sql_text FROM mysql.general_log WHERE command_type = 'Query' AND thread_id <> CONNECTION_ID() ORDER BY event_time",
      );
      const statements = (rows as { sql_text: string }[]).map((r) => r.sql_text.trim().replace(/\s+/g, " "));
      expect(statements.length).toBeGreaterThan(8);
      expect(statements).toContain("START TRANSACTION READ ONLY");
      expect(statements).toContain("SET SESSION max_statement_time = 5.000");
      const reads = /^(SELECT |SHOW CREATE TABLE |SET SESSION (max_statement_time|lock_wait_timeout) = [\d.]+$|START TRANSACTION READ ONLY$|ROLLBACK$)/;
      expect(statements.filter((s) => !reads.test(s))).toEqual([]);
      // Nothing counts rows: the estimates come from the catalog.
      expect(statements.filter((s) => /count\(/i.test(s))).toEqual([]);
      const query = async (sql: string) => (await admin.query(sql))[0] as Record<string, unknown>[];
      await admin.query("USE shop");
      await expect(inMysqlReadOnlyTransaction(query, {}, () => query("INSERT INTO audit_log (at) VALUES (NOW())"))).rejects.toThrow(/READ ONLY transaction/);
      expect((await query("SELECT COUNT(*) AS n FROM audit_log"))[0].n).toBe(0);
    } finally {
      await admin.query("SET GLOBAL general_log = 0").catch(() => {});
      await admin.end();
    }
  }, 180_000);

  it("plan --database-url mysql:// fills engine, version, rows and the column type from the server, and lists what it could not read", async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const { server } = await shop();
    const file = join(dir, "answers.yaml");
    writeFileSync(file, "operation: add_index\ntable: orders\ncolumns: [{name: note}]\ndowntime_tolerance: none\nrollback_need: phase-level\ntool: raw-sql\n");
    const out = join(dir, "plan");
    const r = runCli(["plan", "--answers", file, "--database-url", server.url("shop").replace("root@", "reader@"), "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const md = readFileSync(join(out, "PLAN.md"), "utf8");
    expect(md).toMatch(/From the database at mysql:\/\/reader@127\.0\.0\.1:\d+\/shop \(MariaDB 10\.11\.\d+-MariaDB/);
    expect(md).toMatch(/- engine version 10\.11\.\d+ \(VERSION\(\)\)/);
    expect(md).toMatch(/- about [\d,]+ rows in orders \(InnoDB's estimate, information\\_schema\.TABLES\.TABLE\\_ROWS; nothing was counted\)/);
    expect(md).toContain("- orders.note is varchar(200)");
    expect(md).toContain("this user lacks the TRIGGER privilege");
    const saved = readFileSync(join(out, "answers.yaml"), "utf8");
    expect(saved).toContain("engine: mariadb");
    // The answers naming the other product is a one-line usage error that writes nothing.
    const wrong = join(dir, "wrong.yaml");
    writeFileSync(wrong, `engine: mysql\n${readFileSync(file, "utf8")}`);
    const refused = runCli(["plan", "--answers", wrong, "--database-url", server.url("shop"), "--out", join(dir, "wrong")]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toMatch(/^.*engine: the answers say mysql, but the schema read is MariaDB$/);
    expect(existsSync(join(dir, "wrong"))).toBe(false);
  }, 180_000);

  it("--schema with a mysqldump --no-data file is refused in one line, pointing at --database-url, and writes nothing", async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const { server } = await shop();
    const dump = join(dir, "shop.sql");
    const bin = MARIADB_CLIENT!.replace(/mariadb$/, "mariadb-dump").replace(/mysql$/, "mysqldump");
    writeFileSync(dump, execFileSync(bin, ["--no-defaults", "-uroot", `--socket=${server.socket}`, "--no-data", "shop"]));
    const file = join(dir, "dump-answers.yaml");
    writeFileSync(file, 'operation: add_index\nengine: mariadb\nengine_version: "10.11"\ntable: orders\ncolumns: [{name: note}]\napprox_rows: 5000\ndowntime_tolerance: none\nrollback_need: phase-level\ntool: raw-sql\n');
    const out = join(dir, "dumped");
    const r = runCli(["plan", "--answers", file, "--schema", dump, "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(`--schema ${dump} is a mysqldump file, which cannot be read exactly here: read the schema from the server instead with --database-url mysql://`);
    expect(existsSync(out)).toBe(false);
  }, 180_000);
});
