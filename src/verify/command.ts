/**
 * `migration-wizard verify DIR [--database-url URL]`: run the SQL that DIR holds (disk.ts), forward,
 * back and forward again on a fixture, and print what each statement really did. The plan rebuilt
 * from DIR/answers.yaml supplies only the claims to check. Embedded PostgreSQL (PGlite) by default;
 * on a server, in a database verify creates and drops itself (server.ts).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { AnswersError, loadAnswersFile, requirePlanAnswers } from "../answers/load.js";
import type { PlanAnswers } from "../answers/schema.js";
import { changedSinceWritten, readManifest } from "../output/manifest.js";
import { PlanError } from "../plan/errors.js";
import type { Plan } from "../plan/model.js";
import { planOutputs } from "../render/outputs.js";
import { planOnDisk } from "./disk.js";
import { firstLine, verifyPlan, type StatementReport, type VerifyReport } from "./run.js";
import { checkDatabaseUrl, inThrowawayDatabase, UrlError } from "./server.js";
import { MissingPgliteError, openEmbedded, openServer, type SqlSession } from "./session.js";
import type { Observers } from "./trace.js";
import { bareName } from "../plan/encode.js";

export interface VerifyCommandOptions {
  databaseUrl?: string;
  json?: boolean;
  /** Rows in the fixture table (default 5000). */
  rows?: number;
}

export interface VerifyCommandResult {
  output: string;
  exitCode: number;
}

const bad = (message: string): VerifyCommandResult => ({ output: message + "\n", exitCode: 2 });

/** Schemas other than public that the answers name: created in the fresh database, first on the search path. */
function schemaSetup(answers: PlanAnswers): { sql: string[]; searchPath?: string } {
  const names = [answers.table, answers.details?.ref_table, ...(answers.details?.referenced_by ?? []), ...(answers.columns ?? []).map((c) => c.references)];
  const schemas = [...new Set(names.filter((n): n is string => !!n).map((n) => /^\s*([A-Za-z_][\w$]*)\.[A-Za-z_]/.exec(n)?.[1]).filter((s): s is string => !!s && s !== "public"))];
  if (!schemas.length) return { sql: [] };
  const searchPath = [...schemas.map((s) => `"${s}"`), "public"].join(", ");
  return { sql: [...schemas.map((s) => `CREATE SCHEMA IF NOT EXISTS "${s}"`), `SET search_path TO ${searchPath}`], searchPath };
}

function loadPlan(dir: string): { plan: Plan; problems: string[]; notes: string[] } | VerifyCommandResult {
  const file = join(dir, "answers.yaml");
  if (!existsSync(file)) {
    return bad(`verify: no answers.yaml in ${dir}. Write a plan folder first: migration-wizard plan --answers FILE --out ${dir}`);
  }
  try {
    const answers = requirePlanAnswers(loadAnswersFile(file), file);
    if (answers.engine !== "postgresql") {
      return bad(`verify: ${file}: engine is ${answers.engine}; verify runs PostgreSQL plans only (MySQL SQL cannot be executed here).`);
    }
    const { plan, tool } = planOutputs(answers, new Date());
    const notes: string[] = [];
    const problems: string[] = [];
    const manifest = readManifest(dir);
    if (!manifest) notes.push("No manifest (.migration-wizard.json) in the folder: whether the tool's files changed since they were written cannot be told.");
    else for (const f of changedSinceWritten(dir, manifest)) problems.push(`${f} changed since the plan wrote it: verify proves the files as written (write the plan again, or undo the edit)`);
    const onDisk = planOnDisk(dir, plan, tool);
    problems.push(...onDisk.problems);
    notes.push(
      answers.tool === "raw-sql"
        ? "Ran the statements of the migrations/*.sql files, as read from disk."
        : `Ran the statements PLAN.md shows, as read from disk; the ${answers.tool} files were checked against the manifest.`,
    );
    return { plan: onDisk.plan, problems, notes };
  } catch (e) {
    if (e instanceof AnswersError) return bad(`verify: ${file} is not a valid answers file:\n  ${e.problems.join("\n  ")}`);
    if (e instanceof PlanError) return bad(`verify: cannot build a plan from ${file}: ${e.field ? e.field + ": " : ""}${e.message}`);
    throw e;
  }
}

export async function verifyCommand(dir: string, opts: VerifyCommandOptions = {}): Promise<VerifyCommandResult> {
  if (opts.databaseUrl !== undefined) {
    try {
      checkDatabaseUrl(opts.databaseUrl);
    } catch (e) {
      if (e instanceof UrlError) return bad(`verify: ${e.message}`);
      throw e;
    }
  }
  const loaded = loadPlan(dir);
  if ("exitCode" in loaded) return loaded;
  const { plan, problems, notes } = loaded;
  if (problems.length) {
    const out = [`Verifying: ${plan.summary}`, "", ...problems.map((p) => `FAILURE: ${p}`), `verdict: FAILED: the files on disk are not the plan's; nothing was run.`];
    if (opts.json) return { output: JSON.stringify({ ok: false, problems, summary: plan.summary }, null, 2) + "\n", exitCode: 1 };
    return { output: out.join("\n") + "\n", exitCode: 1 };
  }
  const setup = schemaSetup(plan.answers as PlanAnswers);
  let report: VerifyReport;
  let where: string;
  if (opts.databaseUrl !== undefined) {
    const run = await inThrowawayDatabase(opts.databaseUrl, (url) => runOnServer(plan, url, setup, opts.rows));
    if ("error" in run) return bad(`verify: ${run.refused ? "refused" : "cannot use the database at the given URL"}: ${run.error}`);
    ({ report, where } = run.result);
    notes.push(`Ran inside the database ${run.database}, created for this run and dropped afterwards${run.dropped ? "" : " (the drop FAILED: drop it by hand)"}.`);
    notes.push("Statements that cannot run in a transaction block were watched from a second connection while a third held the table.");
  } else {
    let db: Awaited<ReturnType<typeof openEmbedded>>;
    try {
      db = await openEmbedded();
    } catch (e) {
      if (e instanceof MissingPgliteError) return { output: `verify: ${e.message}\n`, exitCode: 1 };
      throw e;
    }
    try {
      where = await versionOf(db, "embedded PostgreSQL (PGlite)");
      for (const sql of setup.sql) await db.query(sql);
      report = await verifyPlan(plan, db, { rows: opts.rows });
    } finally {
      await db.close();
    }
    notes.push(
      "Embedded PostgreSQL has a single session: nothing else competes for locks, so lock_timeout and statement_timeout never fire here, " +
        "and statements that cannot run in a transaction block are not lock-traced (their rewrite is). Use --database-url for both.",
    );
  }
  const major = where.match(/PostgreSQL (\d+)/)?.[1];
  if (major && plan.engineVersion.split(".")[0] !== major) {
    notes.push(`The plan is for PostgreSQL ${plan.engineVersion}; this run used PostgreSQL ${major}: the locks shown are that version's.`);
  }
  const ok = report.ok;
  if (opts.json) {
    return { output: JSON.stringify({ ok, where, notes, summary: plan.summary, report }, null, 2) + "\n", exitCode: ok ? 0 : 1 };
  }
  return { output: formatReport(plan, report, where, notes), exitCode: ok ? 0 : 1 };
}

async function versionOf(session: SqlSession, label: string): Promise<string> {
  const rows = await session.query("SELECT current_setting('server_version') AS v");
  return `${label}, PostgreSQL ${String(rows[0]?.v ?? "?").split(" ")[0]}`;
}

/** The run inside the throwaway database at `url`: the main session plus two observers. */
async function runOnServer(plan: Plan, url: string, setup: { sql: string[]; searchPath?: string }, rows: number | undefined) {
  const sessions: SqlSession[] = [];
  try {
    const main = await openServer(url);
    sessions.push(main);
    for (const sql of setup.sql) await main.query(sql);
    const watcher = await openServer(url, setup.searchPath);
    sessions.push(watcher);
    const blocker = await openServer(url, setup.searchPath);
    sessions.push(blocker);
    const pid = Number((await main.query("SELECT pg_backend_pid() AS pid"))[0]?.pid);
    const observers: Observers = { watcher, blocker, pid };
    const where = await versionOf(main, "server");
    return { report: await verifyPlan(plan, main, { rows, observers }), where };
  } finally {
    for (const s of sessions) await s.close().catch(() => {});
  }
}

function describeLocks(s: StatementReport): string {
  if (s.trace.method === "setting") return "setting";
  if (s.trace.error) return `FAILED: ${s.trace.error.code ? s.trace.error.code + " " : ""}${s.trace.error.message}`;
  const lock = s.observedLock === "not traced" ? "locks not traced" : `lock ${s.observedLock}`;
  // Other tables the statement locked (indexes follow their table and would only add noise).
  const otherTables = new Set(s.trace.locks.filter((l) => l.relkind === "table" && !l.created).map((l) => l.relation));
  const others = Object.entries(s.trace.strongestByRelation)
    .filter(([rel]) => otherTables.has(rel) && !s.claimed.tables.includes(rel))
    .map(([rel, mode]) => `${rel}: ${mode}`);
  const rewrite = s.observedRewrite.length ? `REWRITE of ${s.observedRewrite.join(", ")}` : "no rewrite";
  return `${lock}${others.length ? ` (also ${others.join(", ")})` : ""}, ${rewrite}, ${s.trace.ms.toFixed(1)} ms`;
}

export function formatReport(plan: Plan, report: VerifyReport, where: string, notes: string[]): string {
  const out: string[] = [];
  out.push(`Verifying: ${plan.summary}`);
  out.push(`On ${where}; test table ${bareName(plan.answers.table ?? "")} with ${report.rows} rows.`);
  let heading = "";
  for (const s of report.statements) {
    const h = `${s.pass} ${s.phase}`;
    if (h !== heading) {
      heading = h;
      out.push("", h);
    }
    out.push(`  ${firstLine(s.sql)}`);
    if (s.trace.method !== "setting") {
      out.push(`    claimed: lock ${s.claimed.lock} on ${s.claimed.tables.join(", ")}, ${s.claimed.rewrite ? "rewrite" : "no rewrite"}`);
    }
    out.push(`    did:     ${describeLocks(s)}`);
    if (s.trace.method === "observed" || s.trace.method === "not-traced") out.push(`    how:     ${s.trace.how}`);
    if (s.batchRuns) out.push(`    batched: ran ${s.batchRuns} times until it reported nothing left`);
    for (const n of s.versionNotes) out.push(`    version note: ${n}`);
    for (const m of s.mismatches) out.push(`    MISMATCH: ${m}`);
  }
  if (report.checks.length) {
    out.push("", "checks");
    for (const c of report.checks) out.push(`  ${c.ok ? "ok  " : "FAIL"} ${c.pass} ${c.phase}: ${c.description}${c.error ? ` (${c.error})` : ""}`);
  }
  out.push("");
  if (report.rolledBack.length) out.push(`Rolled back ${report.rolledBack.join(", ")}, then applied them again.`);
  if (report.rollbackStoppedAt) {
    out.push(`Rollback stops at ${report.rollbackStoppedAt.phase}: ${report.rollbackStoppedAt.reason}`);
  }
  for (const n of notes) out.push(`Note: ${n}`);
  for (const f of report.failures) out.push(`FAILURE: ${f}`);
  const traced = report.statements.filter((s) => s.trace.method === "transaction" || s.trace.method === "observed").length;
  const versionNoteCount = report.statements.reduce((n, s) => n + s.versionNotes.length, 0);
  const changes = report.statements.filter((s) => s.trace.method !== "setting").length;
  const checksOk = report.checks.filter((c) => c.ok).length;
  out.push(
    report.ok
      ? `verdict: OK: ${count(changes, "statement")} ran (${traced} lock-traced), every traced lock and rewrite matches the plan${versionNoteCount ? ` (${count(versionNoteCount, "version note")})` : ""}; ${checksOk}/${report.checks.length} checks passed.`
      : `verdict: FAILED: ${count(report.mismatches.length, "mismatch", "mismatches")}, ${count(report.failures.length, "failure")}.`,
  );
  return out.join("\n") + "\n";
}

/** "1 statement", "2 statements". */
function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
