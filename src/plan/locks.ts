/** PostgreSQL's table-level lock modes, weakest first (PostgreSQL manual, "Table-Level Locks"): the one ranking the plan and verify share. */
export const LOCK_ORDER = [
  "ACCESS SHARE",
  "ROW SHARE",
  "ROW EXCLUSIVE",
  "SHARE UPDATE EXCLUSIVE",
  "SHARE",
  "SHARE ROW EXCLUSIVE",
  "EXCLUSIVE",
  "ACCESS EXCLUSIVE",
] as const;

/** A mode's rank in LOCK_ORDER, -1 for anything that is not a table lock ("none", "metadata lock"). */
export function lockRank(mode: string): number {
  return LOCK_ORDER.indexOf(mode.toUpperCase() as (typeof LOCK_ORDER)[number]);
}
