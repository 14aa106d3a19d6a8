/**
 * `troubleshoot --database-url`: run the diagnosis' confirming queries on the user's PostgreSQL, read-only (one
 * READ ONLY transaction, statement timeout, each query behind a savepoint so one failure does not hide the rest),
 * and show what they returned.
 */
import { inReadOnlyTransaction } from "../schema/pg-reader.js";
import { openPgClient, redactUrl } from "../schema/sources.js";

export interface ConfirmResult {
  purpose: string;
  /** Up to `maxRows` rows as text lines, or why the query was not run or failed. */
  lines: string[];
  ok: boolean;
}

const cell = (v: unknown) => (v === null || v === undefined ? "NULL" : v instanceof Date ? v.toISOString() : String(v)).replace(/\s+/g, " ");

export async function runConfirmingQueries(url: string, queries: { purpose: string; sql: string; placeholders: boolean }[], maxRows = 20): Promise<{ where: string; results: ConfirmResult[] }> {
  const client = await openPgClient(url, "migration-wizard troubleshoot");
  const query = async (sql: string) => (await client.query(sql)).rows as Record<string, unknown>[];
  try {
    const results = await inReadOnlyTransaction(query, { statementTimeoutMs: 5000 }, async () => {
      const out: ConfirmResult[] = [];
      for (const q of queries) {
        if (q.placeholders) {
          out.push({ purpose: q.purpose, ok: false, lines: ["not run: it still has placeholders (pass the names in the error text or the answers)"] });
          continue;
        }
        await query("SAVEPOINT confirm");
        try {
          const rows = await query(q.sql);
          await query("RELEASE SAVEPOINT confirm");
          const lines = rows.slice(0, maxRows).map((r) => Object.entries(r).map(([k, v]) => `${k}=${cell(v)}`).join("  "));
          if (rows.length > maxRows) lines.push(`... ${rows.length - maxRows} more rows`);
          out.push({ purpose: q.purpose, ok: true, lines: lines.length ? lines : ["(no rows)"] });
        } catch (e) {
          await query("ROLLBACK TO SAVEPOINT confirm");
          out.push({ purpose: q.purpose, ok: false, lines: [`failed: ${(e as Error).message.split("\n")[0]}`] });
        }
      }
      return out;
    });
    return { where: redactUrl(url), results };
  } finally {
    await client.end().catch(() => {});
  }
}

/** The results as a REPAIR.md section: database output goes inside a fence longer than any backtick run in it. */
export function confirmSection(where: string, results: ConfirmResult[]): string {
  const body = results.map((r, i) => `${i + 1}. ${r.purpose}\n${r.lines.map((l) => `   ${l}`).join("\n")}`).join("\n");
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `## Confirmed on the database\n\nThe confirming queries, run read-only on ${where.replace(/[`*_[\]<>|\\]/g, "\\$&")}:\n\n${fence}text\n${body}\n${fence}\n`;
}
