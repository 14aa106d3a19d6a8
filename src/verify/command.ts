/**
 * `migration-wizard verify DIR [--database-url URL]`: rebuild the plan from DIR/answers.yaml, run it
 * forward, back and forward again on a fixture, and print what each statement really did.
 * Embedded PostgreSQL (PGlite) by default; on a server it works inside a throwaway schema that is
 * dropped at the end, even on failure.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { AnswersError, loadAnswersFile, requirePlanAnswers } from "../answers/load.js";
import type { PlanAnswers } from "../answers/schema.js";
import { buildPlan, PlanError } from "../plan/build.js";
import type { Plan } from "../plan/model.js";
import { firstLine, verifyPlan, type StatementReport, type VerifyReport } from "./run.js";
import { errorInfo, openEmbedded, openServer, type SqlSession } from "./session.js";
import type { Observers } from "./trace.js";

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
const unqualified = (t: string) => t.split(".").pop()!;

/** The fixture lives in its own schema, so schema-qualified names are reduced to the bare name. */
function unqualify(answers: PlanAnswers): { answers: PlanAnswers; changed: boolean } {
  const d = answers.details;
  const next: PlanAnswers = {
    ...answers,
    table: unqualified(answers.table),
    details: d && {
      ...d,
      ref_table: d.ref_table && unqualified(d.ref_table),
      referenced_by: d.referenced_by?.map((r) => r.replace(/^[A-Za-z_][\w$]*\.(?=[A-Za-z_])/, "")),
    },
  };
  return { answers: next, changed: JSON.stringify(next) !== JSON.stringify(answers) };
}

export async function verifyCommand(dir: string, opts: VerifyCommandOptions = {}): Promise<VerifyCommandResult> {
  const file = join(dir, "answers.yaml");
  if (!existsSync(file)) {
    return bad(`verify: no answers.yaml in ${dir}. Write a plan folder first: migration-wizard plan --answers FILE --out ${dir}`);
  }
  let plan: Plan;
  let renamed = false;
  try {
    const loaded = requirePlanAnswers(loadAnswersFile(file), file);
    if (loaded.engine !== "postgresql") {
      return bad(`verify: ${file}: engine is ${loaded.engine}; verify runs PostgreSQL plans only (MySQL SQL cannot be executed here).`);
    }
    const { answers, changed } = unqualify(loaded);
    renamed = changed;
    plan = buildPlan(answers);
  } catch (e) {
    if (e instanceof AnswersError) return bad(`verify: ${file} is not a valid answers file:\n  ${e.problems.join("\n  ")}`);
    if (e instanceof PlanError) return bad(`verify: cannot build a plan from ${file}: ${e.field ? e.field + ": " : ""}${e.message}`);
    throw e;
  }

  const notes: string[] = [];
  if (renamed) notes.push("Schema-qualified names were reduced to bare names: the test table lives in the verify schema.");
  let report: VerifyReport;
  let where: string;
  if (opts.databaseUrl) {
    const run = await runOnServer(plan, opts.databaseUrl, opts.rows);
    if ("error" in run) return bad(`verify: cannot use the database at the given URL: ${run.error}`);
    ({ report, where } = run);
    notes.push(`Ran inside the throwaway schema ${run.schema}, dropped afterwards${run.dropped ? "" : " (the drop FAILED: drop it by hand)"}.`);
    notes.push("Statements that cannot run in a transaction block were watched from a second connection while a third held the table.");
  } else {
    const db = await openEmbedded();
    try {
      where = await versionOf(db, "embedded PostgreSQL (PGlite)");
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

async function runOnServer(
  plan: Plan,
  url: string,
  rows: number | undefined,
): Promise<{ report: VerifyReport; where: string; schema: string; dropped: boolean } | { error: string }> {
  const schema = `mw_verify_${randomBytes(6).toString("hex")}`;
  const sessions: SqlSession[] = [];
  let main: SqlSession;
  try {
    main = await openServer(url);
    sessions.push(main);
  } catch (e) {
    return { error: errorInfo(e).message };
  }
  let created = false;
  try {
    await main.query(`CREATE SCHEMA ${schema}`);
    created = true;
    await main.query(`SET search_path TO ${schema}`);
    const watcher = await openServer(url, schema);
    sessions.push(watcher);
    const blocker = await openServer(url, schema);
    sessions.push(blocker);
    const pid = Number((await main.query("SELECT pg_backend_pid() AS pid"))[0]?.pid);
    const observers: Observers = { watcher, blocker, pid };
    const where = await versionOf(main, "server");
    const report = await verifyPlan(plan, main, { rows, observers });
    return { report, where, schema, dropped: await dropSchema(url, main, schema) };
  } catch (e) {
    const dropped = created ? await dropSchema(url, main, schema) : true;
    return { error: errorInfo(e).message + (dropped ? "" : ` (and the schema ${schema} could not be dropped: drop it by hand)`) };
  } finally {
    for (const s of sessions) await s.close().catch(() => {});
  }
}

/** Drop the throwaway schema; on a fresh connection if the main one is unusable. */
async function dropSchema(url: string, main: SqlSession, schema: string): Promise<boolean> {
  const drop = async (s: SqlSession) => {
    await s.query("ROLLBACK").catch(() => {});
    // The plan's own timeouts must not cut the cleanup short.
    await s.query("RESET ALL");
    await s.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  };
  try {
    await drop(main);
    return true;
  } catch {
    try {
      const fresh = await openServer(url);
      try {
        await drop(fresh);
        return true;
      } finally {
        await fresh.close();
      }
    } catch {
      return false;
    }
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
  out.push(`On ${where}; test table ${unqualified(plan.answers.table ?? "")} with ${report.rows} rows.`);
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
      ? `verdict: OK: ${changes} statements ran (${traced} lock-traced), every traced lock and rewrite matches the plan${versionNoteCount ? ` (${versionNoteCount} version note(s))` : ""}; ${checksOk}/${report.checks.length} checks passed.`
      : `verdict: FAILED: ${report.mismatches.length} mismatch(es), ${report.failures.length} failure(s).`,
  );
  return out.join("\n") + "\n";
}
