/** Runs plan statements on a real server the way a migration tool does: consecutive transactional statements in one
 * transaction, the others alone; a group that hits the lock timeout is retried with backoff. */
import type pg from "pg";
import { expect } from "vitest";
import type { Phase, Statement } from "../../src/plan/model.js";

export interface RunStats {
  lockRetries: number;
}

export async function runStatements(client: pg.Client, statements: Statement[], stats: RunStats): Promise<void> {
  const groups: Statement[][] = [];
  for (const s of statements) {
    const last = groups[groups.length - 1];
    if (s.transaction && last && last[0].transaction) last.push(s);
    else groups.push([s]);
  }
  for (const g of groups) {
    for (let attempt = 0; ; attempt++) {
      try {
        if (g[0].transaction) {
          await client.query("BEGIN");
          for (const s of g) await client.query(s.sql);
          await client.query("COMMIT");
        } else await client.query(g[0].sql);
        break;
      } catch (e) {
        if (g[0].transaction) await client.query("ROLLBACK").catch(() => {});
        const code = (e as { code?: string }).code;
        // 55P03 lock_not_available (lock_timeout), 40P01 deadlock: the documented answer is to retry.
        if ((code === "55P03" || code === "40P01") && attempt < 8) {
          stats.lockRetries++;
          await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
          continue;
        }
        throw new Error(`${(e as Error).message}\n  in: ${g.map((s) => s.sql).join("\n      ")}`);
      }
    }
  }
}

const expectChecks = async (client: pg.Client, phase: Phase, when: string) => {
  for (const c of phase.checks) expect((await client.query(c.sql)).rows[0]?.ok, `${phase.id}${when}: ${c.description}`).toBe(true);
};

/**
 * Every phase in order, its checks after it; each phase with a rollback (backfills aside: undone with the phase that
 * added their column) is rolled back, `afterRollback` looks at the state, and it is applied again and checked again.
 */
export async function applyRollBackReapply(client: pg.Client, phases: Phase[], stats: RunStats, afterRollback?: (phase: Phase) => Promise<void>): Promise<void> {
  for (const phase of phases) {
    await runStatements(client, phase.statements, stats);
    await expectChecks(client, phase, "");
    if (phase.rollback?.length && phase.kind !== "backfill") {
      await runStatements(client, phase.rollback, stats);
      await afterRollback?.(phase);
      await runStatements(client, phase.statements, stats);
      await expectChecks(client, phase, " again");
    }
  }
}
