/**
 * Helpers for the tests under live traffic: connections to the real server, and running a plan's
 * phase the way a migration tool runs its file (transactional statements together in one
 * transaction, a statement marked non-transactional on its own, a batched step repeated until it
 * reports no next key).
 */
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { startPostgres, type PgServer } from "../support/pg-server.js";
import type { PlanAnswers } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import type { Plan, Statement } from "../../src/plan/model.js";

export type Client = pg.Client;

export async function connect(url: string, name = "load test"): Promise<Client> {
  const c = new pg.Client({ connectionString: url, application_name: name });
  c.on("error", () => {});
  await c.connect();
  return c;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function pgPlan(answers: Partial<PlanAnswers> & Pick<PlanAnswers, "operation" | "table">, major: number, rows = 50_000_000): Plan {
  return buildPlan({
    mode: "plan",
    engine: "postgresql",
    engine_version: String(major),
    approx_rows: rows,
    downtime_tolerance: "none",
    rollback_need: "phase-level",
    tool: "raw-sql",
    ...answers,
  } as PlanAnswers);
}

function batchHasMore(rows: Record<string, unknown>[] | undefined): boolean {
  return !!rows && rows.length > 0 && Object.values(rows[0]).some((v) => v !== null && v !== "");
}

/** Runs a list of statements as a tool runs one migration file. Throws the first error (after ROLLBACK). */
export async function runStatements(client: Client, statements: Statement[]): Promise<void> {
  let open = false;
  const commit = async () => {
    if (open) await client.query("COMMIT");
    open = false;
  };
  try {
    for (const s of statements) {
      if (!s.transaction || s.batched) {
        await commit();
        if (s.batched) {
          for (let i = 0; i < 100_000; i++) {
            const r = (await client.query(s.sql)) as unknown as pg.QueryResult | pg.QueryResult[];
            const last = Array.isArray(r) ? r[r.length - 1] : r;
            if (!batchHasMore(last?.rows)) break;
          }
        } else await client.query(s.sql);
        continue;
      }
      if (!open && !s.setting) {
        await client.query("BEGIN");
        open = true;
      }
      await client.query(s.sql);
    }
    await commit();
  } catch (e) {
    if (open) await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    await client.query("RESET ALL").catch(() => {});
  }
}

/** One real server and an admin connection for a test file: started before its tests, stopped after; `server` is null when PostgreSQL is not installed. */
export function pgForFile(): { readonly server: PgServer | null; readonly admin: Client } {
  const state = { server: null as PgServer | null, admin: undefined as unknown as Client };
  beforeAll(async () => {
    state.server = await startPostgres();
    if (state.server) state.admin = await connect(state.server.url, "admin");
  }, 120_000);
  afterAll(async () => {
    await state.admin?.end().catch(() => {});
    await state.server?.stop();
  });
  return state;
}

/**
 * `workers` application connections, each calling `step(client, k, n)` for n = 1, 2, ... until stopped, with a
 * short pause between calls; `stop` ends the loops and closes the connections.
 */
export function loopWorkers(url: string, workers: number, pauseMs: number, step: (c: Client, k: number, n: number) => Promise<void>): { stop(): Promise<void> } {
  const state = { running: true };
  const loops = Array.from({ length: workers }, async (_, k) => {
    const c = await connect(url, `app ${k}`);
    for (let n = 1; state.running; n++) {
      await step(c, k, n);
      await sleep(pauseMs);
    }
    await c.end().catch(() => {});
  });
  return {
    async stop() {
      state.running = false;
      await Promise.all(loops);
    },
  };
}
