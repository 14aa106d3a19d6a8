/**
 * An application's traffic for the load tests: several connections, each in a bounded loop of short
 * transactions in an application's order (read the parent, update a row of the table being changed,
 * insert a child row, read another row), each timed. Every worker updates only its own rows, so the
 * last value it committed for a row is the value that row must hold at the end.
 */
import { connect, sleep, type Client } from "./support.js";

export interface WorkloadTarget {
  /** The table whose rows the workers update (by `id`), and the range of ids they may touch. */
  table: string;
  ids: number[];
  /** A table the workers read first and update now and then (a parent), if any. */
  parent?: string;
  /** The child table rows are inserted into (main_id, n). */
  child: string;
}

export interface WorkloadResult {
  transactions: number;
  failures: string[];
  maxLatencyMs: number;
  /** Per row id, the last value a committed transaction wrote. */
  lastWritten: Map<number, number>;
}

export interface Workload {
  stop(): Promise<WorkloadResult>;
}

const WORKERS = 4;

async function worker(c: Client, target: WorkloadTarget, k: number, state: { running: boolean }, out: WorkloadResult): Promise<void> {
  const mine = target.ids.filter((_, i) => i % WORKERS === k);
  let n = 0;
  while (state.running) {
    n++;
    const id = mine[n % mine.length];
    const value = k * 1_000_000_000 + n;
    const t0 = performance.now();
    try {
      await c.query("BEGIN");
      if (target.parent) await c.query(`SELECT label FROM ${target.parent} WHERE id = ${1 + (n % 500)}`);
      if (target.parent && n % 5 === 0) await c.query(`UPDATE ${target.parent} SET wl_n = ${value} WHERE id = ${1 + ((n * 7 + k) % 500)}`);
      await c.query(`UPDATE ${target.table} SET wl_n = ${value} WHERE id = ${id}`);
      await c.query(`INSERT INTO ${target.child} (main_id, n) VALUES (${id}, ${value})`);
      await c.query(`SELECT wl_n FROM ${target.table} WHERE id = ${mine[(n * 13) % mine.length]}`);
      await c.query("COMMIT");
      out.lastWritten.set(id, value);
      out.transactions++;
    } catch (e) {
      await c.query("ROLLBACK").catch(() => {});
      const err = e as { code?: string; message?: string };
      out.failures.push(`${err.code ?? ""} ${err.message ?? String(e)}`.trim());
    }
    out.maxLatencyMs = Math.max(out.maxLatencyMs, performance.now() - t0);
    await sleep(3);
  }
}

export async function startWorkload(url: string, target: WorkloadTarget): Promise<Workload> {
  const clients = await Promise.all(Array.from({ length: WORKERS }, (_, i) => connect(url, `app ${i}`)));
  const state = { running: true };
  const out: WorkloadResult = { transactions: 0, failures: [], maxLatencyMs: 0, lastWritten: new Map() };
  const loops = clients.map((c, k) => worker(c, target, k, state, out));
  return {
    async stop() {
      state.running = false;
      await Promise.all(loops);
      await Promise.all(clients.map((c) => c.end().catch(() => {})));
      return out;
    },
  };
}
