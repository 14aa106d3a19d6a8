/**
 * MySQL's dedup before a unique index, on a real MariaDB, with a child table whose foreign key is ON DELETE
 * CASCADE, while the application keeps inserting child rows, half of them naming a copy the dedup removes. No
 * committed child row may disappear: a row written before the copies are locked is re-pointed to the kept row;
 * an insert that arrives after waits for the phase, then fails on its foreign key (error 1452: the row it names
 * is gone) rather than being inserted and then deleted by the cascade.
 */
import mysql from "mysql2/promise";
import { describe, expect, it } from "vitest";
import { mariadbForFile } from "../support/mariadb-server.js";
import { freshDb, mysqlPlan, runAll, scalar } from "./support.js";

const ROWS = 100_000;
const WORKERS = 4;
const throwaway = mariadbForFile();

interface Inserts {
  /** Child row id -> the user id it was inserted with, for every committed insert. */
  committed: Map<number, number>;
  failures: { errno: number; userId: number; message: string }[];
}

/** Workers inserting child rows for users 1..5000 in turn, every other one naming a copy (id % 5 = 0). */
async function startInserts(options: mysql.ConnectionOptions): Promise<{ stop: () => Promise<Inserts> }> {
  const out: Inserts = { committed: new Map(), failures: [] };
  let running = true;
  const conns = await Promise.all(Array.from({ length: WORKERS }, () => mysql.createConnection(options)));
  const loops = conns.map(async (c, k) => {
    for (let n = 0; running; n++) {
      const base = 1 + ((n * WORKERS + k) % 1000) * 5; // 1, 6, 11, ...: the kept row of the pair (base + 3, base + 4)
      const userId = n % 2 === 0 ? base + 4 : base; // base + 4 is a multiple of 5: a copy
      try {
        const [r] = (await c.query(`INSERT INTO user_events (user_id, n) VALUES (${userId}, ${n + 1})`)) as unknown as [{ insertId: number }];
        out.committed.set(Number(r.insertId), userId);
      } catch (e) {
        const err = e as { errno?: number; message?: string };
        out.failures.push({ errno: err.errno ?? 0, userId, message: err.message ?? String(e) });
      }
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      await Promise.all(conns.map((c) => c.end().catch(() => {})));
      return out;
    },
  };
}

describe("MySQL dedup with an ON DELETE CASCADE child under inserts", () => {
  it("no committed child row is deleted: re-pointed to the kept row, or the insert fails on its key", { timeout: 120_000 }, async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const server = throwaway.server;
    const admin = await freshDb(server, "dedup_cascade");
    const plan = mysqlPlan({
      operation: "add_unique_constraint",
      columns: [{ name: "email", type: "varchar(64)" }],
      details: { constraint_name: "users_email_key", dedup: "keep-oldest", referenced_by: ["user_events(user_id)"] },
    });
    // Every fifth user is a copy of the one before it (same email): keep-oldest keeps id - 1.
    await admin.query(`CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(64) NULL)`);
    await admin.query(`INSERT INTO users SELECT seq, CONCAT('u', IF(seq % 5 = 0, seq - 1, seq), '@example.com') FROM seq_1_to_${ROWS}`);
    await admin.query(`CREATE TABLE user_events (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id INT NOT NULL, n INT NOT NULL, KEY (user_id), FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE)`);
    await admin.query(`INSERT INTO user_events (user_id, n) SELECT seq, 0 FROM seq_1_to_${ROWS}`);
    const dedup = plan.phases.find((p) => p.statements.some((s) => /dedup_map/.test(s.sql) && /^DELETE t FROM users/m.test(s.sql)));
    expect(dedup, "a phase that deletes the copies").toBeDefined();
    const migration = await mysql.createConnection(server.options("dedup_cascade"));
    const app = await startInserts(server.options("dedup_cascade"));
    let inserts: Inserts;
    try {
      await new Promise((r) => setTimeout(r, 200));
      await runAll(migration, dedup!.statements);
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      inserts = await app.stop();
      await migration.end().catch(() => {});
    }
    const [mapRows] = (await admin.query("SELECT dup_id FROM users_dedup_map")) as unknown as [{ dup_id: number }[]];
    const copies = new Set(mapRows.map((r) => Number(r.dup_id)));
    expect(copies.size).toBe(ROWS / 5);
    const [rows] = (await admin.query("SELECT id, user_id FROM user_events WHERE n > 0")) as unknown as [{ id: number; user_id: number }[]];
    const present = new Map(rows.map((r) => [Number(r.id), Number(r.user_id)]));
    const deleted = [...inserts.committed.keys()].filter((id) => !present.has(id));
    const preloaded = Number(await scalar(admin, "SELECT COUNT(*) FROM user_events WHERE n = 0"));
    // A committed row that named a copy now names the row kept for its key (keep-oldest: the copy's id - 1).
    const wrongTarget = [...inserts.committed].filter(([id, user]) => present.has(id) && present.get(id) !== (copies.has(user) ? user - 1 : user));
    const onCopies = [...inserts.committed.values()].filter((u) => copies.has(u)).length;
    console.log(
      `MySQL dedup under inserts: ${inserts.committed.size} committed (${onCopies} naming a copy), ${inserts.failures.length} failed ` +
        `(${[...new Set(inserts.failures.map((f) => f.errno))].join(", ") || "none"}), ${deleted.length} committed rows deleted`,
    );
    await admin.end();
    expect(onCopies).toBeGreaterThan(0);
    expect(deleted).toEqual([]);
    // Each preloaded event of a copy was re-pointed, none deleted.
    expect(preloaded).toBe(ROWS);
    expect(wrongTarget).toEqual([]);
    // The only failures allowed: inserts naming a copy, refused by the foreign key once the copy is gone (1452).
    expect(inserts.failures.filter((f) => f.errno !== 1452 || !copies.has(f.userId))).toEqual([]);
  });
});
