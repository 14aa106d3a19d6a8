/**
 * Lock retries done by the migration itself (PostgreSQL). A statement that needs a strong lock waits at
 * most `lock_timeout` (a few hundred ms, shorter than the server's 1 s `deadlock_timeout`, so the
 * migration is always the side that gives up, never an application transaction). The waiting is
 * retried inside the migration: a PL/pgSQL loop runs the transaction's statements in a subtransaction,
 * catches `lock_not_available` and `deadlock_detected` (the failed attempt rolls back alone and
 * releases every lock it took), sleeps with growing, jittered backoff, and gives up after a bounded
 * number of attempts with a message that points at the runbook. It needs no COMMIT inside DO, so it
 * runs on every supported version (PostgreSQL 10 has no transaction control in DO). Statements that
 * cannot run in a transaction block (CONCURRENTLY) are left alone: they take only weak locks.
 */
import type { Statement, StatementEffect } from "../model.js";
import { quoteTable } from "../sql.js";
import { lockRank } from "../locks.js";
import { sqlLiteral } from "../encode.js";

/** Attempts before the migration gives up, and the backoff between them (ms, doubled each time, capped). */
export const RETRY_ATTEMPTS = 8;
export const FIRST_PAUSE_MS = 100;
export const MAX_PAUSE_MS = 2000;

/** The longest the backoff pauses can add up to (jitter up to +25%), for a bound on how long a phase may retry. */
export function maxPauseTotalMs(): number {
  let total = 0;
  for (let a = 1; a < RETRY_ATTEMPTS; a++) total += Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (a - 1)) * 1.25;
  return total;
}


/** The strongest of some lock names ("none" when none is a table lock). */
export function strongestLock(locks: string[]): string {
  return locks.reduce((best, l) => (lockRank(l) > lockRank(best) ? l.toUpperCase() : best), "none");
}

/**
 * `LOCK TABLE a, b IN mode MODE`: every table a multi-table statement will lock, taken in one statement
 * at the start of its transaction, in one fixed order (referenced table first, the order applications
 * write parent then child), so the plan never holds one table while queueing for another behind it.
 */
export function lockTablesFirst(tables: string[], mode: string, why?: string): Statement {
  const list = [...new Set(tables)];
  return {
    sql: `LOCK TABLE ${list.map((t) => quoteTable("postgresql", t)).join(", ")} IN ${mode} MODE;`,
    transaction: true,
    lock: mode,
    lockedTables: list,
    rewrite: false,
    why:
      why ??
      `Takes every lock the next statements need, in one statement and one fixed order, before changing anything: ` +
      `without it the DDL would lock one table, then queue for the next one behind application transactions that hold it ` +
      `(and may wait for the first: a deadlock).`,
  };
}

function isStrongPg(s: Statement): boolean {
  return !s.setting && lockRank(s.lock) >= lockRank("SHARE");
}

/** Whether the statement may go into the retry loop's body. */
function wrappable(s: Statement): boolean {
  return s.transaction && !s.setting && !s.batched && !/^\s*(BEGIN|COMMIT|ROLLBACK|VACUUM)\b|^DO \$retry\$/i.test(s.sql);
}

/** A statement as a PL/pgSQL statement: a bare SELECT becomes PERFORM (its rows are not needed). */
function asPlpgsql(sql: string): string {
  const body = sql.trim().replace(/;\s*$/, "");
  return (/^SELECT\b/i.test(body) ? body.replace(/^SELECT\b/i, "PERFORM") : body) + ";";
}

const indent = (text: string, pad: string) =>
  text
    .split("\n")
    .map((l) => (l ? pad + l : l))
    .join("\n");

/** One DO block that runs `body` with bounded, backed-off retries on lock timeouts and deadlocks. */
export function retrySql(body: Statement[], what: string): string {
  const tag = "$retry$";
  const msg = `${what}: gave up after % attempts, each waiting at most lock_timeout (%) for its locks. Another session holds them: see "Lock timeout" in PLAN.md, end the blocker, and run this migration again (it is safe to retry).`;
  const lines = [
    `DO ${tag}`,
    "DECLARE",
    "  attempt int := 1;",
    "BEGIN",
    "  LOOP",
    "    BEGIN",
    indent(body.map((s) => asPlpgsql(s.sql)).join("\n"), "      "),
    "      EXIT;",
    "    EXCEPTION WHEN lock_not_available OR deadlock_detected THEN",
    `      IF attempt >= ${RETRY_ATTEMPTS} THEN`,
    `        RAISE EXCEPTION ${sqlLiteral("postgresql", msg)}, attempt, current_setting('lock_timeout') USING ERRCODE = 'lock_not_available';`,
    "      END IF;",
    `      PERFORM pg_sleep(least(${MAX_PAUSE_MS}, ${FIRST_PAUSE_MS} * 2 ^ (attempt - 1)) / 1000.0 * (0.75 + random() / 2));`,
    "      attempt := attempt + 1;",
    "    END;",
    "  END LOOP;",
    "END",
    `${tag};`,
  ];
  return lines.join("\n");
}

/** The statement that stands for a retried group: its strongest lock on every table any part locks. */
function retryStatement(group: Statement[]): Statement {
  const lock = strongestLock(group.map((s) => s.lock));
  // The claim is about the strongest lock: the tables it is taken on (weaker locks on other tables go unlisted).
  const tables = [...new Set(group.filter((s) => s.lock.toUpperCase() === lock).flatMap((s) => s.lockedTables ?? []))];
  const parts = group.map((s) => s.why).filter((w): w is string => !!w);
  const what = tables.length ? `locking ${tables.join(", ")}` : "this step";
  // The loop itself, then what the wrapped statements do: never one effect alone, so no tool helper stands for the block.
  const effects: StatementEffect[] = [{ kind: "lock_retry" }, ...group.flatMap((s) => s.effects ?? [])];
  return {
    sql: retrySql(group, what),
    transaction: true,
    lock,
    lockedTables: tables,
    rewrite: group.some((s) => s.rewrite),
    ...(group.some((s) => s.scan) ? { scan: true } : {}),
    effects,
    why:
      `Retried by the migration itself: each attempt waits at most lock_timeout for its locks; on a lock timeout or a deadlock ` +
      `the attempt rolls back alone (releasing what it held), waits ${FIRST_PAUSE_MS} ms doubling up to ${MAX_PAUSE_MS / 1000} s with jitter, ` +
      `and tries again, at most ${RETRY_ATTEMPTS} times, then stops with an error naming the cause.` +
      (parts.length ? " " + parts.join(" ") : ""),
  };
}

/**
 * Wraps each run of transactional statements that takes a strong lock in one retry loop. A run ends at a
 * setting (lock_timeout stays a session setting before it), a batched step or a statement that must run
 * outside a transaction block.
 */
export function withLockRetries(statements: Statement[]): Statement[] {
  const out: Statement[] = [];
  let run: Statement[] = [];
  const flush = () => {
    if (run.some(isStrongPg)) out.push(retryStatement(run));
    else out.push(...run);
    run = [];
  };
  for (const s of statements) {
    if (wrappable(s)) {
      run.push(s);
      continue;
    }
    flush();
    out.push(s);
  }
  flush();
  return out;
}
