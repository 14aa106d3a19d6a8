/**
 * answers -> plan. Pure: no clock, no disk, no randomness. Each operation's recipe lives in
 * `operations/<operation>.ts` and is listed once in `operations/index.ts`.
 */
import type { PlanAnswers } from "../answers/schema.js";
import { PLAN_FORMAT_VERSION, type Phase, type Plan } from "./model.js";
import { sizeClass, type RecipeContext } from "./context.js";
import { RECIPES } from "./operations/index.js";
import type { Recipe, RecipeResult } from "./recipe.js";
import { operationAnswers } from "../answers/details-of.js";
import { NameClash, nameTooLong, withNameBook } from "./names.js";
import type { SchemaSnapshot } from "../schema/model.js";
import type { SnapshotFacts } from "../schema/fill.js";
import { nameCollisions } from "../schema/names.js";

/** A schema snapshot and what the answers took from it (src/schema/fill.ts). */
export interface SnapshotInput {
  snapshot: SchemaSnapshot;
  facts: SnapshotFacts;
}
import { capabilities, dialectOf, isMysqlFamily, versionNotes } from "../engines/index.js";
import { instantRowVersionNote } from "./recipes/mysql-online.js";
import { onlineSchemaToolAdvice, withOnlineSchemaTool } from "./recipes/online-schema-tools.js";

// Recipes throw it; it lives apart from the builder so they need not import the builder (an import cycle).
import { PlanError } from "./errors.js";
export { PlanError };

/** The pre-flight list from the seed, asked of every plan. */
const CHECKLIST = [
  "A backup (or snapshot) taken and a restore tested recently",
  "The plan rehearsed on a copy of production-sized data",
  "Rollback steps read and understood by whoever runs the plan",
  "Monitoring open: lock waits, replication lag, error rate, p95 latency",
  "The team told when each phase runs",
  "A read-only mode or feature flag ready in case a phase must pause writes",
];

/**
 * How long a strong-lock statement may wait. PostgreSQL: every waiting request queues all traffic on the
 * table behind it, so a few hundred ms, below the 1 s deadlock_timeout, and the migration retries itself.
 */
function lockTimeoutFor(answers: PlanAnswers): number {
  if (answers.engine === "postgresql") return answers.downtime_tolerance === "none" ? 200 : 500;
  return answers.downtime_tolerance === "none" ? 2000 : 5000;
}

export function buildPlan(answers: PlanAnswers, schema?: SnapshotInput): Plan {
  const ctx: RecipeContext = {
    ...(schema ? { snapshot: schema.snapshot } : {}),
    answers: operationAnswers(answers),
    engine: dialectOf(answers.engine),
    product: answers.engine,
    version: answers.engine_version,
    caps: capabilities(answers.engine, answers.engine_version),
    size: sizeClass(answers.approx_rows),
    lockTimeoutMs: lockTimeoutFor(answers),
  };
  // The operation's recipe in the answers' dialect. The record is keyed by operation, so the recipe picked is the
  // one for ctx.answers.operation; TypeScript cannot correlate the two lookups, hence the widening.
  const recipe = RECIPES[answers.operation][ctx.engine] as Recipe;
  const tooLong = nameTooLong(answers);
  if (tooLong) throw new PlanError(tooLong[1], tooLong[0]);
  let result: RecipeResult;
  try {
    result = withNameBook(answers, () => withOnlineSchemaTool(ctx, recipe(ctx)), schema?.snapshot);
  } catch (e) {
    if (e instanceof NameClash) throw new PlanError(e.message, "names");
    throw e;
  }
  const phases: Phase[] = result.phases.map((p, i) => ({ ...p, id: `${String(i + 1).padStart(2, "0")}-${p.kind}` }));
  const checklist = [...CHECKLIST];
  if (answers.rollback_need === "full") {
    checklist.unshift("Point-in-time recovery (WAL archiving or binlog retention) in place before the first phase");
  }
  const plan: Plan = {
    version: PLAN_FORMAT_VERSION,
    answers,
    engine: answers.engine,
    engineVersion: answers.engine_version,
    summary: result.summary,
    strategy: result.strategy,
    phases,
    // PostgreSQL recipes state their own version caveats (14.0-14.3); the MySQL family's go here.
    warnings: isMysqlFamily(answers.engine)
      ? [...versionNotes(answers.engine, answers.engine_version), ...result.warnings, ...instantRowVersionNote(ctx, result), ...onlineSchemaToolAdvice(ctx, result.phases)]
      : result.warnings,
    checklist,
    files: [],
    ...(schema ? { schemaFacts: schema.facts } : {}),
  };
  if (schema) {
    const clashes = nameCollisions(plan, schema.snapshot);
    if (clashes.length) throw new PlanError(`names the plan would create are already taken: ${clashes.join("; ")}`, "details");
  }
  return plan;
}
