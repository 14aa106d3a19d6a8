/**
 * MySQL-family defects found by running plans on a real server: each test runs the plan's SQL on
 * MariaDB (the same rules hold on MySQL 8.0.29+ where named).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { TOOL_RENDERERS } from "../../src/render/tools/index.js";
import { MARIADB_CLIENT, mariadbForFile } from "../support/mariadb-server.js";
import { expectChecks, freshDb, mysqlPlan, phaseOf, runAll, scalar } from "./support.js";

const throwaway = mariadbForFile();

describe.each(["mariadb:10.11", "mysql:8.0.36"])("drop a column that is in an index (%s plan)", (ev) => {
  const [engine, engine_version] = ev.split(":") as ["mariadb" | "mysql", string];
  it("drops single-column indexes first, then the column INSTANT; a multi-column index takes the INPLACE rebuild", async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const db = await freshDb(throwaway.server, `dropcol_${engine}`);
    await db.query("CREATE TABLE users (id BIGINT PRIMARY KEY AUTO_INCREMENT, email VARCHAR(200), name VARCHAR(50), INDEX users_email (email), INDEX users_name_email (name, email))");
    await db.query("INSERT INTO users (email, name) VALUES ('a@x', 'a'), ('b@x', 'b')");
    const plan = mysqlPlan({ engine, engine_version, operation: "drop_column", columns: [{ name: "email" }], rollback_need: "none" });
    const contract = phaseOf(plan, "contract");
    // A plain ALTER ... DROP COLUMN, ALGORITHM=INSTANT is what failed (ERROR 1846) before.
    await expect(db.query("ALTER TABLE users DROP COLUMN email, ALGORITHM=INSTANT")).rejects.toThrow(/ALGORITHM=INSTANT is not supported/);
    await runAll(db, contract.statements);
    await expectChecks(db, contract);
    expect(await scalar(db, "SELECT GROUP_CONCAT(DISTINCT INDEX_NAME ORDER BY INDEX_NAME) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users'")).toBe("PRIMARY,users_name_email");
    // Without the multi-column index, the single-column one is dropped and the column goes instantly.
    await db.query("ALTER TABLE users ADD COLUMN email VARCHAR(200), ADD INDEX users_email (email), DROP INDEX users_name_email");
    await runAll(db, contract.statements);
    await expectChecks(db, contract);
    expect(await scalar(db, "SELECT COUNT(*) FROM users")).toBe(2);
    await db.end();
  });
});

describe("create_table with a foreign key", () => {
  it("writes a table-level FOREIGN KEY clause, so the key exists", async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const db = await freshDb(throwaway.server, "create_fk");
    await db.query("CREATE TABLE customers (id BIGINT PRIMARY KEY)");
    const plan = mysqlPlan({
      operation: "create_table",
      table: "orders",
      columns: [
        { name: "id", type: "bigint", nullable: false },
        { name: "customer_id", type: "bigint", references: "customers(id)" },
      ],
    });
    const create = plan.phases[0];
    expect(create.statements.map((s) => s.sql).join("\n")).toMatch(/FOREIGN KEY \(customer_id\) REFERENCES customers \(id\)/);
    await runAll(db, create.statements);
    await expectChecks(db, create);
    await db.query("INSERT INTO customers VALUES (1)");
    await db.query("INSERT INTO orders VALUES (1, 1)");
    await expect(db.query("INSERT INTO orders VALUES (2, 99)")).rejects.toThrow(/foreign key constraint fails/);
    await db.end();
  });
});

describe("drop_table with referencing tables", () => {
  it("drops the foreign keys by the names MySQL gave them (_ibfk_N), and the rollback re-adds them", async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const db = await freshDb(throwaway.server, "drop_table_fk");
    await db.query("CREATE TABLE log (id BIGINT PRIMARY KEY)");
    await db.query("CREATE TABLE log_refs (id BIGINT PRIMARY KEY, log_id BIGINT, FOREIGN KEY (log_id) REFERENCES log (id))");
    expect(await scalar(db, "SELECT CONSTRAINT_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()")).toBe("log_refs_ibfk_1");
    const plan = mysqlPlan({ operation: "drop_table", table: "log", details: { referenced_by: ["log_refs(log_id)"] } });
    const fks = plan.phases.find((p) => /foreign keys/.test(p.title))!;
    await runAll(db, fks.statements);
    await expectChecks(db, fks);
    await runAll(db, fks.rollback!);
    expect(await scalar(db, "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME = 'log'")).toBe(1);
    await runAll(db, fks.statements);
    await expectChecks(db, fks);
    for (const phase of plan.phases.slice(plan.phases.indexOf(fks) + 1)) {
      await runAll(db, phase.statements);
      await expectChecks(db, phase);
    }
    await db.end();
  });
});

describe("raw-sql on MySQL", () => {
  it("runs with the mysql client as PLAN.md prints it, and an irreversible phase's down file refuses readably", async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const db = await freshDb(throwaway.server, "rawsql");
    await db.query("CREATE TABLE users (id BIGINT PRIMARY KEY, email VARCHAR(200), INDEX (email))");
    const plan = mysqlPlan({ operation: "drop_column", columns: [{ name: "email" }], rollback_need: "none" });
    const out = TOOL_RENDERERS["raw-sql"].render(plan, { now: new Date(0), slug: "drop_email" });
    const dir = mkdtempSync(join(tmpdir(), "mw-rawsql-"));
    for (const f of out.files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    expect(out.files.map((f) => f.content).join("\n")).not.toMatch(/psql|RAISE EXCEPTION|DO \$\$/);
    const contract = plan.phases.find((p) => p.kind === "contract")!;
    const files = out.phases[contract.id];
    expect(files.command).toMatch(/^mysql "\$DATABASE_NAME" < migrations\/\S+\.up\.sql$/);
    const shell = (command: string) =>
      spawnSync("sh", ["-c", command.replace(/^mysql /, `${MARIADB_CLIENT} ${throwaway.server!.clientArgs().join(" ")} `)], {
        cwd: dir,
        env: { ...process.env, DATABASE_NAME: "rawsql" },
        encoding: "utf8",
      });
    const up = shell(files.command);
    expect(up.stderr).toBe("");
    expect(up.status).toBe(0);
    await expectChecks(db, contract);
    const down = shell(`mysql "$DATABASE_NAME" < ${files.files[1]}`);
    expect(down.status).not.toBe(0);
    expect(down.stderr).toMatch(/ERROR 1644 \(45000\).*irreversible: The column's data is deleted/);
    expect(out.notes.join(" ")).toMatch(/commits every DDL statement on its own/);
    await db.end();
    execFileSync("rm", ["-rf", dir]);
  });
});

describe("engine_version without a patch release", () => {
  it('plans "8.0" with 8.0.0\'s rules and says which rules that leaves out', () => {
    const plan = mysqlPlan({ engine: "mysql", engine_version: "8.0", operation: "drop_column", columns: [{ name: "email" }] });
    const note = plan.warnings.find((w) => w.includes('"8.0" has no patch release'));
    expect(note).toMatch(/rules of 8\.0\.0/);
    expect(note).toMatch(/instantDropColumn \(8\.0\.29/);
    expect(plan.phases.find((p) => p.kind === "contract")!.statements.map((s) => s.sql).join("\n")).toMatch(/ALGORITHM=INPLACE, LOCK=NONE/);
    const full = mysqlPlan({ engine: "mysql", engine_version: "8.0.36", operation: "drop_column", columns: [{ name: "email" }] });
    expect(full.warnings.join(" ")).not.toMatch(/patch release/);
    // MariaDB's and MySQL 8.4's rules do not change within a line: a bare minor needs no note.
    for (const [engine, v] of [["mariadb", "10.11"], ["mysql", "8.4"]] as const) {
      expect(mysqlPlan({ engine, engine_version: v, operation: "drop_column", columns: [{ name: "email" }] }).warnings.join(" ")).not.toMatch(/patch release/);
    }
    expect(mysqlPlan({ engine: "mysql", engine_version: "10.1", operation: "drop_column", columns: [{ name: "email" }] }).warnings.join(" ")).toMatch(/newer than the newest line/);
  });
});

describe("large tables with no downtime: gh-ost / pt-online-schema-change where native DDL rebuilds", () => {
  it("gives the exact commands (dry run first, throttled), preconditions and rollback; the --alter clause runs as an ALTER", async (t) => {
    const rebuild = mysqlPlan({ engine: "mysql", engine_version: "5.7.44", operation: "add_column", table: "orders", columns: [{ name: "note", type: "varchar(100)" }], approx_rows: 50_000_000 });
    const advice = rebuild.warnings.find((w) => w.includes("gh-ost --host"));
    expect(advice).toContain("--alter='ADD COLUMN note varchar(100)'");
    expect(advice).toMatch(/without --execute gh-ost only rehearses/);
    expect(advice).toMatch(/--max-lag-millis=1500 --chunk-size=1000/);
    expect(advice).toMatch(/pt-online-schema-change --alter 'ADD COLUMN note varchar\(100\)' .*--dry-run h="\$MYSQL_HOST",u="\$MYSQL_USER",D="\$MYSQL_DATABASE",t=orders/);
    expect(advice).toMatch(/answer online_ddl_tool/);
    expect(advice).toMatch(/binlog_format=ROW.*no foreign keys.*no triggers/);
    expect(advice).toMatch(/_orders_del|_<table>_del/);
    // Instant changes and tables that may block briefly get no such advice.
    expect(mysqlPlan({ engine: "mysql", engine_version: "8.0.36", operation: "add_column", table: "orders", columns: [{ name: "note", type: "varchar(100)" }], approx_rows: 50_000_000 }).warnings.join(" ")).not.toMatch(/gh-ost --host/);
    expect(mysqlPlan({ engine: "mysql", engine_version: "5.7.44", operation: "add_column", table: "orders", columns: [{ name: "note", type: "varchar(100)" }], approx_rows: 5_000 }).warnings.join(" ")).not.toMatch(/gh-ost --host/);
    const maria = mysqlPlan({ operation: "change_column_type", table: "orders", columns: [{ name: "amount", type: "int" }], details: { new_type: "bigint" }, approx_rows: 50_000_000 });
    expect(maria.warnings.join(" ")).not.toMatch(/gh-ost --host/);
    if (!throwaway.server) return t.skip(throwaway.skip);
    const db = await freshDb(throwaway.server, "ghost_clause");
    await db.query("CREATE TABLE orders (id BIGINT PRIMARY KEY)");
    const clause = /--alter='([^']+)'/.exec(advice!)![1];
    await db.query(`ALTER TABLE orders ${clause}`);
    expect(await scalar(db, "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'orders' AND COLUMN_NAME = 'note'")).toBe(1);
    await db.end();
  });
});
