/**
 * P2's proof harness: build answers, then run a plan on embedded PostgreSQL (PGlite), phase by phase,
 * comparing each statement's claimed lock and rewrite with what PostgreSQL did (src/verify/trace.ts),
 * running every check, rolling back through the reversible phases, and applying them again.
 */
import { expect } from "vitest";
import type { PlanAnswers } from "../../src/answers/schema.js";
import type { Phase, Plan, Statement } from "../../src/plan/model.js";
import { openEmbedded, type SqlSession } from "../../src/verify/session.js";
import { lockRank, strongest, traceStatement } from "../../src/verify/trace.js";

export function answers(over: Partial<PlanAnswers> & Pick<PlanAnswers, "operation" | "table">): PlanAnswers {
  return {
    mode: "plan",
    engine: "postgresql",
    engine_version: "16.2",
    approx_rows: 30_000_000,
    downtime_tolerance: "none",
    rollback_need: "phase-level",
    tool: "raw-sql",
    ...over,
  } as PlanAnswers;
}

/** Statement SQL of a phase, settings included (they are part of what the user runs). */
export const sqlOf = (stmts: Statement[] | undefined) => (stmts ?? []).map((s) => s.sql);

export async function openDb(setup: string): Promise<SqlSession> {
  const db = await openEmbedded();
  await db.query(setup);
  return db;
}

/** Run statements, asserting the lock/rewrite claims of the transactional ones when `prove` is set. */
export async function runStatements(db: SqlSession, stmts: Statement[], prove: boolean): Promise<void> {
  for (const s of stmts) {
    const t = await traceStatement(db, s);
    expect(t.error, `${s.sql} failed`).toBeUndefined();
    if (!prove || t.method !== "transaction") continue;
    const tableLocks = t.locks.filter((l) => l.relkind === "table" && !l.created);
    const did = strongest(tableLocks.map((l) => l.mode)) ?? "none";
    expect(did, `lock taken by: ${s.sql}`).toBe(s.lock);
    for (const table of s.lockedTables ?? []) {
      const bare = table.split(".").pop()!;
      const modes = tableLocks.filter((l) => l.relation === bare).map((l) => l.mode);
      expect(lockRank(strongest(modes) ?? "none"), `${s.lock} on ${bare}: ${s.sql}`).toBe(lockRank(s.lock));
    }
    expect(t.rewritten.length > 0, `rewrite claim of: ${s.sql}`).toBe(s.rewrite);
  }
}

export async function runChecks(db: SqlSession, phase: Pick<Phase, "checks" | "title">): Promise<void> {
  for (const c of phase.checks) {
    const rows = await db.query(c.sql);
    expect(rows.length, c.sql).toBe(1);
    expect(rows[0].ok, `${phase.title}: ${c.description}`).toBe(true);
  }
}

/**
 * Apply every phase in order (claims proven, checks ok), roll back from the last phase through the
 * reversible ones, then apply those again with their checks. Returns the index of the first phase
 * that was rolled back (phases before it stayed applied).
 */
export async function provePlan(db: SqlSession, plan: Plan): Promise<number> {
  for (const phase of plan.phases) {
    await runStatements(db, phase.statements, true);
    await runChecks(db, phase);
  }
  let from = plan.phases.length;
  while (from > 0 && plan.phases[from - 1].rollback && !plan.phases[from - 1].irreversible) {
    from--;
    await runStatements(db, plan.phases[from].rollback!, true);
  }
  for (const phase of plan.phases.slice(from)) {
    await runStatements(db, phase.statements, false);
    await runChecks(db, phase);
  }
  return from;
}
