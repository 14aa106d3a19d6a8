/**
 * add_index. PostgreSQL: CONCURRENTLY unless the table is small and some downtime is allowed (a plain
 * build holds SHARE and blocks writes for the whole build). MySQL: online DDL, INPLACE with LOCK=NONE.
 */
import type { OperationRecipes, RecipeResult } from "../recipe.js";
import type { RecipeContext } from "../context.js";
import type { Dialect } from "../../engines/index.js";
import {
  concurrentIndexWarnings,
  createIndexConcurrently,
  createIndexPlain,
  defaultName,
  dropIndexConcurrently,
  dropIndexPlain,
  indexBuildEstimate,
  indexValidCheck,
  invalidIndexAdvice,
  mysqlAddIndex,
  mysqlDropIndex,
  mysqlIndexCheck,
  useConcurrently,
  type IndexSpec,
} from "../recipes/concurrent-index.js";
import { mysqlOnlineDdlWarnings } from "../recipes/mysql-online.js";
import { finishPhase } from "../recipes/statements.js";

type Ctx<D extends Dialect = Dialect> = RecipeContext<"add_index", D>;

/** The index, how the prose names it, and the warnings both dialects give. */
interface NewIndex {
  spec: IndexSpec;
  what: string;
  warnings: string[];
}

function newIndex(ctx: Ctx): NewIndex {
  const { answers } = ctx;
  const d = answers.details ?? {};
  const columns = (answers.columns ?? []).map((c) => c.name);
  const unique = d.unique === true;
  const spec: IndexSpec = {
    table: answers.table,
    name: d.index_name ?? defaultName(answers.table, columns, unique ? "key" : "idx"),
    columns,
    unique,
    method: d.method,
    where: d.where,
  };
  const what = `${unique ? "unique " : ""}index ${spec.name} on ${answers.table} (${columns.join(", ")})`;
  const warnings: string[] = [];
  if (unique) {
    warnings.push(
      "A unique index build fails if duplicates exist. Check first: the add_unique_constraint operation plans a dedup step that keeps one row per key.",
    );
  }
  return { spec, what, warnings };
}

export const addIndex: OperationRecipes<"add_index"> = {
  postgresql: (ctx) => postgres(ctx, newIndex(ctx)),
  mysql: (ctx) => mysql(ctx, newIndex(ctx)),
};

function mysql(ctx: Ctx<"mysql">, { spec, what, warnings }: NewIndex): RecipeResult {
  warnings.push(...mysqlOnlineDdlWarnings(ctx, { addsUniqueIndex: spec.unique === true }));
  const phase = finishPhase(ctx, {
    title: `Build the ${what} online`,
    kind: "expand",
    why:
      "An index is additive: code keeps working before and after, so one phase is enough. InnoDB builds it " +
      "in place while reads and writes continue.",
    statements: [mysqlAddIndex(spec)],
    rollback: [mysqlDropIndex(spec)],
    checks: [mysqlIndexCheck(spec)],
    estimate: indexBuildEstimate("mysql", ctx.answers.approx_rows, true),
  });
  return {
    summary: `Add ${what} with MySQL online DDL`,
    strategy: "One additive phase: ALTER TABLE ... ADD INDEX with ALGORITHM=INPLACE, LOCK=NONE so writes are never blocked.",
    phases: [phase],
    warnings,
  };
}

function postgres(ctx: Ctx<"postgresql">, index: NewIndex): RecipeResult {
  const concurrently = useConcurrently(ctx);
  index.warnings.push(...concurrentIndexWarnings(ctx.caps));
  return concurrently ? pgConcurrent(ctx, index) : pgPlain(ctx, index);
}

/** CREATE INDEX CONCURRENTLY: writes go on during the build. */
function pgConcurrent(ctx: Ctx<"postgresql">, { spec, what, warnings }: NewIndex): RecipeResult {
  const phase = finishPhase(ctx, {
    title: `Build the ${what} concurrently`,
    kind: "expand",
    why:
      "A plain CREATE INDEX holds a SHARE lock for the whole build, so every INSERT, UPDATE and DELETE waits. " +
      "CREATE INDEX CONCURRENTLY lets writes continue; the price is a slower build, no transaction block, and " +
      "an INVALID index left behind if it fails, which is why the check below reads pg_index.indisvalid. " +
      invalidIndexAdvice(ctx.caps, spec),
    statements: [createIndexConcurrently(spec)],
    rollback: [dropIndexConcurrently(spec)],
    checks: [indexValidCheck(spec)],
    estimate: indexBuildEstimate("postgresql", ctx.answers.approx_rows, true),
  });
  return {
    summary: `Add ${what} without blocking writes (CREATE INDEX CONCURRENTLY)`,
    strategy:
      ctx.size === "small"
        ? "One additive phase, built concurrently because no downtime is allowed at all, even for a small table."
        : "One additive phase, built concurrently: at this size a plain build would block writes for the whole build.",
    phases: [phase],
    warnings,
  };
}

/** Small table, a short pause in writes allowed: a plain build in a transaction. */
function pgPlain(ctx: Ctx<"postgresql">, { spec, what, warnings }: NewIndex): RecipeResult {
  const phase = finishPhase(ctx, {
    title: `Build the ${what}`,
    kind: "expand",
    why:
      "The table is small and a short pause in writes is acceptable, so a plain CREATE INDEX inside a transaction " +
      "is simpler than CONCURRENTLY: it is quick, atomic, and cannot leave an INVALID index behind.",
    statements: [createIndexPlain(spec)],
    rollback: [dropIndexPlain(spec)],
    checks: [indexValidCheck(spec)],
    estimate: indexBuildEstimate("postgresql", ctx.answers.approx_rows, false),
  });
  return {
    summary: `Add ${what}`,
    strategy: "One additive phase with a plain build: the table is small and the tolerance allows writes to wait for a moment.",
    phases: [phase],
    warnings,
  };
}
