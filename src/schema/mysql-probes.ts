/**
 * The bounded probes on MySQL/MariaDB: the same questions and the same answers as probes.ts, in MySQL's SQL
 * (no FILTER, no CTE on 5.7), inside the reader's START TRANSACTION READ ONLY with the statement cap
 * (`max_execution_time` on MySQL, `max_statement_time` on MariaDB). Each reads at most `rows` rows through a
 * LIMIT in a derived table, so a large table is sampled, not scanned. Long transactions come from
 * information_schema.INNODB_TRX (performance_schema is off by default on MariaDB), which needs the PROCESS
 * privilege: without it the probe says it could not read them instead of reporting none.
 */
import { quoteIdent, quoteTable } from "../plan/sql.js";
import { inMysqlReadOnlyTransaction, type MysqlQuery } from "./mysql-reader.js";
import { DEFAULT_BOUND, longTransactionsResult, maxValueResult, sampledResult, type ProbeBound, type ProbeRequest, type ProbeResult } from "./probes.js";

const qi = (s: string) => quoteIdent("mysql", s);
const qt = (s: string) => quoteTable("mysql", s);

/** ER_SPECIFIC_ACCESS_DENIED_ERROR: "you need (at least one of) the PROCESS privilege(s)". */
const NEEDS_PRIVILEGE = 1227;

async function longTransactions(query: MysqlQuery, r: Extract<ProbeRequest, { name: "long_transactions" }>): Promise<ProbeResult> {
  const seconds = Math.max(0, Math.floor(r.olderThanSeconds));
  try {
    const row = (await query(`SELECT COUNT(*) AS v FROM information_schema.INNODB_TRX WHERE trx_started < NOW() - INTERVAL ${seconds} SECOND AND trx_mysql_thread_id <> CONNECTION_ID()`))[0];
    return longTransactionsResult(r, row.v, "information_schema.INNODB_TRX");
  } catch (e) {
    if ((e as { errno?: number }).errno !== NEEDS_PRIVILEGE) throw e;
    return {
      name: r.name,
      subject: "information_schema.INNODB_TRX",
      value: 0,
      exact: false,
      text: `transactions open for more than ${r.olderThanSeconds} s: not read, this user lacks the PROCESS privilege that information_schema.INNODB_TRX needs`,
    };
  }
}

/** At most `limit` rows of the table, as the derived table `s`. */
const sample = (table: string, cols: string, limit: number) => `(SELECT ${cols} FROM ${qt(table)} LIMIT ${limit}) s`;

async function probe(query: MysqlQuery, r: ProbeRequest, limit: number): Promise<ProbeResult> {
  switch (r.name) {
    case "null_count": {
      const row = (await query(`SELECT COALESCE(SUM(c IS NULL), 0) AS v, COUNT(*) AS seen FROM ${sample(r.table, `${qi(r.column)} AS c`, limit)}`))[0];
      return sampledResult(r, row.v, row.seen, limit);
    }
    case "duplicate_keys": {
      // One row per distinct key among the sampled rows; NULLs never collide in a unique index, so a key with one is no duplicate.
      const cols = r.columns.map(qi).join(", ");
      const keyed = r.columns.map((c) => `${qi(c)} IS NOT NULL`).join(" AND ");
      const row = (await query(
        `SELECT COALESCE(SUM(copies > 1 AND keyed), 0) AS v, COALESCE(SUM(copies), 0) AS seen FROM (SELECT COUNT(*) AS copies, MAX(${keyed}) AS keyed FROM ${sample(r.table, cols, limit)} GROUP BY ${cols}) g`,
      ))[0];
      return sampledResult(r, row.v, row.seen, limit);
    }
    case "orphans": {
      const row = (await query(
        `SELECT COALESCE(SUM(c IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${qt(r.refTable)} p WHERE p.${qi(r.refColumn)} = s.c)), 0) AS v, COUNT(*) AS seen FROM ${sample(r.table, `${qi(r.column)} AS c`, limit)}`,
      ))[0];
      return sampledResult(r, row.v, row.seen, limit);
    }
    case "check_violations": {
      // A CHECK passes when its expression is NULL: SUM skips NULL, so only rows where it is false count.
      const row = (await query(`SELECT COALESCE(SUM(NOT (${r.check})), 0) AS v, COUNT(*) AS seen FROM ${sample(r.table, "*", limit)}`))[0];
      return sampledResult(r, row.v, row.seen, limit);
    }
    case "max_value": {
      // MAX of an indexed column is read from the end of its index: one row.
      const row = (await query(`SELECT MAX(${qi(r.column)}) AS v FROM ${qt(r.table)}`))[0];
      return maxValueResult(r, row?.v);
    }
    case "long_transactions":
      return longTransactions(query, r);
  }
}

/** Runs the probes in one READ ONLY transaction on MySQL or MariaDB; each is capped by the bound's row count and statement cap. */
export async function runMysqlProbes(query: MysqlQuery, requests: ProbeRequest[], bound: ProbeBound = DEFAULT_BOUND): Promise<ProbeResult[]> {
  const limit = Math.max(1, Math.floor(bound.rows));
  return inMysqlReadOnlyTransaction(query, { statementTimeoutMs: bound.timeoutMs }, async () => {
    const out: ProbeResult[] = [];
    for (const r of requests) out.push(await probe(query, r, limit));
    return out;
  });
}
