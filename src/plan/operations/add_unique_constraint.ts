/**
 * add_unique_constraint. `ADD CONSTRAINT ... UNIQUE (cols)` builds the index under ACCESS EXCLUSIVE, so on
 * anything but a small table: stop new duplicates in the app, remove the existing extra copies (dedup),
 * build the unique index concurrently, then attach it with `ADD CONSTRAINT ... UNIQUE USING INDEX` (instant).
 * A probe that read every row and found no duplicate replaces the dedup with a check that re-runs at run time.
 */
import { probeFinding } from "../../schema/model.js";
import type { OperationRecipes, RecipeResult } from "../recipe.js";
import { batchKey, type RecipeContext } from "../context.js";
import type { Check } from "../model.js";
import type { Dialect } from "../../engines/index.js";
import { PlanError } from "../errors.js";
import { effect } from "../effects.js";
import { quoteIdent, quoteTable } from "../sql.js";
import {
  concurrentIndexWarnings,
  createIndexConcurrently,
  defaultName,
  dropIndexConcurrently,
  indexBuildEstimate,
  indexValidCheck,
  invalidIndexAdvice,
  mysqlAddIndex,
  mysqlDropIndex,
  mysqlIndexCheck,
  useConcurrently,
  type IndexSpec,
} from "../recipes/concurrent-index.js";
import { dedupStatements, dedupTables, noDuplicatesCheck, noOrphansChecks, type DedupSpec } from "../recipes/dedup.js";
import { mysqlOnlineDdlWarnings } from "../recipes/mysql-online.js";
import { finishPhase, literal, regclass, stmt, type PhaseDraft } from "../recipes/statements.js";
import * as estimate from "../recipes/estimate.js";
import { DEPLOY_ESTIMATE } from "../recipes/estimate.js";

type Ctx<D extends Dialect = Dialect> = RecipeContext<"add_unique_constraint", D>;

function constraintExists(ctx: Ctx, table: string, name: string, contype: string): Check {
  return {
    description: `Constraint ${name} exists on ${table}`,
    sql: `SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = ${regclass(ctx.engine, table)} AND conname = ${literal(name)} AND contype = '${contype}') AS ok;`,
  };
}

/** What the steps share: the columns, the constraint and its index, and the dedup asked for (none when the probe found no duplicate). */
interface Unique {
  columns: string[];
  name: string;
  index: IndexSpec;
  dedupMode: string;
  probe: ReturnType<typeof probeFinding>;
  dedup: DedupSpec | undefined;
  /** The columns as the prose shows them: "(a, b)". */
  what: string;
}

function uniqueSpec(ctx: Ctx): Unique {
  const { answers } = ctx;
  const d = answers.details ?? {};
  const columns = (answers.columns ?? []).map((c) => c.name);
  if (columns.length === 0) throw new PlanError("add_unique_constraint needs the columns that must be unique", "columns");
  const name = d.constraint_name ?? d.index_name ?? defaultName(answers.table, columns, "key");
  const dedupMode = d.dedup ?? "keep-oldest";
  const probe = probeFinding(ctx.snapshot, "duplicate_keys");
  const dedup: DedupSpec | undefined =
    dedupMode === "none" || probe?.clean
      ? undefined
      : { table: answers.table, columns, primaryKey: batchKey(d), keep: dedupMode, referencedBy: d.referenced_by ?? [] };
  return { columns, name, index: { table: answers.table, name, columns, unique: true }, dedupMode, probe, dedup, what: `(${columns.join(", ")})` };
}

function stopNewDuplicatesPhase(what: string): PhaseDraft {
  return {
    title: "Stop the application from creating new duplicates",
    kind: "deploy",
    why:
      "Duplicates removed by the next phase must not come back before the unique index exists, or its build fails. " +
      "Until the database enforces uniqueness, the application has to.",
    statements: [],
    checks: [],
    deploy:
      `Deploy code that never writes a second row with the same ${what}: an upsert (INSERT ... ON CONFLICT / ON DUPLICATE KEY) ` +
      "keyed on those columns, or a lookup under a lock; and that treats a unique-violation error as \"already exists\".",
    estimate: DEPLOY_ESTIMATE,
  };
}

/** Deletes only the extra copies, keeping one row per key, archiving the rest and recording the merges. */
function dedupPhase(ctx: Ctx, u: Unique, dedup: DedupSpec): PhaseDraft {
  const { map, archive } = dedupTables(ctx.answers.table);
  return finishPhase(ctx, {
    title: `Remove the extra copies of each duplicated ${u.what} (${u.dedupMode})`,
    kind: "backfill",
    why:
      "A unique index cannot be built while duplicates exist. This step deletes only the extra copies: for each " +
      `duplicated key it keeps the ${u.dedupMode === "keep-newest" ? "newest" : "oldest"} row, re-points child rows to it first, and archives each ` +
      `copy in ${archive} before deleting it. Rows with no duplicate and rows with a NULL key are never touched. ` +
      `${map} records which copy was merged into which row. Review the map on a copy of production before running it for real.` +
      (u.probe ? ` ${u.probe.says}` : ""),
    statements: dedupStatements(ctx, dedup),
    irreversible:
      `Deletes rows. The copies are kept in ${archive} and the merges in ${map}, so they can be restored by hand, ` +
      "but once the application has written to the kept rows, going back means fixing forward.",
    checks: [noDuplicatesCheck(ctx.engine, dedup), ...noOrphansChecks(ctx.engine, dedup)],
    estimate:
      estimate.scan(ctx.answers.approx_rows, "twice (finding the duplicated keys, then their rows) without blocking writes") +
      " Then only the copies are updated and deleted; an index on the key columns makes the lookup much faster.",
  });
}

/** No dedup: a read-only check that proves there is no duplicate before the build. */
function confirmNoDuplicatesPhase(ctx: Ctx, u: Unique): PhaseDraft {
  const { probe } = u;
  return {
    title: `Confirm there are no duplicate ${u.what}`,
    kind: "verify",
    why: probe?.clean
      ? `${probe.says} So there is no dedup phase. The run re-checks: this check runs again, and the unique index build fails on a duplicate ` +
        "written after the probe (nothing is changed); then a plan with the dedup is needed."
      : "No dedup was asked for; the index build fails on the first duplicate, so prove there is none first." + (probe ? ` ${probe.says}` : ""),
    statements: [],
    rollback: [], // read-only: nothing to undo
    checks: [noDuplicatesCheck(ctx.engine, { table: ctx.answers.table, columns: u.columns })],
    estimate: estimate.scan(ctx.answers.approx_rows, "without blocking writes"),
  };
}

/** MySQL: a unique constraint is a unique index, built online. */
function mysqlUniqueIndex(ctx: Ctx<"mysql">, u: Unique, phases: PhaseDraft[]): RecipeResult {
  const warnings = [...mysqlOnlineDdlWarnings(ctx, { addsUniqueIndex: true })];
  if (u.dedup && !ctx.caps.has("createSelectWithGtid")) {
    warnings.push(
      "MySQL before 8.0.21 rejects CREATE TABLE ... SELECT when enforce_gtid_consistency is ON: with GTIDs, create the dedup map table with explicit columns (dup_id, keep_id) first.",
    );
  }
  phases.push(
    finishPhase(ctx, {
      title: `Add the unique index ${u.name} online`,
      kind: "expand",
      why: "In MySQL a unique constraint is a unique index. InnoDB builds it in place while reads and writes continue; it fails if a duplicate is written meanwhile.",
      statements: [mysqlAddIndex(u.index)],
      rollback: [mysqlDropIndex(u.index)],
      checks: [mysqlIndexCheck(u.index)],
      estimate: indexBuildEstimate("mysql", ctx.answers.approx_rows, true),
    }),
  );
  return result(ctx, u.name, u.what, phases, warnings, "Online unique index");
}

const CONCURRENT_THEN_ATTACH_WHY =
  "ADD CONSTRAINT ... UNIQUE (cols) would build the index while holding ACCESS EXCLUSIVE, blocking reads and writes " +
  "for the whole build. Building the unique index CONCURRENTLY first and then attaching it with USING INDEX turns " +
  "that into a build that blocks nothing plus an instant catalog change. ";

/** PostgreSQL: the unique index built CONCURRENTLY and attached with USING INDEX, or on a small table the constraint directly. */
function pgUniqueConstraint(ctx: Ctx<"postgresql">, u: Unique, phases: PhaseDraft[]): RecipeResult {
  const { answers } = ctx;
  const { name, index } = u;
  const table = quoteTable("postgresql", answers.table);
  const qname = quoteIdent("postgresql", name);
  const dropConstraint = stmt(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${qname};`, "ACCESS EXCLUSIVE", [answers.table], {
    why: "Dropping the constraint drops its index too.",
  });
  if (useConcurrently(ctx)) {
    phases.push(
      finishPhase(ctx, {
        title: `Build the unique index concurrently and attach it as constraint ${name}`,
        kind: "expand",
        why: CONCURRENT_THEN_ATTACH_WHY + invalidIndexAdvice(ctx.caps, index),
        statements: [
          createIndexConcurrently(index),
          stmt(`ALTER TABLE ${table} ADD CONSTRAINT ${qname} UNIQUE USING INDEX ${qname};`, "ACCESS EXCLUSIVE", [answers.table], {
            effects: [effect.addConstraint(answers.table, "unique", name, true)],
            why: "Attaching an existing valid unique index is a catalog change: no scan, no build.",
          }),
        ],
        rollback: [dropConstraint, dropIndexConcurrently(index)],
        checks: [indexValidCheck(index), constraintExists(ctx, answers.table, name, "u")],
        estimate: indexBuildEstimate("postgresql", answers.approx_rows, true) + " The attach is instant once its lock is granted.",
      }),
    );
    return result(ctx, name, u.what, phases, concurrentIndexWarnings(ctx.caps), "Unique index built concurrently, then attached");
  }
  phases.push(
    finishPhase(ctx, {
      title: `Add constraint ${name} UNIQUE ${u.what}`,
      kind: "expand",
      why:
        "The table is small and a short block is acceptable: adding the constraint directly builds its index in the " +
        "same statement, in milliseconds, and is atomic.",
      statements: [
        stmt(`ALTER TABLE ${table} ADD CONSTRAINT ${qname} UNIQUE (${u.columns.map((c) => quoteIdent("postgresql", c)).join(", ")});`, "ACCESS EXCLUSIVE", [answers.table], {
          effects: [effect.addConstraint(answers.table, "unique", name, true)],
          scan: true,
        }),
      ],
      rollback: [dropConstraint],
      checks: [constraintExists(ctx, answers.table, name, "u")],
      estimate: indexBuildEstimate("postgresql", answers.approx_rows, false),
    }),
  );
  return result(ctx, name, u.what, phases, [], "Direct constraint (small table)");
}

/** The steps both dialects start with: stop new duplicates (unless small and a block is fine), then dedup or prove none. */
function duplicatePhases(ctx: Ctx, u: Unique): PhaseDraft[] {
  const phases: PhaseDraft[] = [];
  if (ctx.size !== "small" || ctx.answers.downtime_tolerance === "none") phases.push(stopNewDuplicatesPhase(u.what));
  phases.push(u.dedup ? dedupPhase(ctx, u, u.dedup) : confirmNoDuplicatesPhase(ctx, u));
  return phases;
}

export const addUniqueConstraint: OperationRecipes<"add_unique_constraint"> = {
  postgresql: (ctx) => {
    const u = uniqueSpec(ctx);
    return pgUniqueConstraint(ctx, u, duplicatePhases(ctx, u));
  },
  mysql: (ctx) => {
    const u = uniqueSpec(ctx);
    return mysqlUniqueIndex(ctx, u, duplicatePhases(ctx, u));
  },
};


function result(ctx: Ctx, name: string, what: string, phases: PhaseDraft[], warnings: string[], how: string): RecipeResult {
  const steps = phases.map((p) => p.kind).join(" -> ");
  return {
    summary: `Make ${what} unique on ${ctx.answers.table} (constraint ${name})`,
    strategy:
      `${how}: ${steps}. ` +
      (phases.some((p) => p.kind === "backfill")
        ? "Existing duplicates are resolved first, deleting only the extra copies"
        : "A check proves there are no duplicates first (no dedup phase)") +
      "; the constraint is added without a long lock where the size or tolerance requires it.",
    phases,
    warnings,
  };
}
