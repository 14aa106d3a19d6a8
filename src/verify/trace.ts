/**
 * What a statement really does: the table-level locks it takes (from `pg_locks`, for the session's
 * own pid) and whether it rewrites a table (`pg_class.relfilenode` before and after).
 *
 * How each statement is traced (`method`):
 * - "transaction": `BEGIN; stmt; read pg_locks; COMMIT` in the same session: every lock is still
 *   held when it is read, so the trace is exact.
 * - "observed": a statement that cannot run in a transaction block, on a real server: a blocker
 *   connection holds an open snapshot, ROW EXCLUSIVE on the target tables and a share lock on
 *   their rows, so CONCURRENTLY builds and drops (and batches that change rows) wait in plain view; a watcher connection reads the statement's pid in `pg_locks` until it waits or ends,
 *   then the blocker lets go. Locks taken only between waits may be missed; "not-traced" says so.
 * - "not-traced": the same on embedded PostgreSQL, which has one session and nothing to watch
 *   from; its rewrite is still checked.
 * - "setting": `SET ...` statements just run.
 */
import type { Statement } from "../plan/model.js";
import { LOCK_ORDER, lockRank } from "../plan/locks.js";

export { LOCK_ORDER, lockRank };
import { errorInfo, type Row, type SqlSession } from "./session.js";
import { bareName } from "../plan/encode.js";

export type TraceMethod = "transaction" | "observed" | "not-traced" | "setting";


/** `ShareRowExclusiveLock` -> `SHARE ROW EXCLUSIVE`. */
export function lockModeName(pgMode: string): string {
  return pgMode
    .replace(/Lock$/, "")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toUpperCase();
}

export function strongest(modes: string[]): string | undefined {
  return modes.reduce<string | undefined>((best, m) => (best === undefined || lockRank(m) > lockRank(best) ? m : best), undefined);
}

export interface ObservedLock {
  /** Relation name (the name before the statement when it renamed it). */
  relation: string;
  relkind: "table" | "index" | "other";
  mode: string;
  /** false: requested and waited for (seen only with method "observed"). */
  granted: boolean;
  /** The relation was created by the statement itself: its lock blocks nobody. */
  created: boolean;
}

export interface TraceResult {
  sql: string;
  method: TraceMethod;
  /** How the locks were read, in words; says why when they were not. */
  how: string;
  locks: ObservedLock[];
  /** Strongest lock per pre-existing relation, unqualified name -> mode. */
  strongestByRelation: Record<string, string>;
  /** Pre-existing tables whose relfilenode changed: rewritten. */
  rewritten: string[];
  ms: number;
  error?: { message: string; code?: string };
  /** Rows the statement returned (its last result), e.g. a batch's RETURNING next_key. */
  rows?: Row[];
}

/** The other connections a real server offers, for statements that cannot be wrapped. */
export interface Observers {
  watcher: SqlSession;
  blocker: SqlSession;
  /** pid of the session that runs the statements. */
  pid: number;
}

interface RelInfo {
  oid: string;
  name: string;
  relkind: string;
  relfilenode: string;
}

// Relations in the schemas on the search path (the fixture's schema); catalogs are not the user's.
const SNAPSHOT_SQL = `SELECT c.oid::text AS oid, c.relname AS name, c.relkind::text AS relkind, c.relfilenode::text AS relfilenode
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY (current_schemas(false))`;

const locksSql = (pid: string) => `SELECT l.locktype, l.relation::text AS oid, c.relname AS name, c.relkind::text AS relkind, l.mode, l.granted
FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation
WHERE l.pid = ${pid}`;

async function snapshot(session: SqlSession): Promise<Map<string, RelInfo>> {
  const rows = (await session.query(SNAPSHOT_SQL)) as unknown as RelInfo[];
  return new Map(rows.map((r) => [r.oid, r]));
}

const kindOf = (relkind: string | undefined): ObservedLock["relkind"] =>
  relkind === "r" || relkind === "p" || relkind === "m" ? "table" : relkind === "i" || relkind === "I" ? "index" : "other";

/** Keep relation locks on the user's relations (those known before, or created in the search path). */
function toLocks(rows: Row[], before: Map<string, RelInfo>, schemaOids: Set<string>): ObservedLock[] {
  const out: ObservedLock[] = [];
  for (const r of rows) {
    if (r.locktype !== "relation") continue;
    const oid = String(r.oid);
    const known = before.get(oid);
    if (!known && !schemaOids.has(oid)) continue;
    out.push({
      relation: known?.name ?? String(r.name),
      relkind: kindOf(known?.relkind ?? (r.relkind as string | undefined)),
      mode: lockModeName(String(r.mode)),
      granted: r.granted === true || r.granted === "t",
      created: !known,
    });
  }
  // Same relation and mode seen twice (polling): keep one. A relation created under the name another one had
  // before the statement (rename_table's view takes the renamed table's name) is a different relation.
  const seen = new Set<string>();
  return out.filter((l) => {
    const key = `${l.relation}|${l.mode}|${l.granted}|${l.created}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function summarise(locks: ObservedLock[]): Record<string, string> {
  const by: Record<string, string> = {};
  for (const l of locks) {
    if (l.created) continue;
    const cur = by[l.relation];
    if (cur === undefined || lockRank(l.mode) > lockRank(cur)) by[l.relation] = l.mode;
  }
  return by;
}

function rewrittenTables(before: Map<string, RelInfo>, after: Map<string, RelInfo>): string[] {
  const out: string[] = [];
  for (const [oid, b] of before) {
    const a = after.get(oid);
    if (kindOf(b.relkind) === "table" && a && a.relfilenode !== b.relfilenode) out.push(b.name);
  }
  return out;
}

const quote = (name: string) => '"' + name.replace(/"/g, '""') + '"';

/**
 * Run `stmt` in `session` and report what it did. `targets` are the tables a blocker holds when
 * the statement is observed from outside. Never throws for a failing statement: see `error`.
 */
export async function traceStatement(
  session: SqlSession,
  stmt: Pick<Statement, "sql" | "transaction" | "setting">,
  opts: { observers?: Observers; targets?: string[] } = {},
): Promise<TraceResult> {
  const base = { sql: stmt.sql, locks: [] as ObservedLock[], strongestByRelation: {}, rewritten: [] as string[] };
  if (stmt.setting) {
    const t0 = performance.now();
    try {
      await session.query(stmt.sql);
      return { ...base, method: "setting", how: "a session setting: run as is", ms: performance.now() - t0 };
    } catch (e) {
      return { ...base, method: "setting", how: "a session setting", ms: performance.now() - t0, error: errorInfo(e) };
    }
  }
  const before = await snapshot(session);
  if (stmt.transaction) return traceInTransaction(session, stmt.sql, before);
  if (opts.observers) return traceObserved(session, stmt.sql, before, opts.observers, opts.targets ?? []);
  const t0 = performance.now();
  let error: TraceResult["error"];
  let rows: Row[] | undefined;
  try {
    rows = await session.query(stmt.sql);
  } catch (e) {
    error = errorInfo(e);
  }
  const ms = performance.now() - t0;
  const after = await snapshot(session);
  return {
    ...base,
    rows,
    method: "not-traced",
    how: "cannot run in a transaction block, and embedded PostgreSQL has no second connection to watch it from: locks not traced, rewrite checked",
    rewritten: rewrittenTables(before, after),
    ms,
    error,
  };
}

async function traceInTransaction(session: SqlSession, sql: string, before: Map<string, RelInfo>): Promise<TraceResult> {
  await session.query("BEGIN");
  const t0 = performance.now();
  try {
    const result = await session.query(sql);
    const ms = performance.now() - t0;
    // Read while every lock is still held, before COMMIT releases them.
    const rows = await session.query(locksSql("pg_backend_pid()"));
    const after = await snapshot(session);
    await session.query("COMMIT");
    const locks = toLocks(rows, before, new Set(after.keys()));
    return {
      sql,
      method: "transaction",
      how: "run inside BEGIN ... COMMIT; pg_locks read before COMMIT",
      locks,
      strongestByRelation: summarise(locks),
      rewritten: rewrittenTables(before, after),
      ms,
      rows: result,
    };
  } catch (e) {
    const ms = performance.now() - t0;
    await session.query("ROLLBACK").catch(() => {});
    return { sql, method: "transaction", how: "run inside BEGIN ... ROLLBACK (it failed)", locks: [], strongestByRelation: {}, rewritten: [], ms, error: errorInfo(e) };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function traceObserved(
  session: SqlSession,
  sql: string,
  before: Map<string, RelInfo>,
  obs: Observers,
  targets: string[],
): Promise<TraceResult> {
  const names = new Set([...before.values()].filter((r) => kindOf(r.relkind) === "table").map((r) => r.name));
  const held = targets.map(bareName).filter((t) => names.has(t));
  // An open snapshot plus ROW EXCLUSIVE: CONCURRENTLY builds wait for it, plain DDL queues behind it.
  await obs.blocker.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
  for (const t of held) {
    await obs.blocker.query(`LOCK TABLE ${quote(t)} IN ROW EXCLUSIVE MODE`);
    // Share locks on every row: a batched UPDATE/DELETE waits at its first row, with its table lock in view.
    await obs.blocker.query(`SELECT count(*) FROM (SELECT 1 FROM ${quote(t)} FOR SHARE) AS locked`);
  }
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await obs.blocker.query("COMMIT");
  };
  const t0 = performance.now();
  let done = false;
  let error: TraceResult["error"];
  let result: Row[] | undefined;
  const running = session.query(sql).then(
    (r) => {
      result = r;
      done = true;
    },
    (e) => {
      done = true;
      error = errorInfo(e);
    },
  );
  const rows: Row[] = [];
  let waitedAt: number | undefined;
  let waitedFor = 0;
  try {
    while (!done) {
      const seen = await obs.watcher.query(locksSql(String(obs.pid)));
      rows.push(...seen);
      if (seen.some((r) => r.granted === false || r.granted === "f")) {
        waitedAt = performance.now();
        break;
      }
      await sleep(2);
    }
  } finally {
    await release();
  }
  if (waitedAt !== undefined) waitedFor = performance.now() - waitedAt;
  // Keep watching until it ends: locks taken after the wait are seen too.
  while (!done) {
    rows.push(...(await obs.watcher.query(locksSql(String(obs.pid)))));
    await sleep(2);
  }
  await running;
  const ms = Math.max(0, performance.now() - t0 - waitedFor);
  const after = await snapshot(session);
  const locks = toLocks(rows, before, new Set(after.keys()));
  const how =
    locks.length > 0
      ? `cannot run in a transaction block: observed from a second connection while a blocker held an open snapshot${held.length ? ` and ROW EXCLUSIVE plus row locks on ${held.join(", ")}` : ""}` +
        (waitedAt !== undefined ? " (the statement waited for it, as expected)" : "")
      : "cannot run in a transaction block; it finished before a second connection could see its locks: locks not traced";
  return {
    sql,
    method: locks.length > 0 ? "observed" : "not-traced",
    how,
    locks,
    strongestByRelation: summarise(locks),
    rewritten: rewrittenTables(before, after),
    ms,
    error,
    rows: result,
  };
}
