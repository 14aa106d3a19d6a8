/**
 * The type-change swap and its rollback under an application that writes the swapped-in column, on a real
 * PostgreSQL server. While swapped, the application writes `amount` (the new bigint column) and inserts
 * rows; then `switch` is rolled back while it keeps writing. Every value a committed transaction wrote must
 * be in the restored `amount` (the old integer column) afterwards: the reverse sync trigger keeps the old
 * column current from the moment of the swap, and the rollback locks first, copies what is left and swaps
 * in one short transaction, so no write falls between a copy and the swap. No application transaction may
 * fail, and none may wait longer than the bound.
 */
import { describe, expect, it } from "vitest";
import type { PlanAnswers } from "../../src/answers/schema.js";
import { fixtureSql } from "../../src/verify/fixture.js";
import { connect, loopWorkers, pgForFile, pgPlan, runStatements, sleep } from "./support.js";

const ROWS = 100_000;
const WORKERS = 4;
const MAX_LATENCY_MS = 1000;

const db = pgForFile();

interface Writes {
  transactions: number;
  failures: string[];
  maxLatencyMs: number;
  /** Per row id, the last amount a committed transaction wrote (inserted rows included). */
  last: Map<number, number>;
}

/** Workers that update `amount` on their own rows of 1..2000 and insert new rows, whatever the column is at the time. */
function startWriters(url: string): { stop: () => Promise<Writes> } {
  const out: Writes = { transactions: 0, failures: [], maxLatencyMs: 0, last: new Map() };
  const workers = loopWorkers(url, WORKERS, 2, async (c, k, n) => {
    const id = 1 + ((n * WORKERS + k) % 2000);
    // Values fit an integer, so the reverse sync can always carry them back.
    const value = k * 100_000_000 + n;
    const t0 = performance.now();
    try {
      await c.query("BEGIN");
      await c.query(`UPDATE orders SET amount = ${value} WHERE id = ${id}`);
      const ins = n % 4 === 0 ? await c.query(`INSERT INTO orders (amount) VALUES (${value + 1}) RETURNING id`) : undefined;
      await c.query("COMMIT");
      out.last.set(id, value);
      if (ins) out.last.set(Number(ins.rows[0].id), value + 1);
      out.transactions++;
    } catch (e) {
      await c.query("ROLLBACK").catch(() => {});
      const err = e as { code?: string; message?: string };
      out.failures.push(`${err.code ?? ""} ${err.message ?? String(e)}`.trim());
    }
    out.maxLatencyMs = Math.max(out.maxLatencyMs, performance.now() - t0);
  });
  return { stop: async () => (await workers.stop(), out) };
}

describe("change_column_type: writes to the swapped-in column survive the switch rollback", () => {
  it("no committed write is lost while swapped and during the rollback, no transaction fails, latency bounded", async (ctx) => {
    if (!db.server) ctx.skip("Debian's postgresql package is not installed");
    const plan = pgPlan(
      { operation: "change_column_type", table: "orders", columns: [{ name: "amount", type: "integer" }], details: { new_type: "bigint" } },
      db.server!.major,
    );
    await db.admin.query("RESET ALL; DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
    for (const sql of fixtureSql(plan.answers as PlanAnswers, ROWS)) await db.admin.query(sql);
    const switchIndex = plan.phases.findIndex((p) => /switch/.test(p.id));
    expect(switchIndex).toBeGreaterThan(0);
    const swap = plan.phases[switchIndex];
    const migration = await connect(db.server!.url, "migration");
    let writes: Writes;
    let stale = -1;
    try {
      for (const p of plan.phases.slice(0, switchIndex + 1)) await runStatements(migration, p.statements);
      const type = await db.admin.query("SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'amount'");
      expect(type.rows[0].t).toBe("bigint");
      const writers = startWriters(db.server!.url);
      try {
        await sleep(1500); // swapped: the application writes the bigint column
        // The reverse sync keeps the old column current in every committed row while swapped.
        stale = (await db.admin.query(`SELECT count(*)::int AS c FROM orders WHERE amount_old IS DISTINCT FROM amount::integer`)).rows[0].c;
        await runStatements(migration, swap.rollback!);
        await sleep(500); // rolled back: it writes the integer column again
      } finally {
        writes = await writers.stop();
      }
    } finally {
      await migration.end().catch(() => {});
    }
    const type = await db.admin.query("SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'amount'");
    expect(type.rows[0].t).toBe("integer");
    const ids = [...writes.last.keys()];
    const rows = (await db.admin.query(`SELECT id, amount FROM orders WHERE id = ANY($1::bigint[])`, [ids])).rows as { id: string; amount: number | null }[];
    const held = new Map(rows.map((r) => [Number(r.id), r.amount]));
    const lost = ids.filter((id) => held.get(id) !== writes.last.get(id)).map((id) => `${id}: wrote ${writes.last.get(id)}, holds ${held.get(id)}`);
    console.log(`swap rollback under writes: ${writes.transactions} tx, ${writes.failures.length} failures, max latency ${Math.round(writes.maxLatencyMs)} ms, ${ids.length} rows written, ${lost.length} lost, ${stale} stale rows in the old column while swapped`);
    expect(writes.failures).toEqual([]);
    expect(writes.transactions).toBeGreaterThan(100);
    expect(stale).toBe(0);
    expect(lost).toEqual([]);
    expect(writes.maxLatencyMs).toBeLessThan(MAX_LATENCY_MS);
  }, 90_000);
});
