/** Runs plan statements on a real server the way a migration tool does: consecutive transactional statements in one
 * transaction, the others alone; a group that hits the lock timeout is retried with backoff. */
import type pg from "pg";
import type { Statement } from "../../src/plan/model.js";

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
