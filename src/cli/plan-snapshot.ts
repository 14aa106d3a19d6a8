/** `plan --database-url URL` / `--schema FILE` [--probe]: read the snapshot (drivers load lazily) or explain in one line why not. */
import type { Answers } from "../answers/schema.js";
import { CliError, EXIT } from "./common.js";
import type { PlanOptions } from "./plan-command.js";
import { findTable, type SchemaSnapshot } from "../schema/model.js";
import { integerLimit, type ProbeRequest, type ProbeResult } from "../schema/probes.js";

export async function snapshotFor(opts: Pick<PlanOptions, "databaseUrl" | "schema" | "probe" | "answers">): Promise<SchemaSnapshot> {
  if (opts.databaseUrl && opts.schema) throw new CliError("pass either --database-url or --schema, not both", EXIT.usage);
  if (opts.probe && !opts.databaseUrl) throw new CliError("--probe reads data: it needs --database-url (a schema dump holds no rows)", EXIT.usage);
  const { snapshotFromDump, snapshotFromUrl, SnapshotError } = await import("../schema/sources.js");
  try {
    if (!opts.databaseUrl) return await snapshotFromDump(opts.schema!);
    const snapshot = await snapshotFromUrl(opts.databaseUrl);
    if (!opts.probe || !opts.answers) return snapshot;
    const [{ checkSqlOf, readAnswers }, { snapshotDefaults }] = await Promise.all([import("./plan-batch.js"), import("../schema/fill.js")]);
    // The engine the rule is checked for is the server's, when the answers leave it out.
    const answers = readAnswers(opts.answers, { defaults: { engine_version: "10", ...snapshotDefaults(snapshot) } }, false);
    // A probe runs the answers' own SQL (a check's rule): it must be one expression before it reaches the server.
    await checkSqlOf(answers, opts.answers === "-" ? "<stdin>" : opts.answers);
    const results = await runProbesAt(opts.databaseUrl, probeRequests(answers, snapshot));
    return { ...snapshot, probes: results.map((r) => ({ name: r.name, value: r.value, exact: r.exact, rowsRead: r.rowsRead, text: r.text })) };
  } catch (e) {
    if (e instanceof SnapshotError) throw new CliError(e.message, e.kind === "usage" ? EXIT.usage : EXIT.failure);
    if (e instanceof CliError) throw e;
    throw new CliError(`a probe failed (nothing was changed): ${(e as Error).message}`, EXIT.failure);
  }
}

/** The probes, on their own read-only connection to the URL's server (PostgreSQL, or MySQL/MariaDB). */
async function runProbesAt(url: string, requests: ProbeRequest[]): Promise<ProbeResult[]> {
  const { openPgClient, openMysqlConnection } = await import("../schema/sources.js");
  if (/^(mysql|mariadb):/.test(url)) {
    const { runMysqlProbes } = await import("../schema/mysql-probes.js");
    const conn = await openMysqlConnection(url);
    conn.on("error", () => {});
    try {
      return await runMysqlProbes(async (sql, params) => (await conn.query(sql, params))[0] as Record<string, unknown>[], requests);
    } finally {
      await conn.end().catch(() => {});
    }
  }
  const { runProbes } = await import("../schema/probes.js");
  const client = await openPgClient(url, "migration-wizard probes");
  try {
    return await runProbes(async (sql) => (await client.query(sql)).rows, requests);
  } finally {
    await client.end().catch(() => {});
  }
}

/** The probes that tell something about this change, for columns the snapshot has. */
export function probeRequests(answers: Answers, snapshot: SchemaSnapshot): ProbeRequest[] {
  const out: ProbeRequest[] = [{ name: "long_transactions", olderThanSeconds: 60 }];
  const table = answers.table ? findTable(snapshot, answers.table) : undefined;
  if (!table) return out;
  const t = `${table.schema}.${table.name}`;
  const cols = (answers.columns ?? []).map((c) => table.columns.find((x) => x.name === c.name)).filter((c) => c !== undefined);
  const first = cols[0];
  if (answers.operation === "set_not_null" && first) out.push({ name: "null_count", table: t, column: first.name });
  if (answers.operation === "add_unique_constraint" && cols.length) out.push({ name: "duplicate_keys", table: t, columns: cols.map((c) => c.name) });
  const d = answers.details;
  if (answers.operation === "add_foreign_key" && first && d?.ref_table) out.push({ name: "orphans", table: t, column: first.name, refTable: d.ref_table, refColumn: d.ref_column ?? "id" });
  if (answers.operation === "add_check_constraint" && d?.check?.trim()) out.push({ name: "check_violations", table: t, check: d.check.trim() });
  if (answers.operation === "change_column_type" && first && integerLimit(first.type) !== undefined) out.push({ name: "max_value", table: t, column: first.name, type: first.type });
  return out;
}
