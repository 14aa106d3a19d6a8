/** Runs a plan's PostgreSQL phases on an embedded PostgreSQL (pglite): apply, check, roll back, apply again. */
import { PGlite } from "@electric-sql/pglite";
import type { Phase, Plan, Statement } from "../../src/plan/model.js";
import { answersSchema, type PlanAnswers } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import { lockRank } from "../../src/plan/locks.js";
import { lockModeName } from "../../src/verify/trace.js";

export async function freshDb(setup: string): Promise<PGlite> {
  const db = new PGlite();
  await db.exec(setup);
  return db;
}

/** Runs statements the way a migration tool would: transactional runs in one transaction, the others alone. */
export async function runStatements(db: PGlite, statements: Statement[]): Promise<void> {
  let group: string[] = [];
  const flush = async () => {
    const sql = group.join("\n");
    group = [];
    if (!sql) return;
    try {
      await db.exec(`BEGIN;\n${sql}\nCOMMIT;`);
    } catch (e) {
      await db.exec("ROLLBACK;");
      throw e;
    }
  };
  for (const s of statements) {
    if (s.transaction) {
      group.push(s.sql);
      continue;
    }
    await flush();
    await db.exec(s.sql);
  }
  await flush();
  // A batched statement that is one batch (PostgreSQL 10 form) is repeated until it reports no next key.
  for (const s of statements.filter((st) => st.batched && st.transaction && /RETURNING next_key/.test(st.sql))) {
    for (let i = 0; i < 10_000; i++) {
      const res = await db.query<{ next_key: unknown }>(s.sql);
      if (res.rows[0]?.next_key === null || res.rows[0]?.next_key === undefined) break;
    }
  }
}

export async function runChecks(db: PGlite, phase: Pick<Phase, "checks" | "title">): Promise<string[]> {
  const failed: string[] = [];
  for (const check of phase.checks) {
    const res = await db.query<{ ok: boolean }>(check.sql);
    if (res.rows.length !== 1 || res.rows[0].ok !== true) failed.push(`${phase.title}: ${check.description}`);
  }
  return failed;
}

/**
 * Applies every phase in order and runs its checks. Then, on a fresh database, applies the phases that can be
 * rolled back (up to the first irreversible one), rolls them back from the last, and applies them again with
 * their checks. Returns the failed checks and how many phases were rolled back.
 */
export async function proveOnPglite(plan: Plan, setup: string, db?: PGlite): Promise<{ failed: string[]; db: PGlite; rolledBack: number }> {
  const failed: string[] = [];
  const firstIrreversible = plan.phases.findIndex((p) => p.irreversible || !p.rollback);
  const reversible = firstIrreversible === -1 ? plan.phases : plan.phases.slice(0, firstIrreversible);
  const work = db ?? new PGlite();
  // Rollback first: apply the reversible phases, undo them from the last, compare with the untouched schema.
  await reset(work, setup);
  const pristine = await schemaSnapshot(work);
  for (const phase of reversible) await runStatements(work, phase.statements);
  for (const phase of [...reversible].reverse()) await runStatements(work, phase.rollback ?? []);
  const after = await schemaSnapshot(work);
  if (JSON.stringify(after) !== JSON.stringify(pristine)) {
    const diff = Object.keys(pristine).filter((k) => JSON.stringify(pristine[k]) !== JSON.stringify(after[k]));
    failed.push(`rolling back every reversible phase did not restore the original schema (${diff.map((k) => `${k}: ${JSON.stringify(pristine[k])} -> ${JSON.stringify(after[k])}`).join("; ")})`);
  }
  // Then forward again through every phase, tracing each statement's locks and rewrites, each phase followed by its checks.
  for (const phase of plan.phases) {
    failed.push(...(await traceStatements(work, phase.statements)).map((p) => `${phase.title}: ${p}`));
    await runStatements(work, phase.statements.filter((s) => s.batched && s.transaction && /RETURNING next_key/.test(s.sql)));
    failed.push(...(await runChecks(work, phase)));
  }
  return { failed, db: work, rolledBack: reversible.length };
}

/** Empties the public schema and runs the setup SQL: much faster than starting a new embedded database. */
export async function reset(db: PGlite, setup: string): Promise<void> {
  await db.exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
  await db.exec(setup);
}


/**
 * Runs the transactional runs of statements as a tool would, and after each statement compares what it claims with
 * what PostgreSQL did: the claimed lock must be held on the claimed tables, no stronger lock may have been newly taken
 * on them, and `rewrite` must match whether their relfilenode changed. Returns the mismatches.
 */
export async function traceStatements(db: PGlite, statements: Statement[]): Promise<string[]> {
  const problems: string[] = [];
  const locksOn = async (oids: number[]) =>
    (
      await db.query<{ relation: number; mode: string }>(
        "SELECT relation::int AS relation, mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted AND relation = ANY($1::oid[])",
        [oids],
      )
    ).rows.map((r) => `${r.relation}:${lockModeName(r.mode)}`);
  const oidsOf = async (tables: string[]) =>
    (await db.query<{ oid: number | null }>("SELECT to_regclass(t)::oid::int AS oid FROM unnest($1::text[]) AS t", [tables.map((t) => t.split(".").map((p) => `"${p}"`).join("."))])).rows
      .map((r) => r.oid)
      .filter((o): o is number => o !== null);
  const filenodes = async (oids: number[]) =>
    JSON.stringify((await db.query("SELECT pg_relation_filenode(o) AS f FROM unnest($1::oid[]) AS o ORDER BY o", [oids])).rows);
  let inTx = false;
  for (const s of statements) {
    if (!s.transaction) {
      if (inTx) await db.exec("COMMIT;");
      inTx = false;
      await db.exec(s.sql);
      continue;
    }
    if (!inTx) await db.exec("BEGIN;");
    inTx = true;
    const tables = s.lockedTables ?? [];
    const before = await oidsOf(tables);
    const held = before.length ? await locksOn(before) : [];
    const nodes = before.length ? await filenodes(before) : "";
    try {
      await db.exec(s.sql);
    } catch (e) {
      await db.exec("ROLLBACK;");
      throw e;
    }
    if (s.setting || !tables.length) continue;
    const oids = [...new Set([...before, ...(await oidsOf(tables))])];
    const now = await locksOn(oids);
    const modes = now.map((l) => l.split(":")[1]);
    const fresh = now.filter((l) => !held.includes(l)).map((l) => l.split(":")[1]);
    if (s.lock === "none") {
      if (fresh.length) problems.push(`${s.sql}: claims no lock, took ${fresh.join(", ")}`);
    } else {
      if (!modes.includes(s.lock)) problems.push(`${s.sql}: claims ${s.lock}, holds ${modes.join(", ") || "nothing"}`);
      const stronger = fresh.filter((m) => lockRank(m) > lockRank(s.lock));
      if (stronger.length) problems.push(`${s.sql}: claims ${s.lock}, also took ${stronger.join(", ")}`);
    }
    if (before.length && s.rewrite !== ((await filenodes(before)) !== nodes) && !/^DROP /.test(s.sql)) {
      problems.push(`${s.sql}: claims rewrite=${s.rewrite}, relfilenode ${s.rewrite ? "did not change" : "changed"}`);
    }
  }
  if (inTx) await db.exec("COMMIT;");
  return problems;
}

/** Columns, constraints, triggers and indexes of the public schema, to compare a rolled-back database with a fresh one. */
export async function schemaSnapshot(db: PGlite): Promise<Record<string, unknown>> {
  const q = async (sql: string) => (await db.query(sql)).rows;
  return {
    columns: await q(
      "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2",
    ),
    // NOT NULL constraints (PostgreSQL 18) are named after the column at creation; nullability is compared in columns.
    constraints: await q(
      "SELECT conrelid::regclass::text AS t, conname, convalidated FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype <> 'n' ORDER BY 1, 2",
    ),
    triggers: await q("SELECT tgrelid::regclass::text AS t, tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2"),
    indexes: await q("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2"),
    views: await q("SELECT table_name FROM information_schema.views WHERE table_schema = 'public' ORDER BY 1"),
  };
}

export const sqlOf = (plan: Plan) => plan.phases.map((p) => p.statements.map((s) => s.sql));


/** Answers for a plan, validated by the real schema; defaults describe a big table with no downtime allowed. */
export function answersFor(overrides: Record<string, unknown>): PlanAnswers {
  return answersSchema.parse({
    engine: "postgresql",
    engine_version: "16.2",
    table: "accounts",
    approx_rows: 50_000_000,
    downtime_tolerance: "none",
    rollback_need: "phase-level",
    tool: "raw-sql",
    ...overrides,
  }) as PlanAnswers;
}

export const planFor = (overrides: Record<string, unknown>) => buildPlan(answersFor(overrides));

/** A table with 2,500 rows and a bigint primary key: three keyset batches of 1,000. */
export const ACCOUNTS = `CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL DEFAULT 'x', email text);
INSERT INTO accounts (id, name, email) SELECT g, 'name ' || g, CASE WHEN g % 3 = 0 THEN NULL ELSE 'u' || g || '@example.com' END FROM generate_series(1, 2500) g;`;
