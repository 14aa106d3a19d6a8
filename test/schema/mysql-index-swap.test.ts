/**
 * MySQL-family change_column_type by a new column and a swap, planned from a snapshot of a real MariaDB 10.11: the
 * column has a unique key and is the prefix-indexed second part of a composite index. The plan builds both on the
 * new column before the swap, the swap leaves them under their original names on the live column, the rollback
 * undoes it and the old indexes go with the old column. Applied phase by phase while a second connection writes,
 * rolled back newest first, applied again; every ALTER carries its ALGORITHM and LOCK, so the server holds the
 * plan to its claims.
 */
import mysql from "mysql2/promise";
import { describe, expect, it } from "vitest";
import { mariadbForFile } from "../support/mariadb-server.js";
import { planFor, run } from "./mysql-plan.js";

const throwaway = mariadbForFile();

const SCHEMA = `
CREATE TABLE people (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  team INT NOT NULL,
  email VARCHAR(60) NOT NULL,
  UNIQUE KEY people_email_uq (email),
  KEY people_team_email_idx (team, email(12))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO people (team, email) SELECT seq % 50, CONCAT('p', seq, '@example.com') FROM seq_1_to_20000;
ANALYZE TABLE people;
`;

type Conn = mysql.Connection;

const indexes = async (c: Conn) =>
  ((await c.query("SHOW INDEX FROM people"))[0] as Record<string, unknown>[])
    .map((r) => `${r.Key_name} ${r.Seq_in_index} ${r.Column_name}${r.Sub_part === null ? "" : `(${r.Sub_part})`}${Number(r.Non_unique) ? "" : " unique"}`)
    .sort();

const rows = async (c: Conn) => new Map(((await c.query("SELECT id, CONCAT(team, ':', email) AS v FROM people"))[0] as { id: number; v: string }[]).map((r) => [String(r.id), r.v]));

const checksum = async (c: Conn) => ((await c.query("SELECT COUNT(*) AS n, SUM(CRC32(CONCAT(id, ':', team, ':', email))) AS crc FROM people"))[0] as { n: number; crc: string }[])[0];

const columnType = async (c: Conn, column: string) =>
  ((await c.query("SELECT COLUMN_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'people' AND COLUMN_NAME = ?", [column]))[0] as { t: string }[])[0]?.t;

/**
 * Inserts and updates (email and team) on its own connection, recording what it wrote. The swap's documented race (a
 * write between its ALTER and the replaced triggers fails: the old triggers name a column gone, or the other column
 * has no trigger filling it yet) is retried as the plan says; any other failed write fails the test.
 */
async function startWriter(c: Conn, maxOps = 20_000) {
  const expected = await rows(c);
  const failures: string[] = [];
  let ops = 0;
  let retries = 0;
  let stopping = false;
  const pick = () => [...expected.keys()][Math.floor(Math.random() * expected.size)];
  const once = async (n: number) => {
    const k = n % 3;
    if (k === 0) {
      const [r] = await c.query(`INSERT INTO people (team, email) VALUES (${n % 50}, 'w${n}@example.com')`);
      expected.set(String((r as mysql.ResultSetHeader).insertId), `${n % 50}:w${n}@example.com`);
    } else {
      const id = pick();
      const [team, email] = expected.get(id)!.split(":");
      const next = k === 1 ? `${team}:u${n}@example.com` : `${n % 50}:${email}`;
      await c.query(k === 1 ? `UPDATE people SET email = 'u${n}@example.com' WHERE id = ${id}` : `UPDATE people SET team = ${n % 50} WHERE id = ${id}`);
      expected.set(id, next);
    }
  };
  const loop = (async () => {
    while (!stopping && ops < maxOps) {
      for (let attempt = 0; ; attempt++) {
        try {
          await once(ops);
          break;
        } catch (e) {
          const message = (e as Error).message;
          if (/^(Unknown column '(email_new|email_old)' in 'NEW'|Field 'email_(old|new)' doesn't have a default value)/.test(message) && attempt < 50) {
            retries++;
            await new Promise((r) => setTimeout(r, 2));
            continue;
          }
          failures.push(`op ${ops}: ${message}`);
          break;
        }
      }
      ops++;
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  return {
    get ops() {
      return ops;
    },
    get retries() {
      return retries;
    },
    failures,
    expected,
    async stop() {
      stopping = true;
      await loop;
    },
  };
}

describe("MySQL-family change_column_type moves the column's indexes, from the schema, under concurrent writes", () => {
  it("builds the unique key and the composite prefix index on the new column, swaps their names in, rolls back, and drops the old ones", async (ctx) => {
    if (!throwaway.server) return ctx.skip(throwaway.skip);
    const server = throwaway.server;
    server.createDatabase("ix");
    const conn = await mysql.createConnection(server.options("ix"));
    const writerConn = await mysql.createConnection(server.options("ix"));
    try {
      await conn.query(SCHEMA);
      const before = await indexes(conn);
      const plan = await planFor(server.url("ix"), "people", "email", "varchar(200)", "none");
      const sql = plan.phases.flatMap((p) => [...p.statements, ...(p.rollback ?? [])].map((s) => s.sql));
      for (const s of sql.filter((x) => /^ALTER TABLE/.test(x))) expect(s, "every ALTER names its algorithm").toMatch(/ALGORITHM=\w+(, LOCK=\w+)?;$/);
      expect(sql.join("\n")).toContain("ADD UNIQUE INDEX people_email_new_uq (email_new), ADD INDEX people_team_email_new_idx (team, email_new(12)), ALGORITHM=INPLACE, LOCK=NONE;");
      expect(plan.warnings.join("\n")).not.toMatch(/create the matching ones/);

      const writer = await startWriter(writerConn);
      const started = Date.now();
      const n = plan.phases.length;
      expect(plan.phases[n - 1].irreversible, "the last phase drops the old column").toBeTruthy();
      for (let i = 0; i < n - 1; i++) await run(conn, plan, "statements", i);
      expect(await indexes(conn)).toContain("people_email_old_uq 1 email_old unique");
      for (let i = n - 2; i >= 0; i--) await run(conn, plan, "rollback", i);
      expect(await indexes(conn), "after the rollback").toEqual(before);
      expect(await columnType(conn, "email")).toBe("varchar(60)");
      for (let i = 0; i < n; i++) await run(conn, plan, "statements", i);
      await writer.stop();
      const seconds = (Date.now() - started) / 1000;
      console.log(`MariaDB index swap: ${n} phases applied, ${n - 1} rolled back, all applied again in ${seconds.toFixed(1)} s; ${writer.ops} concurrent writes, ${writer.failures.length} failed, ${writer.retries} retried (the swap's documented race)`);
      expect(writer.failures).toEqual([]);
      expect(writer.ops).toBeGreaterThan(20);

      expect(await indexes(conn), "the same indexes, names and prefix lengths as at the start").toEqual(before);
      expect(await columnType(conn, "email")).toBe("varchar(200)");
      expect(await columnType(conn, "email_old")).toBeUndefined();
      const actual = await rows(conn);
      expect(actual).toEqual(writer.expected);
      const sum = await checksum(conn);
      console.log(`every row compared with what the writer wrote: ${sum.n} rows, CRC32 sum ${sum.crc}`);
      await expect(conn.query("INSERT INTO people (team, email) VALUES (1, 'p1@example.com')")).rejects.toThrow(/Duplicate entry/);
      await conn.query(`INSERT INTO people (team, email) VALUES (1, '${"x".repeat(150)}')`);
    } finally {
      await writerConn.end();
      await conn.end();
    }
  }, 300_000);

  it("refuses, in one line, an index the new type cannot hold (prefix, whole TEXT, key too long) or that cannot be built without blocking writes", async (ctx) => {
    if (!throwaway.server) return ctx.skip(throwaway.skip);
    const server = throwaway.server;
    server.createDatabase("ix_refuse");
    const conn = await mysql.createConnection(server.options("ix_refuse"));
    try {
      await conn.query(`${SCHEMA}
        CREATE TABLE docs (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, body VARCHAR(200) NOT NULL, FULLTEXT KEY docs_body_ft (body)) ENGINE=InnoDB;
        INSERT INTO docs (body) VALUES ('a b c');`);
      const url = server.url("ix_refuse");
      await expect(planFor(url, "people", "email", "int", "none")).rejects.toThrow(/^index people_team_email_idx holds the first 12 characters of email, which a int column cannot keep: change that index first$/);
      await expect(planFor(url, "people", "email", "varchar(1000)", "none")).rejects.toThrow(/^index people_email_uq holds email whole, and varchar\(1000\) can take 4000 bytes, more than InnoDB's 3072-byte key[^\n]*$/);
      await expect(planFor(url, "people", "email", "text", "none")).rejects.toThrow(/^index people_email_uq holds email whole, and a text column can only be indexed by a prefix[^\n]*$/);
      await expect(planFor(url, "docs", "body", "varchar(100)", "none")).rejects.toThrow(/^FULLTEXT index docs_body_ft on body cannot be built without blocking writes[^\n]*$/);
    } finally {
      await conn.end();
    }
  }, 120_000);
});
