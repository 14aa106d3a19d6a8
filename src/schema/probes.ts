/**
 * Optional probes of the data, only when the user asks: each reads at most `rows` rows (a LIMIT in a subquery,
 * so a large table is sampled, not scanned) inside the reader's READ ONLY transaction with its statement timeout,
 * and says whether its answer is exact or covers only the rows it read.
 */
import { quoteIdent, quoteTable } from "../plan/sql.js";
import type { ProbeFinding } from "./model.js";
import { inReadOnlyTransaction, type Query } from "./pg-reader.js";

export interface ProbeBound {
  /** Most rows a probe reads. */
  rows: number;
  /** Statement timeout for each probe (ms). */
  timeoutMs: number;
}

export const DEFAULT_BOUND: ProbeBound = { rows: 100_000, timeoutMs: 5_000 };

export interface ProbeResult {
  name: ProbeFinding["name"];
  /** What was asked, in words. */
  subject: string;
  value: number;
  /** Rows read; equal to the bound when the table may hold more. */
  rowsRead?: number;
  /** true when every row was read (or an index answered). */
  exact: boolean;
  /** The result in one sentence, for PLAN.md. */
  text: string;
}

const INT_LIMITS: Record<string, number> = { smallint: 32767, integer: 2147483647, bigint: 9223372036854775807 };
const qi = (s: string) => quoteIdent("postgresql", s);
const qt = (s: string) => quoteTable("postgresql", s);
const n = (v: unknown) => Number(v ?? 0);
const scope = (read: number, bound: number) => (read < bound ? "in all" : `in the first ${bound.toLocaleString("en-US")}`);

export type ProbeRequest =
  | { name: "null_count"; table: string; column: string }
  | { name: "duplicate_keys"; table: string; columns: string[] }
  | { name: "orphans"; table: string; column: string; refTable: string; refColumn: string }
  /** `check` is the rule's SQL as the answers give it (checked to be one expression before any probe runs). */
  | { name: "check_violations"; table: string; check: string }
  | { name: "max_value"; table: string; column: string; type: string }
  | { name: "long_transactions"; olderThanSeconds: number };

async function probe(query: Query, r: ProbeRequest, bound: ProbeBound): Promise<ProbeResult> {
  const limit = Math.max(1, Math.floor(bound.rows));
  switch (r.name) {
    case "null_count": {
      const row = (await query(`SELECT count(*) FILTER (WHERE c IS NULL) AS v, count(*) AS seen FROM (SELECT ${qi(r.column)} AS c FROM ${qt(r.table)} LIMIT ${limit}) s`))[0];
      const [v, seen] = [n(row.v), n(row.seen)];
      return { name: r.name, subject: `${r.table}.${r.column}`, value: v, rowsRead: seen, exact: seen < limit, text: `${v} NULL ${r.column} ${scope(seen, limit)} rows of ${r.table}` };
    }
    case "duplicate_keys": {
      // NULLs never collide in a unique index, so they are not duplicates.
      const cols = r.columns.map(qi).join(", ");
      const row = (await query(
        `WITH s AS (SELECT ${cols} FROM ${qt(r.table)} LIMIT ${limit}) SELECT (SELECT count(*) FROM (SELECT 1 FROM s WHERE ${r.columns.map((c) => `${qi(c)} IS NOT NULL`).join(" AND ")} GROUP BY ${cols} HAVING count(*) > 1) d) AS v, (SELECT count(*) FROM s) AS seen`,
      ))[0];
      const [v, seen] = [n(row.v), n(row.seen)];
      return { name: r.name, subject: `${r.table} (${r.columns.join(", ")})`, value: v, rowsRead: seen, exact: seen < limit, text: `${v} duplicated (${r.columns.join(", ")}) values ${scope(seen, limit)} rows of ${r.table}` };
    }
    case "orphans": {
      const row = (await query(
        `WITH s AS (SELECT ${qi(r.column)} AS c FROM ${qt(r.table)} LIMIT ${limit}) SELECT (SELECT count(*) FROM s WHERE c IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${qt(r.refTable)} p WHERE p.${qi(r.refColumn)} = s.c)) AS v, (SELECT count(*) FROM s) AS seen`,
      ))[0];
      const [v, seen] = [n(row.v), n(row.seen)];
      return { name: r.name, subject: `${r.table}.${r.column} -> ${r.refTable}.${r.refColumn}`, value: v, rowsRead: seen, exact: seen < limit, text: `${v} ${r.table} rows whose ${r.column} has no ${r.refTable} row, ${scope(seen, limit)} rows` };
    }
    case "check_violations": {
      // A CHECK passes when its expression is NULL, so only rows where it is false break it.
      const row = (await query(`WITH s AS (SELECT * FROM ${qt(r.table)} LIMIT ${limit}) SELECT (SELECT count(*) FROM s WHERE NOT (${r.check})) AS v, (SELECT count(*) FROM s) AS seen`))[0];
      const [v, seen] = [n(row.v), n(row.seen)];
      return { name: r.name, subject: `${r.table} CHECK (${r.check})`, value: v, rowsRead: seen, exact: seen < limit, text: `${v} rows breaking CHECK (${r.check}) ${scope(seen, limit)} rows of ${r.table}` };
    }
    case "max_value": {
      // ORDER BY ... DESC LIMIT 1 walks the column's btree index backwards when there is one: one row read.
      const row = (await query(`SELECT ${qi(r.column)} AS v FROM ${qt(r.table)} WHERE ${qi(r.column)} IS NOT NULL ORDER BY ${qi(r.column)} DESC LIMIT 1`))[0];
      const v = n(row?.v);
      const limitOf = INT_LIMITS[r.type];
      const used = limitOf ? ` (${((100 * v) / limitOf).toFixed(1)}% of ${r.type}'s maximum ${limitOf.toLocaleString("en-US")})` : "";
      return { name: r.name, subject: `${r.table}.${r.column}`, value: v, exact: true, text: `largest ${r.column} in ${r.table}: ${v.toLocaleString("en-US")}${used}` };
    }
    case "long_transactions": {
      const row = (await query(`SELECT count(*) AS v FROM pg_stat_activity WHERE xact_start < now() - interval '${Math.max(0, Math.floor(r.olderThanSeconds))} seconds' AND pid <> pg_backend_pid()`))[0];
      return { name: r.name, subject: "pg_stat_activity", value: n(row.v), exact: true, text: `${n(row.v)} transactions open for more than ${r.olderThanSeconds} s right now` };
    }
  }
}

/** Runs the probes in one READ ONLY transaction; each is capped by the bound's row count and statement timeout. */
export async function runProbes(query: Query, requests: ProbeRequest[], bound: ProbeBound = DEFAULT_BOUND): Promise<ProbeResult[]> {
  return inReadOnlyTransaction(query, { statementTimeoutMs: bound.timeoutMs }, async () => {
    const out: ProbeResult[] = [];
    for (const r of requests) out.push(await probe(query, r, bound));
    return out;
  });
}
