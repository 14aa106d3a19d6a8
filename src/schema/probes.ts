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

/** Largest value of an integer type: PostgreSQL's names, and MySQL's (`int(11) unsigned`, `mediumint`, ...) with their sign. */
export function integerLimit(type: string): bigint | undefined {
  const m = /^\s*(tinyint|smallint|mediumint|int|integer|bigint|int2|int4|int8)\b(?:\s*\(\d+\))?(\s+unsigned)?/i.exec(type);
  if (!m) return undefined;
  const bits = { tinyint: 8, smallint: 16, int2: 16, mediumint: 24, int: 32, integer: 32, int4: 32, bigint: 64, int8: 64 }[m[1].toLowerCase()]!;
  return m[2] ? (1n << BigInt(bits)) - 1n : (1n << BigInt(bits - 1)) - 1n;
}

const qi = (s: string) => quoteIdent("postgresql", s);
const qt = (s: string) => quoteTable("postgresql", s);
const n = (v: unknown) => Number(v ?? 0);
const scope = (read: number, bound: number) => (read < bound ? "in all" : `in the first ${bound.toLocaleString("en-US")}`);
/** An integer as the server sent it (a string past 2^53), with thousands separators and no rounding. */
const grouped = (v: unknown) => (/^-?\d+$/.test(String(v)) ? BigInt(String(v)).toLocaleString("en-US") : String(v));

export type ProbeRequest =
  | { name: "null_count"; table: string; column: string }
  | { name: "duplicate_keys"; table: string; columns: string[] }
  | { name: "orphans"; table: string; column: string; refTable: string; refColumn: string }
  /** `check` is the rule's SQL as the answers give it (checked to be one expression before any probe runs). */
  | { name: "check_violations"; table: string; check: string }
  | { name: "max_value"; table: string; column: string; type: string }
  | { name: "long_transactions"; olderThanSeconds: number };

/** The result of a probe that counted `value` among the `seen` rows it read, at most `limit` (both engines). */
export function sampledResult(r: Exclude<ProbeRequest, { name: "max_value" | "long_transactions" }>, value: unknown, seen: unknown, limit: number): ProbeResult {
  const [v, read] = [n(value), n(seen)];
  const base = { name: r.name, value: v, rowsRead: read, exact: read < limit };
  const where = scope(read, limit);
  switch (r.name) {
    case "null_count":
      return { ...base, subject: `${r.table}.${r.column}`, text: `${v} NULL ${r.column} ${where} rows of ${r.table}` };
    case "duplicate_keys":
      return { ...base, subject: `${r.table} (${r.columns.join(", ")})`, text: `${v} duplicated (${r.columns.join(", ")}) values ${where} rows of ${r.table}` };
    case "orphans":
      return { ...base, subject: `${r.table}.${r.column} -> ${r.refTable}.${r.refColumn}`, text: `${v} ${r.table} rows whose ${r.column} has no ${r.refTable} row, ${where} rows` };
    case "check_violations":
      return { ...base, subject: `${r.table} CHECK (${r.check})`, text: `${v} rows breaking CHECK (${r.check}) ${where} rows of ${r.table}` };
  }
}

/** The largest key against its type's limit (an index answers it: exact). */
export function maxValueResult(r: Extract<ProbeRequest, { name: "max_value" }>, max: unknown): ProbeResult {
  const v = n(max);
  const limitOf = integerLimit(r.type);
  const used = limitOf ? ` (${((100 * v) / Number(limitOf)).toFixed(1)}% of ${r.type}'s maximum ${limitOf.toLocaleString("en-US")})` : "";
  return { name: r.name, subject: `${r.table}.${r.column}`, value: v, exact: true, text: `largest ${r.column} in ${r.table}: ${grouped(max ?? 0)}${used}` };
}

export function longTransactionsResult(r: Extract<ProbeRequest, { name: "long_transactions" }>, count: unknown, subject: string): ProbeResult {
  return { name: r.name, subject, value: n(count), exact: true, text: `${n(count)} transactions open for more than ${r.olderThanSeconds} s right now` };
}

async function probe(query: Query, r: ProbeRequest, bound: ProbeBound): Promise<ProbeResult> {
  const limit = Math.max(1, Math.floor(bound.rows));
  switch (r.name) {
    case "null_count": {
      const row = (await query(`SELECT count(*) FILTER (WHERE c IS NULL) AS v, count(*) AS seen FROM (SELECT ${qi(r.column)} AS c FROM ${qt(r.table)} LIMIT ${limit}) s`))[0];
      return sampledResult(r, row.v, row.seen, limit);
    }
    case "duplicate_keys": {
      // NULLs never collide in a unique index, so they are not duplicates.
      const cols = r.columns.map(qi).join(", ");
      const row = (await query(
        `WITH s AS (SELECT ${cols} FROM ${qt(r.table)} LIMIT ${limit}) SELECT (SELECT count(*) FROM (SELECT 1 FROM s WHERE ${r.columns.map((c) => `${qi(c)} IS NOT NULL`).join(" AND ")} GROUP BY ${cols} HAVING count(*) > 1) d) AS v, (SELECT count(*) FROM s) AS seen`,
      ))[0];
      return sampledResult(r, row.v, row.seen, limit);
    }
    case "orphans": {
      const row = (await query(
        `WITH s AS (SELECT ${qi(r.column)} AS c FROM ${qt(r.table)} LIMIT ${limit}) SELECT (SELECT count(*) FROM s WHERE c IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${qt(r.refTable)} p WHERE p.${qi(r.refColumn)} = s.c)) AS v, (SELECT count(*) FROM s) AS seen`,
      ))[0];
      return sampledResult(r, row.v, row.seen, limit);
    }
    case "check_violations": {
      // A CHECK passes when its expression is NULL, so only rows where it is false break it.
      const row = (await query(`WITH s AS (SELECT * FROM ${qt(r.table)} LIMIT ${limit}) SELECT (SELECT count(*) FROM s WHERE NOT (${r.check})) AS v, (SELECT count(*) FROM s) AS seen`))[0];
      return sampledResult(r, row.v, row.seen, limit);
    }
    case "max_value": {
      // ORDER BY ... DESC LIMIT 1 walks the column's btree index backwards when there is one: one row read.
      const row = (await query(`SELECT ${qi(r.column)} AS v FROM ${qt(r.table)} WHERE ${qi(r.column)} IS NOT NULL ORDER BY ${qi(r.column)} DESC LIMIT 1`))[0];
      return maxValueResult(r, row?.v);
    }
    case "long_transactions": {
      const row = (await query(`SELECT count(*) AS v FROM pg_stat_activity WHERE xact_start < now() - interval '${Math.max(0, Math.floor(r.olderThanSeconds))} seconds' AND pid <> pg_backend_pid()`))[0];
      return longTransactionsResult(r, row.v, "pg_stat_activity");
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
