/**
 * `troubleshoot --database-url`: run the diagnosis' confirming queries on the user's PostgreSQL, MySQL or MariaDB,
 * read-only (one READ ONLY transaction with a statement timeout; one failed query does not hide the rest), and
 * show what they returned.
 */
import { versionOf } from "../schema/fill.js";
import { inMysqlReadOnlyTransaction, productOf, type MysqlQuery } from "../schema/mysql-reader.js";
import { inReadOnlyTransaction } from "../schema/pg-reader.js";
import { openMysqlConnection, openPgClient, redactUrl } from "../schema/sources.js";

export interface ConfirmResult {
  purpose: string;
  /** Up to `maxRows` rows as text lines, or why the query was not run or failed. */
  lines: string[];
  ok: boolean;
}

const cell = (v: unknown) => (v === null || v === undefined ? "NULL" : v instanceof Date ? v.toISOString() : String(v)).replace(/\s+/g, " ");

type Confirming = { purpose: string; sql: string; placeholders: boolean }[];
type Rows = (sql: string) => Promise<Record<string, unknown>[]>;

/** Each query in turn through `guarded` (which keeps one failure from hiding the rest); at most `maxRows` rows each. */
async function runEach(queries: Confirming, guarded: Rows, maxRows: number): Promise<ConfirmResult[]> {
  const out: ConfirmResult[] = [];
  for (const q of queries) {
    if (q.placeholders) {
      out.push({ purpose: q.purpose, ok: false, lines: ["not run: it still has placeholders (pass the names in the error text or the answers)"] });
      continue;
    }
    try {
      const rows = await guarded(q.sql);
      const lines = rows.slice(0, maxRows).map((r) => Object.entries(r).map(([k, v]) => `${k}=${cell(v)}`).join("  "));
      if (rows.length > maxRows) lines.push(`... ${rows.length - maxRows} more rows`);
      out.push({ purpose: q.purpose, ok: true, lines: lines.length ? lines : ["(no rows)"] });
    } catch (e) {
      out.push({ purpose: q.purpose, ok: false, lines: [`failed: ${(e as Error).message.split("\n")[0]}`] });
    }
  }
  return out;
}

/** PostgreSQL: a failed statement aborts the transaction, so each query runs behind a savepoint. */
async function onPostgres(url: string, queries: Confirming, maxRows: number): Promise<ConfirmResult[]> {
  const client = await openPgClient(url, "migration-wizard troubleshoot");
  const query: Rows = async (sql) => (await client.query(sql)).rows as Record<string, unknown>[];
  const guarded: Rows = async (sql) => {
    await query("SAVEPOINT confirm");
    try {
      const rows = await query(sql);
      await query("RELEASE SAVEPOINT confirm");
      return rows;
    } catch (e) {
      await query("ROLLBACK TO SAVEPOINT confirm");
      throw e;
    }
  };
  try {
    return await inReadOnlyTransaction(query, { statementTimeoutMs: 5000 }, () => runEach(queries, guarded, maxRows));
  } finally {
    await client.end().catch(() => {});
  }
}

/** MySQL/MariaDB: START TRANSACTION READ ONLY with the statement cap; a failed statement leaves the transaction open. */
async function onMysql(url: string, queries: Confirming, maxRows: number): Promise<ConfirmResult[]> {
  const conn = await openMysqlConnection(url);
  conn.on("error", () => {});
  const query: MysqlQuery = async (sql, params) => (await conn.query(sql, params))[0] as Record<string, unknown>[];
  try {
    return await inMysqlReadOnlyTransaction(query, { statementTimeoutMs: 5000 }, () => runEach(queries, (sql) => query(sql), maxRows));
  } finally {
    await conn.end().catch(() => {});
  }
}

/** The URL's engine family: the confirming queries are written for the diagnosis' engine and must run on the same kind of server. */
export const urlFamily = (url: string): "postgresql" | "mysql" => (/^(mysql|mariadb):\/\//.test(url) ? "mysql" : "postgresql");

/**
 * Which server a mysql:// or mariadb:// URL reaches (MariaDB's queries differ where performance_schema is off),
 * with its version, so the diagnosis is built for it.
 */
export async function mysqlServer(url: string): Promise<{ engine: "mysql" | "mariadb"; version: string }> {
  const conn = await openMysqlConnection(url);
  conn.on("error", () => {});
  try {
    const [rows] = await conn.query("SELECT VERSION() AS version");
    const version = String((rows as Record<string, unknown>[])[0].version);
    return { engine: productOf(version), version: versionOf(version) };
  } finally {
    await conn.end().catch(() => {});
  }
}

export async function runConfirmingQueries(url: string, queries: Confirming, maxRows = 20): Promise<{ where: string; results: ConfirmResult[] }> {
  const results = urlFamily(url) === "mysql" ? await onMysql(url, queries, maxRows) : await onPostgres(url, queries, maxRows);
  return { where: redactUrl(url), results };
}

/** The results as a REPAIR.md section: database output goes inside a fence longer than any backtick run in it. */
export function confirmSection(where: string, results: ConfirmResult[]): string {
  const body = results.map((r, i) => `${i + 1}. ${r.purpose}\n${r.lines.map((l) => `   ${l}`).join("\n")}`).join("\n");
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `## Confirmed on the database\n\nThe confirming queries, run read-only on ${where.replace(/[`*_[\]<>|\\]/g, "\\$&")}:\n\n${fence}text\n${body}\n${fence}\n`;
}
