/**
 * The dedup before a unique constraint, on a real PostgreSQL server, with a child table whose foreign key is
 * ON DELETE CASCADE and that the answers do not name (the plan finds it in the catalog), while the
 * application keeps inserting child rows, some of them pointing at the copies being removed. No committed
 * child row may disappear: a row written before the copies are locked is re-pointed to the kept row; an
 * insert that arrives after waits, then fails on its foreign key (loudly: the row it names is gone) rather
 * than being inserted and then deleted by the cascade.
 */
import { describe, expect, it } from "vitest";
import type { PlanAnswers } from "../../src/answers/schema.js";
import { fixtureSql } from "../../src/verify/fixture.js";
import { connect, loopWorkers, pgForFile, pgPlan, runStatements, sleep } from "./support.js";

const ROWS = 100_000;
const WORKERS = 4;

const db = pgForFile();

interface Inserts {
  /** Child row id -> the user id it was inserted with, for every committed insert. */
  committed: Map<number, number>;
  failures: { code: string; userId: number; message: string }[];
}

/** Workers inserting child rows for users 1..5000, every other one pointing at a copy the dedup removes (id % 5 = 0). */
function startInserts(url: string): { stop: () => Promise<Inserts> } {
  const out: Inserts = { committed: new Map(), failures: [] };
  const workers = loopWorkers(url, WORKERS, 1, async (c, k, n) => {
    const base = 1 + ((n * WORKERS + k) % 1000) * 5; // 1, 6, 11, ...: row g - 1 of the pair (g - 1, g)
    const userId = n % 2 === 0 ? base + 4 : base; // base + 4 is a multiple of 5: a copy
    try {
      const r = await c.query(`INSERT INTO user_events (user_id, n) VALUES (${userId}, ${n}) RETURNING id`);
      out.committed.set(Number(r.rows[0].id), userId);
    } catch (e) {
      const err = e as { code?: string; message?: string };
      out.failures.push({ code: err.code ?? "", userId, message: err.message ?? String(e) });
    }
  });
  return { stop: async () => (await workers.stop(), out) };
}

describe("dedup with an ON DELETE CASCADE child under inserts", () => {
  it("no committed child row is deleted: re-pointed to the kept row, or the insert fails on its key", async (ctx) => {
    if (!db.server) ctx.skip("Debian's postgresql package is not installed");
    // keep-oldest with no referenced_by: the child must be found in the catalog.
    const plan = pgPlan(
      { operation: "add_unique_constraint", table: "users", columns: [{ name: "email", type: "text" }], details: { constraint_name: "users_email_key", dedup: "keep-oldest" } },
      db.server!.major,
    );
    await db.admin.query("RESET ALL; DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
    for (const sql of fixtureSql(plan.answers as PlanAnswers, ROWS)) await db.admin.query(sql);
    await db.admin.query("CREATE TABLE user_events (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE, n bigint)");
    await db.admin.query(`INSERT INTO user_events (user_id, n) SELECT g, 0 FROM generate_series(1, ${ROWS}) g`);
    await db.admin.query("CREATE INDEX ON user_events (user_id)");
    await db.admin.query("VACUUM ANALYZE");
    const dedup = plan.phases.find((p) => p.statements.some((s) => /dedup_map/.test(s.sql) && /^DELETE FROM users/m.test(s.sql)));
    expect(dedup, "a phase that deletes the copies").toBeDefined();
    const migration = await connect(db.server!.url, "migration");
    const app = startInserts(db.server!.url);
    let inserts: Inserts;
    try {
      await sleep(200);
      await runStatements(migration, dedup!.statements);
      await sleep(200);
    } finally {
      inserts = await app.stop();
      await migration.end().catch(() => {});
    }
    const copies = new Set(((await db.admin.query("SELECT dup_id FROM users_dedup_map")).rows as { dup_id: string }[]).map((r) => Number(r.dup_id)));
    expect(copies.size).toBeGreaterThan(1000);
    const present = new Map(
      ((await db.admin.query("SELECT id, user_id FROM user_events WHERE n > 0")).rows as { id: string; user_id: string }[]).map((r) => [Number(r.id), Number(r.user_id)]),
    );
    const deleted = [...inserts.committed.keys()].filter((id) => !present.has(id));
    const preloaded = (await db.admin.query("SELECT count(*)::int AS c FROM user_events WHERE n = 0")).rows[0].c;
    const dangling = (await db.admin.query("SELECT count(*)::int AS c FROM user_events e LEFT JOIN users u ON u.id = e.user_id WHERE u.id IS NULL")).rows[0].c;
    // A committed row that named a copy now names the row kept for its key (keep-oldest: the copy's id - 1).
    const wrongTarget = [...inserts.committed].filter(([id, user]) => present.has(id) && present.get(id) !== (copies.has(user) ? user - 1 : user));
    const onCopies = [...inserts.committed.values()].filter((u) => copies.has(u)).length;
    console.log(
      `dedup under inserts: ${inserts.committed.size} committed (${onCopies} naming a copy), ${inserts.failures.length} failed ` +
        `(${[...new Set(inserts.failures.map((f) => f.code))].join(", ") || "none"}), ${deleted.length} committed rows deleted`,
    );
    expect(onCopies).toBeGreaterThan(0);
    expect(deleted).toEqual([]);
    expect(preloaded).toBe(ROWS);
    expect(dangling).toBe(0);
    expect(wrongTarget).toEqual([]);
    // The only failures allowed: inserts naming a copy, refused by the foreign key once the copy is gone.
    expect(inserts.failures.filter((f) => f.code !== "23503" || !copies.has(f.userId))).toEqual([]);
  }, 90_000);
});
