/** Small builders every recipe uses: statements with their lock claims, lock-timeout guards, checks. */
import type { Engine } from "../../answers/schema.js";
import type { RecipeContext } from "../context.js";
import type { Phase, Statement } from "../model.js";
import { lockTimeout, quoteTable } from "../sql.js";
import { bareName, sqlLiteral } from "../encode.js";
import { RETRY_ATTEMPTS, withLockRetries } from "./lock-retry.js";

/**
 * `finishPhase`, and on PostgreSQL the phase's strong-lock transactions retried by the migration itself
 * (lock-retry.ts): for phases that lock several tables or swap names under ACCESS EXCLUSIVE.
 */
export function finishRetriedPhase(ctx: RecipeContext, phase: PhaseDraft): PhaseDraft {
  const done = finishPhase(ctx, phase);
  if (ctx.engine !== "postgresql") return done;
  return { ...done, statements: withLockRetries(done.statements), ...(done.rollback ? { rollback: withLockRetries(done.rollback) } : {}) };
}

/** A phase before the builder gives it an id. */
export type PhaseDraft = Omit<Phase, "id">;

/** PostgreSQL locks that block writes (or everything): a statement waiting for one queues traffic behind it. */
const STRONG_PG_LOCKS = new Set(["ACCESS EXCLUSIVE", "EXCLUSIVE", "SHARE ROW EXCLUSIVE", "SHARE"]);

/** Whether the statement needs a short lock timeout before it. On MySQL every DDL waits for a metadata lock. */
export function isStrong(engine: Engine, s: Statement): boolean {
  if (s.setting) return false;
  if (engine === "mysql") return s.lock !== "none" && s.lock !== "ROW LOCKS";
  return STRONG_PG_LOCKS.has(s.lock);
}

/**
 * Puts `lockTimeout` before each run of strong-lock statements. A run shares one setting only while the
 * statements stay in the same transaction mode, because tools may split non-transactional statements
 * into their own files (and sessions).
 */
export function guard(ctx: RecipeContext, statements: Statement[]): Statement[] {
  const out: Statement[] = [];
  let covered = false;
  for (const s of statements) {
    if (isLockTimeout(s)) {
      out.push(s);
      covered = true;
      continue;
    }
    if (isStrong(ctx.engine, s) && (!covered || !s.transaction)) {
      const prev = out[out.length - 1];
      if (!(prev && isLockTimeout(prev))) out.push(lockTimeout(ctx.engine, ctx.lockTimeoutMs));
      covered = true;
    }
    out.push(s);
    if (!s.transaction) covered = false;
  }
  return out;
}

function isLockTimeout(s: Statement): boolean {
  return !!s.setting && /^SET (SESSION )?lock_(timeout|wait_timeout)/.test(s.sql);
}

/** A statement that takes `lock` on `tables`. */
export function stmt(sql: string, lock: string, tables: string[], extra: Partial<Statement> = {}): Statement {
  return { sql, transaction: true, lock, lockedTables: tables, rewrite: false, ...extra };
}

/** `'"order"'::regclass`: the table as a regclass literal, for catalog checks. */
export function regclass(engine: Engine, table: string): string {
  return `${sqlLiteral(engine, quoteTable(engine, table))}::regclass`;
}

/** A SQL string literal (PostgreSQL's form unless the engine is given). */
export function literal(text: string, engine: Engine = "postgresql"): string {
  return sqlLiteral(engine, text);
}

export { bareName };

/** PLAN.md's Deadlock section (PostgreSQL). */
export const DEADLOCK_RUNBOOK =
  "`ERROR: deadlock detected` (SQLSTATE 40P01) means two transactions each waited for a lock the other held; after " +
  "`deadlock_timeout` (1 s by default) PostgreSQL aborted one of them so the other could go on. An aborted statement changed " +
  "nothing: its whole transaction rolled back, so it is safe to run again. This plan avoids it: statements that lock several " +
  "tables take every lock first, in one `LOCK TABLE` statement and a fixed order, and each wait is capped by a `lock_timeout` " +
  "shorter than `deadlock_timeout`, so the migration gives up before the deadlock detector would pick an application " +
  "transaction. Where the migration file retries by itself (a `DO $retry$` block), it catches the deadlock and tries again " +
  "after a pause. If a migration step still reports a deadlock: run it again (after a pause; the migration tool records " +
  "nothing for a failed file). If an application transaction reports one, the application should retry that transaction; " +
  "find the other party in the server log (`log_lock_waits = on` logs every wait longer than `deadlock_timeout`).";

/** What to do when the lock timeout fires, per engine. */
export function onLockTimeoutAdvice(ctx: RecipeContext): string {
  const secs = (ctx.lockTimeoutMs / 1000).toString();
  if (ctx.engine === "mysql") {
    return (
      `The DDL gave up after ${secs} s waiting for the metadata lock instead of stalling every query behind it; ` +
      "nothing was changed by that statement. Find the blocker with " +
      (ctx.product === "mariadb"
        ? // performance_schema is off by default on MariaDB: its metadata_locks table would be empty.
          "`SHOW FULL PROCESSLIST` and `SELECT trx_mysql_thread_id, trx_started, trx_state, LEFT(trx_query, 120) FROM information_schema.INNODB_TRX ORDER BY trx_started` " +
          "(MariaDB runs with performance_schema off by default; `INSTALL SONAME 'metadata_lock_info'` adds information_schema.METADATA_LOCK_INFO, which names the lock holders) "
        : "`SELECT * FROM performance_schema.metadata_locks WHERE OBJECT_NAME = '<table>'` and `SHOW FULL PROCESSLIST` ") +
      "(look for long transactions or open idle sessions), let it finish or kill it, then retry the phase with " +
      "backoff (wait 5 s, 15 s, 60 s between attempts), ideally at a quieter hour."
    );
  }
  return (
    `Each attempt waits at most ${ctx.lockTimeoutMs} ms for its locks (shorter than PostgreSQL's 1 s deadlock_timeout, so the ` +
    "migration, not an application transaction, is the side that gives up). Where the file has a `DO $retry$` block it " +
    `retries by itself up to ${RETRY_ATTEMPTS} times with backoff. When it gives up ("gave up after ... attempts" or ` +
    "`canceling statement due to lock timeout`), its transaction rolled back and nothing changed. Find the blocker: " +
    "`SELECT pid, state, now() - xact_start AS age, query FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND xact_start IS NOT NULL ORDER BY xact_start` " +
    "(while the migration waits, `SELECT pg_blocking_pids(<migration pid>)` names it). An `idle in transaction` session " +
    "runs no query, so `pg_cancel_backend` does nothing to it: end it with `SELECT pg_terminate_backend(<pid>);` " +
    "(its open transaction rolls back). For an active long query, `pg_cancel_backend(<pid>)` cancels the query. " +
    "Then run the phase again (it is safe to retry; without a retry block, wait 1 s, 5 s, 15 s between attempts), ideally at a quieter hour. " +
    "A `deadlock detected` error: see Deadlock below."
  );
}

/** Adds the lock-timeout guard and advice to a phase when it has strong-lock statements. */
export function finishPhase(ctx: RecipeContext, phase: PhaseDraft): PhaseDraft {
  const statements = guard(ctx, phase.statements);
  const rollback = phase.rollback ? guard(ctx, phase.rollback) : undefined;
  const strong = [...statements, ...(rollback ?? [])].some((s) => isStrong(ctx.engine, s));
  return {
    ...phase,
    statements,
    ...(rollback ? { rollback } : {}),
    ...(strong && !phase.onLockTimeout ? { onLockTimeout: onLockTimeoutAdvice(ctx) } : {}),
  };
}
