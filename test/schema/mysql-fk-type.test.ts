/**
 * MySQL-family change_column_type planned from a snapshot of a real MariaDB 10.11 (read through --database-url's
 * reader): an AUTO_INCREMENT int primary key with two child tables whose foreign keys reference it (ON DELETE
 * CASCADE, ON DELETE SET NULL). The whole plan is applied, each phase rolled back, and applied again while a second
 * connection inserts and updates rows in the parent and both children; every ALTER runs with its own ALGORITHM and
 * LOCK clauses, so a wrong claim fails on the server. Also the VARCHAR length-byte boundary by charset.
 */
import mysql from "mysql2/promise";
import { describe, expect, it } from "vitest";
import { mariadbForFile } from "../support/mariadb-server.js";
import { planFor, run, typeOf } from "./mysql-plan.js";

const throwaway = mariadbForFile();

const SCHEMA = `
CREATE TABLE accounts (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL) ENGINE=InnoDB;
CREATE TABLE orders (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id INT NOT NULL,
  amount INT NOT NULL,
  CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB;
CREATE TABLE notes (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id INT NULL,
  body VARCHAR(50),
  CONSTRAINT notes_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE SET NULL
) ENGINE=InnoDB;
INSERT INTO accounts (name) SELECT CONCAT('a', seq) FROM seq_1_to_3000;
INSERT INTO orders (account_id, amount) SELECT 1 + seq % 3000, seq % 100 FROM seq_1_to_60000;
INSERT INTO notes (account_id, body) SELECT 1 + seq % 3000, CONCAT('n', seq) FROM seq_1_to_20000;
ANALYZE TABLE accounts, orders, notes;
`;

type Conn = mysql.Connection;
type Rows = Map<string, string>;

async function state(c: Conn): Promise<{ accounts: Rows; orders: Rows; notes: Rows }> {
  const read = async (sql: string) => new Map(((await c.query(sql))[0] as { id: unknown; v: unknown }[]).map((r) => [String(r.id), String(r.v)] as [string, string]));
  return {
    accounts: await read("SELECT id, name AS v FROM accounts"),
    orders: await read("SELECT id, CONCAT(account_id, ':', amount) AS v FROM orders"),
    notes: await read("SELECT id, CONCAT(COALESCE(account_id, '-'), ':', body) AS v FROM notes"),
  };
}

/** A bounded writer on its own connection that inserts and updates parent and children and records what it wrote. */
async function startWriter(c: Conn, maxOps = 20_000) {
  const expected = await state(c);
  const failures: string[] = [];
  let ops = 0;
  let stopping = false;
  const pick = (m: Rows) => [...m.keys()][Math.floor(Math.random() * m.size)];
  const insertId = async (sql: string) => String(((await c.query(sql))[0] as mysql.ResultSetHeader).insertId);
  const loop = (async () => {
    while (!stopping && ops < maxOps) {
      const k = ops % 5;
      try {
        if (k === 0) expected.accounts.set(await insertId(`INSERT INTO accounts (name) VALUES ('w${ops}')`), `w${ops}`);
        else if (k === 1) {
          const a = pick(expected.accounts);
          expected.orders.set(await insertId(`INSERT INTO orders (account_id, amount) VALUES (${a}, ${ops % 100})`), `${a}:${ops % 100}`);
        } else if (k === 2) {
          const a = pick(expected.accounts);
          expected.notes.set(await insertId(`INSERT INTO notes (account_id, body) VALUES (${a}, 'w${ops}')`), `${a}:w${ops}`);
        } else if (k === 3) {
          const o = pick(expected.orders);
          await c.query(`UPDATE orders SET amount = ${ops % 100} WHERE id = ${o}`);
          expected.orders.set(o, `${expected.orders.get(o)!.split(":")[0]}:${ops % 100}`);
        } else {
          const n = pick(expected.notes);
          const a = pick(expected.accounts);
          await c.query(`UPDATE notes SET account_id = ${a} WHERE id = ${n}`);
          expected.notes.set(n, `${a}:${expected.notes.get(n)!.split(":").slice(1).join(":")}`);
        }
      } catch (e) {
        failures.push(`op ${ops}: ${(e as Error).message}`);
      }
      ops++;
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  return {
    get ops() {
      return ops;
    },
    failures,
    expected,
    async stop() {
      stopping = true;
      await loop;
    },
  };
}

describe("MySQL-family change_column_type with foreign keys, from the schema, under concurrent writes", () => {
  it("converts accounts.id and both referencing columns to bigint; FKs back with their rules; every phase rolls back; nothing is lost", async (ctx) => {
    if (!throwaway.server) return ctx.skip(throwaway.skip);
    const server = throwaway.server;
    server.createDatabase("fk");
    const conn = await mysql.createConnection(server.options("fk"));
    const writerConn = await mysql.createConnection(server.options("fk"));
    try {
      await conn.query(SCHEMA);
      const plan = await planFor(server.url("fk"), "accounts", "id", "bigint");
      const sql = plan.phases.flatMap((p) => [...p.statements, ...(p.rollback ?? [])].map((s) => s.sql)).filter((s) => /^ALTER TABLE/.test(s));
      for (const s of sql) expect(s, "every ALTER names its algorithm and lock").toMatch(/ALGORITHM=\w+, LOCK=\w+;$/);
      expect(sql.join("\n")).toContain("ALTER TABLE accounts MODIFY COLUMN id bigint NOT NULL AUTO_INCREMENT, ALGORITHM=COPY, LOCK=SHARED;");
      expect(sql.join("\n")).toContain("ALTER TABLE orders MODIFY COLUMN account_id bigint NOT NULL, ALGORITHM=COPY, LOCK=SHARED;");
      expect(sql.join("\n")).toContain("ON DELETE CASCADE");
      expect(sql.join("\n")).toContain("ON DELETE SET NULL");
      expect(plan.warnings.join("\n")).not.toMatch(/create the matching ones/);

      const writer = await startWriter(writerConn);
      const started = Date.now();
      const n = plan.phases.length;
      for (let i = 0; i < n; i++) await run(conn, plan, "statements", i);
      for (let i = n - 1; i >= 0; i--) await run(conn, plan, "rollback", i);
      for (const [t, c] of [["accounts", "id"], ["orders", "account_id"], ["notes", "account_id"]]) expect(await typeOf(conn, t, c), `${t}.${c} after the rollback`).toBe("int");
      for (let i = 0; i < n; i++) await run(conn, plan, "statements", i);
      await writer.stop();
      const seconds = (Date.now() - started) / 1000;
      console.log(`MariaDB FK type change: ${n} phases applied, rolled back, applied again in ${seconds.toFixed(1)} s; ${writer.ops} concurrent writes, ${writer.failures.length} failed`);
      expect(writer.failures).toEqual([]);
      expect(writer.ops).toBeGreaterThan(20);

      for (const [t, c] of [["accounts", "id"], ["orders", "account_id"], ["notes", "account_id"]]) expect(await typeOf(conn, t, c), `${t}.${c}`).toBe("bigint");
      const [fks] = await conn.query("SELECT CONSTRAINT_NAME AS name, DELETE_RULE AS rule FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY 1");
      expect(fks).toEqual([{ name: "notes_account_fk", rule: "SET NULL" }, { name: "orders_account_fk", rule: "CASCADE" }]);
      const actual = await state(conn);
      expect(actual.accounts).toEqual(writer.expected.accounts);
      expect(actual.orders).toEqual(writer.expected.orders);
      expect(actual.notes).toEqual(writer.expected.notes);
      console.log(`every row compared with what the writer wrote: ${actual.accounts.size} accounts, ${actual.orders.size} orders, ${actual.notes.size} notes`);

      // Enforced: an order for a missing account is refused; past 2^31 works; the cascade and SET NULL still act.
      await expect(conn.query("INSERT INTO orders (account_id, amount) VALUES (999999999, 1)")).rejects.toThrow(/foreign key constraint fails/);
      await conn.query("INSERT INTO accounts (id, name) VALUES (2147483653, 'big')");
      await conn.query("INSERT INTO orders (account_id, amount) VALUES (2147483653, 5)");
      await conn.query("INSERT INTO notes (account_id, body) VALUES (2147483653, 'big')");
      await conn.query("INSERT INTO accounts (name) VALUES ('after')");
      const [[after]] = (await conn.query("SELECT MAX(id) AS id FROM accounts")) as unknown as [{ id: string | number }[]];
      expect(BigInt(after.id)).toBeGreaterThan(2n ** 31n);
      await conn.query("DELETE FROM accounts WHERE id = 2147483653");
      const [[left]] = (await conn.query("SELECT (SELECT COUNT(*) FROM orders WHERE account_id = 2147483653) AS o, (SELECT COUNT(*) FROM notes WHERE body = 'big' AND account_id IS NULL) AS n")) as unknown as [{ o: number; n: number }[]];
      expect([Number(left.o), Number(left.n)]).toEqual([0, 1]);
    } finally {
      await writerConn.end();
      await conn.end();
    }
  }, 300_000);

  it("refuses, in one line, to convert a foreign-key column when writes may not be blocked", async (ctx) => {
    if (!throwaway.server) return ctx.skip(throwaway.skip);
    const server = throwaway.server;
    server.createDatabase("fk_refuse");
    const conn = await mysql.createConnection(server.options("fk_refuse"));
    try {
      await conn.query(SCHEMA);
      await expect(planFor(server.url("fk_refuse"), "accounts", "id", "bigint", "none")).rejects.toThrow(/^accounts\.id is joined by foreign keys \(notes_account_fk .*orders_account_fk .*pt-online-schema-change[^\n]*$/);
      await expect(planFor(server.url("fk_refuse"), "orders", "account_id", "bigint")).rejects.toThrow(/^orders\.account_id references fk_refuse\.accounts\.id \(int(\(11\))?\) through orders_account_fk.*change fk_refuse\.accounts\.id to bigint first[^\n]*$/);
    } finally {
      await conn.end();
    }
  }, 120_000);

  it("claims INPLACE for VARCHAR growth only while both lengths stay on one side of 255 bytes, by the column's charset", async (ctx) => {
    if (!throwaway.server) return ctx.skip(throwaway.skip);
    const server = throwaway.server;
    server.createDatabase("vc");
    const conn = await mysql.createConnection(server.options("vc"));
    try {
      await conn.query(`CREATE TABLE t (id INT PRIMARY KEY, u VARCHAR(50) CHARACTER SET utf8mb4, l VARCHAR(200) CHARACTER SET latin1, s VARCHAR(50) CHARACTER SET latin1) ENGINE=InnoDB;
        INSERT INTO t SELECT seq, CONCAT('u', seq), CONCAT('l', seq), CONCAT('s', seq) FROM seq_1_to_500;`);
      const cases: [string, string, string, RegExp][] = [
        ["u", "varchar(100)", "COPY", /u is utf8mb4 \(4 bytes per character\): varchar\(50\) holds up to 200 bytes, varchar\(100\) up to 400/],
        ["l", "varchar(300)", "COPY", /l is latin1 \(1 byte per character\): varchar\(200\) holds up to 200 bytes, varchar\(300\) up to 300/],
        ["s", "varchar(100)", "INPLACE", /s is latin1 \(1 byte per character\): varchar\(50\) holds up to 50 bytes, varchar\(100\) up to 100;/],
      ];
      for (const [column, to, algorithm, note] of cases) {
        const plan = await planFor(server.url("vc"), "t", column, to, "seconds");
        const statements = plan.phases.flatMap((p) => p.statements).filter((s) => /^ALTER TABLE/.test(s.sql));
        expect(statements.map((s) => s.sql.replace(/.*ALGORITHM=/, ""))).toEqual([`${algorithm}, LOCK=${algorithm === "COPY" ? "SHARED" : "NONE"};`]);
        expect(plan.warnings.join("\n")).toMatch(note);
        for (const s of statements) await conn.query(s.sql); // the server holds the plan to its claim
        expect(await typeOf(conn, "t", column)).toBe("varchar");
      }
    } finally {
      await conn.end();
    }
  }, 120_000);
});
