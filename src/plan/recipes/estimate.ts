/**
 * How long a step may take at the stated size, and what the figure rests on. The rates are deliberately
 * round, conservative figures for a narrow-ish row on SSD storage: the estimate says so, and asks the
 * user to time one step on a copy, because real rates depend on row width, indexes and load.
 */
import type { RecipeContext } from "../context.js";
import { thousands } from "../format.js";

/** Rows a full-table rewrite copies per second, indexes included. */
export const REWRITE_ROWS_PER_SEC = 200_000;
/** Rows a sequential scan (VALIDATE, SET NOT NULL without a check) reads per second. */
export const SCAN_ROWS_PER_SEC = 1_000_000;
/** Rows an index build sorts and writes per second. */
export const INDEX_ROWS_PER_SEC = 300_000;
/** Time one keyset batch of 1,000 rows takes (PK range scan + update + commit). */
export const MS_PER_1000_ROW_BATCH = 20;

export function formatDuration(ms: number): string {
  if (ms < 1000) return "under a second";
  const s = ms / 1000;
  if (s < 90) return `~${Math.round(s)} s`;
  const min = s / 60;
  if (min < 90) return `~${Math.round(min)} min`;
  return `~${(min / 60).toFixed(1)} h`;
}

const rowsText = (rows: number) => thousands(rows);

export function catalogOnly(ctx: RecipeContext): string {
  const wait = ctx.engine === "mysql" ? "lock_wait_timeout" : "lock_timeout";
  return (
    "Milliseconds once the lock is granted: only the catalog changes, no row is read or written. " +
    `The real cost is waiting for the lock, capped by ${wait} (${ctx.lockTimeoutMs / 1000} s).`
  );
}

export function rewrite(rows: number): string {
  return (
    `Rewrites about ${rowsText(rows)} rows while holding the lock: ${formatDuration((rows / REWRITE_ROWS_PER_SEC) * 1000)} ` +
    `(basis: ~${rowsText(REWRITE_ROWS_PER_SEC)} rows/s for a narrow row with its indexes on SSD; wide rows and many ` +
    "indexes are slower, so time it on a copy of production)."
  );
}

export function scan(rows: number, lockNote: string): string {
  return (
    `Reads about ${rowsText(rows)} rows ${lockNote}: ${formatDuration((rows / SCAN_ROWS_PER_SEC) * 1000)} ` +
    `(basis: a sequential scan at ~${rowsText(SCAN_ROWS_PER_SEC)} rows/s, more if the table is not cached).`
  );
}

export function indexBuild(rows: number): string {
  return (
    `Builds an index over about ${rowsText(rows)} rows: ${formatDuration((rows / INDEX_ROWS_PER_SEC) * 1000)} ` +
    `(basis: ~${rowsText(INDEX_ROWS_PER_SEC)} rows/s to scan, sort and write a btree; CONCURRENTLY scans twice, so about double).`
  );
}

export function batched(rows: number, batchSize: number, pauseMs: number): string {
  const batches = Math.max(1, Math.ceil(rows / batchSize));
  const msPerBatch = (MS_PER_1000_ROW_BATCH * batchSize) / 1000;
  const total = batches * (msPerBatch + pauseMs);
  return (
    `About ${rowsText(batches)} batch${batches === 1 ? "" : "es"} of ${rowsText(batchSize)} rows at ~${msPerBatch} ms + ` +
    `${pauseMs} ms pause: ${formatDuration(total)}. Rests on an indexed primary-key range scan per batch; ` +
    "measure one batch on a copy and scale, and slow down if replica lag grows."
  );
}

export function single(rows: number): string {
  return (
    `One statement over about ${rowsText(rows)} rows: ${formatDuration(Math.max(1, (rows / REWRITE_ROWS_PER_SEC) * 1000))} ` +
    "(basis: a small table updates in one pass; the row locks are held until commit)."
  );
}

export const DEPLOY_ESTIMATE = "As long as your deploy takes; wait until no old application instance is left running.";
