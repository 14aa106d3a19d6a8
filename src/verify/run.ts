/**
 * Apply a plan to a fixture and hold it to its claims: every phase in order (each statement traced,
 * each check run), then roll back phase by phase from the end, then apply forward again.
 *
 * Rolling back goes only through phases that can be undone: it walks back from the last phase and
 * stops at the first one marked irreversible (or with statements and no rollback), as a person
 * running the plan would have to. The re-apply starts from the earliest phase rolled back.
 */
import type { PlanAnswers } from "../answers/schema.js";
import type { Phase, Plan, Statement } from "../plan/model.js";
import { DEFAULT_FIXTURE_ROWS, fixtureSql } from "./fixture.js";
import { invariantsFor } from "./invariants.js";
import { errorInfo, type Row, type SqlSession } from "./session.js";
import { lockModeName, lockRank, strongest, traceStatement, type Observers, type TraceResult } from "./trace.js";
import { bareName } from "../plan/encode.js";

export type Pass = "apply" | "rollback" | "reapply";

export interface StatementReport {
  pass: Pass;
  phase: string;
  sql: string;
  claimed: { lock: string; rewrite: boolean; transaction: boolean; tables: string[] };
  /** Strongest lock seen on the claimed tables: a mode, "none", or "not traced". */
  observedLock: string;
  observedRewrite: string[];
  trace: TraceResult;
  mismatches: string[];
  /** Claims stronger than what a newer running version did (see compareClaims). */
  versionNotes: string[];
  /** For a batched statement: how many runs it took to finish. */
  batchRuns?: number;
}

export interface CheckReport {
  pass: Pass;
  phase: string;
  description: string;
  ok: boolean;
  error?: string;
}

export interface VerifyReport {
  rows: number;
  fixture: string[];
  statements: StatementReport[];
  checks: CheckReport[];
  /** Phase ids rolled back, last first. */
  rolledBack: string[];
  /** Why the rollback stopped before the first phase, when it did. */
  rollbackStoppedAt?: { phase: string; reason: string };
  /** Claimed lock or rewrite that differs from what PostgreSQL did. */
  mismatches: string[];
  /** Statements or checks that failed. */
  failures: string[];
  /** Major versions: the plan's and the one that ran it. */
  versions: { planned?: number; running?: number };
  ok: boolean;
}


/** "AccessExclusiveLock" or "access exclusive" -> "ACCESS EXCLUSIVE"; "none" stays. */
export function normaliseLock(lock: string): string {
  const t = lock.trim();
  if (/^none$/i.test(t)) return "none";
  return /Lock$/.test(t) && !/\s/.test(t) ? lockModeName(t) : t.toUpperCase().replace(/\s+/g, " ");
}

/** The tables a statement's lock claim is about: its own list, else the plan's table. */
export function claimedTables(stmt: Statement, plan: Plan): string[] {
  const list = stmt.lockedTables?.length ? stmt.lockedTables : plan.answers.table ? [plan.answers.table] : [];
  return list.map(bareName);
}

const rankOf = (lock: string) => (lock === "none" ? -1 : lockRank(lock));

/**
 * Compare a statement's claims with its trace. When the plan is for an older major version than the
 * one running it, a claim stronger than what happened (a rewrite or lock that newer PostgreSQL
 * avoids, e.g. ADD COLUMN ... DEFAULT before 11) is a version note, not a mismatch: newer versions
 * only got cheaper. A claim weaker than what happened is always a mismatch.
 */
export function compareClaims(
  stmt: Statement,
  trace: TraceResult,
  tables: string[],
  versions: { planned?: number; running?: number } = {},
): { observedLock: string; mismatches: string[]; versionNotes: string[] } {
  const mismatches: string[] = [];
  const versionNotes: string[] = [];
  if (stmt.setting || trace.error) return { observedLock: stmt.setting ? "none" : "failed", mismatches, versionNotes };
  const older = versions.planned !== undefined && versions.running !== undefined && versions.planned < versions.running;
  const versionLabel = `the plan is for PostgreSQL ${versions.planned}, this is ${versions.running}`;
  const rewrote = trace.rewritten.length > 0;
  if (rewrote !== stmt.rewrite) {
    if (stmt.rewrite && older) versionNotes.push(`claims a table rewrite; PostgreSQL ${versions.running} did not rewrite (${versionLabel})`);
    else
      mismatches.push(
        stmt.rewrite
          ? `claims a table rewrite, but PostgreSQL did not rewrite any table`
          : `claims no rewrite, but PostgreSQL rewrote ${trace.rewritten.join(", ")}`,
      );
  }
  if (trace.method === "not-traced") return { observedLock: "not traced", mismatches, versionNotes };
  const observed = strongest(tables.map((t) => trace.strongestByRelation[t]).filter((m): m is string => !!m)) ?? "none";
  const claimed = normaliseLock(stmt.lock);
  if (observed !== claimed) {
    if (older && rankOf(claimed) > rankOf(observed)) {
      versionNotes.push(`claims lock ${claimed}; PostgreSQL ${versions.running} took ${observed} (${versionLabel})`);
    } else {
      mismatches.push(`claims lock ${claimed} on ${tables.join(", ") || "(no table)"}, but PostgreSQL took ${observed}`);
    }
  }
  return { observedLock: observed, mismatches, versionNotes };
}

/** A batch that returned a row with a value (its next key) has more to do; no row or all NULL: done. */
function batchHasMore(rows: Row[] | undefined): boolean {
  return !!rows && rows.length > 0 && Object.values(rows[0]).some((v) => v !== null && v !== "");
}

/** Whether rolling back can pass this phase. */
function rollbackOf(phase: Phase): { statements: Statement[] } | { stop: string } {
  if (phase.irreversible) return { stop: phase.irreversible };
  if (phase.rollback) return { statements: phase.rollback };
  const changes = phase.statements.filter((s) => !s.setting);
  if (changes.length === 0) return { statements: [] };
  return { stop: "the phase gives no rollback statements" };
}

export interface VerifyOptions {
  rows?: number;
  /** A real server's second and third connection, to watch statements that cannot be wrapped. */
  observers?: Observers;
}

/** What one verification run works with: the plan, the database, and the report it fills in. */
interface VerifyRun {
  plan: Plan;
  session: SqlSession;
  opts: VerifyOptions;
  rows: number;
  versions: VerifyReport["versions"];
  report: VerifyReport;
}

/** Build the fixture, then apply, roll back and re-apply `plan`. Never throws for a failing statement. */
export async function verifyPlan(plan: Plan, session: SqlSession, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const rows = opts.rows ?? DEFAULT_FIXTURE_ROWS;
  const fixture = fixtureSql(plan.answers as PlanAnswers, rows);
  const running = Number((await session.query("SELECT current_setting('server_version_num')::int / 10000 AS major"))[0]?.major);
  const planned = Number(plan.engineVersion.split(".")[0]);
  const versions = { planned: Number.isFinite(planned) ? planned : undefined, running: Number.isFinite(running) ? running : undefined };
  const report: VerifyReport = { rows, fixture, statements: [], checks: [], rolledBack: [], mismatches: [], failures: [], versions, ok: false };
  const run: VerifyRun = { plan, session, opts, rows, versions, report };
  if (!(await runSetup(run, "fixture", fixture))) return report;

  const invariants = invariantsFor(plan.answers as PlanAnswers);
  if (!(await runSetup(run, "invariant setup", invariants.flatMap((i) => i.before)))) return finish(report);
  if (!(await applyFrom(run, "apply", 0))) return finish(report);
  if (invariants.length && !(await runChecks(run, "apply", { id: "invariant", checks: invariants.map((i) => i.check) }))) return finish(report);
  const earliest = await rollBack(run);
  if (earliest === undefined) return finish(report);
  await applyFrom(run, "reapply", earliest);
  return finish(report);
}

/** Setup statements (the fixture, the invariants' tables); a failure ends the run. */
async function runSetup(run: VerifyRun, label: string, statements: string[]): Promise<boolean> {
  for (const sql of statements) {
    try {
      await run.session.query(sql);
    } catch (e) {
      run.report.failures.push(`${label}: ${sql}: ${errorInfo(e).message}`);
      return false;
    }
  }
  return true;
}

async function applyFrom(run: VerifyRun, pass: Pass, start: number): Promise<boolean> {
  for (const phase of run.plan.phases.slice(start)) {
    if (!(await runStatements(run, pass, phase, phase.statements))) return false;
    if (!(await runChecks(run, pass, phase))) return false;
  }
  return true;
}

/** Rolls back from the last phase as far as the phases allow; the index of the earliest phase undone, undefined on a failure. */
async function rollBack(run: VerifyRun): Promise<number | undefined> {
  const { plan, report } = run;
  let earliest = plan.phases.length;
  for (let i = plan.phases.length - 1; i >= 0; i--) {
    const phase = plan.phases[i];
    const back = rollbackOf(phase);
    if ("stop" in back) {
      report.rollbackStoppedAt = { phase: phase.id, reason: back.stop };
      break;
    }
    if (!(await runStatements(run, "rollback", phase, back.statements))) return undefined;
    report.rolledBack.push(phase.id);
    earliest = i;
  }
  return earliest;
}

async function runStatements(run: VerifyRun, pass: Pass, phase: Phase, statements: Statement[]): Promise<boolean> {
  const { plan, session, report } = run;
  for (const stmt of statements) {
    const tables = claimedTables(stmt, plan);
    const trace = await traceStatement(session, stmt, { observers: run.opts.observers, targets: tables });
    const { observedLock, mismatches, versionNotes } = compareClaims(stmt, trace, tables, run.versions);
    const batchRuns = stmt.batched && !trace.error ? await repeatBatches(run, stmt.sql, stmt.batched.batchSize, trace) : undefined;
    report.statements.push({
      pass,
      phase: phase.id,
      sql: stmt.sql,
      claimed: { lock: stmt.lock, rewrite: stmt.rewrite, transaction: stmt.transaction, tables },
      observedLock,
      observedRewrite: trace.rewritten,
      trace,
      mismatches,
      versionNotes,
      batchRuns,
    });
    for (const m of mismatches) report.mismatches.push(`${pass} ${phase.id}: ${firstLine(stmt.sql)}: ${m}`);
    if (trace.error) {
      report.failures.push(`${pass} ${phase.id}: ${firstLine(stmt.sql)}: ${trace.error.code ? trace.error.code + " " : ""}${trace.error.message}`);
      return false;
    }
  }
  return true;
}

/** One run is one batch: repeat, as the runbook says, until it reports nothing left. Returns the runs; failures go on the trace. */
async function repeatBatches(run: VerifyRun, sql: string, batchSize: number, trace: TraceResult): Promise<number> {
  const limit = Math.ceil(run.rows / Math.max(1, batchSize)) + 5;
  let last = trace.rows;
  let batchRuns = 1;
  const t0 = performance.now();
  try {
    while (batchHasMore(last) && batchRuns < limit) {
      last = await run.session.query(sql);
      batchRuns++;
    }
    if (batchHasMore(last)) trace.error = { message: `the batch still reported more work after ${batchRuns} runs over ${run.rows} rows` };
  } catch (e) {
    trace.error = errorInfo(e);
  }
  trace.ms += performance.now() - t0;
  return batchRuns;
}

async function runChecks(run: VerifyRun, pass: Pass, phase: Pick<Phase, "id" | "checks">): Promise<boolean> {
  let allOk = true;
  for (const check of phase.checks) {
    let ok = false;
    let error: string | undefined;
    try {
      const result = await run.session.query(check.sql);
      ok = result[0]?.ok === true || result[0]?.ok === "t";
      if (!ok) error = result.length === 0 ? "returned no row" : `returned ok = ${String(result[0]?.ok)}`;
    } catch (e) {
      error = errorInfo(e).message;
    }
    run.report.checks.push({ pass, phase: phase.id, description: check.description, ok, error });
    if (!ok) {
      run.report.failures.push(`${pass} ${phase.id}: check "${check.description}" ${error}`);
      allOk = false;
    }
  }
  return allOk;
}

function finish(report: VerifyReport): VerifyReport {
  report.ok = report.mismatches.length === 0 && report.failures.length === 0;
  return report;
}

export function firstLine(sql: string): string {
  const line = sql.trim().split("\n")[0];
  return line.length > 100 ? line.slice(0, 97) + "..." : line;
}
