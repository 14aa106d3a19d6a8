/**
 * Polls pg_locks for the migration's session every few ms and keeps the strongest table lock seen per
 * table, to hold a plan to its lock claims under traffic (sampled: a lock held for less than the poll
 * interval can be missed; the long ones, the ones that matter to traffic, are not).
 */
import type { Plan } from "../../src/plan/model.js";
import type { Client } from "./support.js";

const MODES = ["AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock", "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"];
const NAMES = ["ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"];
const rank = (name: string) => NAMES.indexOf(name.toUpperCase());

export class LockWatch {
  private seen = new Map<string, number>();
  private running = false;
  private loop?: Promise<void>;
  constructor(
    private readonly admin: Client,
    private readonly pid: number,
  ) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const r = await this.admin.query(
          `SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = ${this.pid} AND l.locktype = 'relation' AND l.granted AND c.relkind IN ('r', 'p') AND c.relnamespace = 'public'::regnamespace`,
        );
        for (const row of r.rows as { relname: string; mode: string }[]) {
          const m = MODES.indexOf(row.mode);
          if (m > (this.seen.get(row.relname) ?? -1)) this.seen.set(row.relname, m);
        }
        await new Promise((res) => setTimeout(res, 5));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Tables locked more strongly than any statement of the plan claims for them (strong locks on unnamed tables too). */
  violations(plan: Plan): string[] {
    const claimed = new Map<string, number>();
    for (const p of plan.phases)
      for (const s of [...p.statements, ...(p.rollback ?? [])])
        for (const t of s.lockedTables ?? [plan.answers.table ?? ""]) {
          const b = t.split(".").pop()!;
          claimed.set(b, Math.max(claimed.get(b) ?? -1, rank(s.lock)));
        }
    const out: string[] = [];
    for (const [table, m] of this.seen) {
      const c = claimed.get(table);
      if (c === undefined ? m >= rank("SHARE") : m > c) out.push(`${table}: saw ${NAMES[m]}, plan claims ${c === undefined ? "nothing" : NAMES[c]}`);
    }
    return out;
  }
}
