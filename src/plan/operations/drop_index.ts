/**
 * drop_index. First prove the index is unused and not backing a constraint; then drop it without
 * blocking (PostgreSQL `DROP INDEX CONCURRENTLY`; MySQL 8 first makes it INVISIBLE, a reversible trial).
 * Rollback rebuilds it concurrently when its columns are known.
 */
import { bareName } from "../encode.js";
import type { OperationRecipes, RecipeResult } from "../recipe.js";
import type { RecipeContext } from "../context.js";
import type { Check } from "../model.js";
import type { Dialect } from "../../engines/index.js";
import { PlanError } from "../errors.js";
import { quoteIdent, quoteTable } from "../sql.js";
import {
  concurrentIndexWarnings,
  createIndexConcurrently,
  dropIndexConcurrently,
  dropIndexPlain,
  createIndexPlain,
  indexBuildEstimate,
  indexGoneCheck,
  mysqlAddIndex,
  mysqlDropIndex,
  mysqlIndexCheck,
  qualifiedIndex,
  useConcurrently,
  type IndexSpec,
} from "../recipes/concurrent-index.js";
import { mysqlOnlineDdlWarnings } from "../recipes/mysql-online.js";
import { finishPhase, literal, stmt, type PhaseDraft } from "../recipes/statements.js";
import * as estimate from "../recipes/estimate.js";

function pgUnusedChecks(spec: IndexSpec): Check[] {
  const reg = `to_regclass(${literal(qualifiedIndex("postgresql", spec))})`;
  return [
    {
      description: `Index ${spec.name} exists and backs no constraint (a constraint's index is dropped with the constraint, not DROP INDEX)`,
      sql: `SELECT ${reg} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = ${reg}) AS ok;`,
    },
    {
      description:
        `No scan has used ${spec.name} since statistics were last reset (pg_stat_user_indexes.idx_scan = 0); ` +
        "check each replica too, since their usage is counted there",
      sql: `SELECT coalesce((SELECT idx_scan = 0 FROM pg_stat_user_indexes WHERE indexrelid = ${reg}), false) AS ok;`,
    },
  ];
}

type Ctx<D extends Dialect = Dialect> = RecipeContext<"drop_index", D>;

/** The index to drop, with its definition when the answers give it (for the rollback). */
function indexSpec(ctx: Ctx): IndexSpec {
  const { answers } = ctx;
  const d = answers.details ?? {};
  if (!d.index_name) throw new PlanError("drop_index needs the index name", "details.index_name");
  const columns = (answers.columns ?? []).map((c) => c.name);
  return { table: answers.table, name: d.index_name, columns, unique: d.unique, method: d.method, where: d.where };
}

export const dropIndex: OperationRecipes<"drop_index"> = {
  postgresql: (ctx) => pgPlan(ctx, indexSpec(ctx)),
  mysql: (ctx) => mysqlPlan(ctx, indexSpec(ctx)),
};

const NO_DEFINITION =
  "The index definition is not in the answers (give its columns to get an automatic rollback): before dropping, " +
  "save the output of the definition query in the first phase, and to undo, run that CREATE INDEX with CONCURRENTLY added.";

function pgPlan(ctx: Ctx<"postgresql">, spec: IndexSpec): RecipeResult {
  const concurrently = useConcurrently(ctx);
  const known = spec.columns.length > 0;
  const definitionQuery = `SELECT pg_get_indexdef(${literal(qualifiedIndex("postgresql", spec))}::regclass);`;
  const verify: PhaseDraft = {
    title: `Confirm ${spec.name} is unused and record its definition`,
    kind: "verify",
    why:
      "Dropping an index is instant, but if a query still needs it that query falls back to a sequential scan " +
      "and can take the database down under load. Confirm nothing uses it, and keep its definition so it can be " +
      `rebuilt: \`${definitionQuery}\`.`,
    statements: [],
    rollback: [], // read-only: nothing to undo
    checks: pgUnusedChecks(spec),
  };
  const rebuild = known ? (concurrently ? createIndexConcurrently(spec) : createIndexPlain(spec)) : undefined;
  const drop = finishPhase(ctx, {
    title: `Drop ${spec.name}${concurrently ? " concurrently" : ""}`,
    kind: "contract",
    why: concurrently
      ? "A plain DROP INDEX takes ACCESS EXCLUSIVE on the table; while it waits for running queries, every new " +
        "query on the table queues behind it. DROP INDEX CONCURRENTLY waits without blocking anyone. It cannot run " +
        "in a transaction block, and it cannot drop an index that backs a constraint."
      : "The table is small and a moment of blocking is acceptable: a plain DROP INDEX behind a short lock timeout is instant once granted.",
    statements: [concurrently ? dropIndexConcurrently(spec) : dropIndexPlain(spec)],
    ...(rebuild ? { rollback: [rebuild] } : { irreversible: NO_DEFINITION }),
    checks: [indexGoneCheck(spec)],
    estimate: concurrently
      ? "Seconds once no query is using the index: CONCURRENTLY first waits for every transaction that could use it."
      : estimate.catalogOnly(ctx),
  });
  const warnings = [...(rebuild && concurrently ? concurrentIndexWarnings(ctx.caps) : [])];
  if (rebuild) {
    drop.why += ` Rolling back rebuilds the index: ${indexBuildEstimate("postgresql", ctx.answers.approx_rows, concurrently)}`;
  }
  return {
    summary: `Drop index ${spec.name} on ${spec.table}${concurrently ? " without blocking (DROP INDEX CONCURRENTLY)" : ""}`,
    strategy:
      "Verify, then contract: prove the index is unused and not backing a constraint, then drop it " +
      (concurrently ? "concurrently so no query queues behind the drop." : "with a plain drop (small table, downtime allowed)."),
    phases: [verify, drop],
    warnings,
  };
}

function mysqlPlan(ctx: Ctx<"mysql">, spec: IndexSpec): RecipeResult {
  const known = spec.columns.length > 0;
  const table = quoteTable("mysql", spec.table);
  const name = quoteIdent("mysql", spec.name);
  const phases: PhaseDraft[] = [];
  // MySQL 8 hides an index with INVISIBLE; MariaDB 10.6+ with IGNORED (its own syntax for the same idea).
  const hide = ctx.caps.has("invisibleIndexes")
    ? ({ on: "INVISIBLE", off: "VISIBLE", column: "IS_VISIBLE = 'NO'" } as const)
    : ctx.caps.has("ignoredIndexes")
      ? ({ on: "IGNORED", off: "NOT IGNORED", column: "IGNORED = 'YES'" } as const)
      : null;
  const invisible = hide !== null;
  if (hide) {
    const word = hide.on.toLowerCase();
    phases.push(
      finishPhase(ctx, {
        title: `Make ${spec.name} ${word} to the optimizer`,
        kind: "switch",
        why:
          `The optimizer can be told to ignore an index (${hide.on}) while it is still maintained. If a query slows down, making it ` +
          "usable again is instant, whereas a dropped index takes a full rebuild to restore. Watch the slow query log " +
          "for a while (a full business cycle) before the drop.",
        statements: [stmt(`ALTER TABLE ${table} ALTER INDEX ${name} ${hide.on};`, "metadata lock", [spec.table])],
        rollback: [stmt(`ALTER TABLE ${table} ALTER INDEX ${name} ${hide.off};`, "metadata lock", [spec.table])],
        checks: [
          {
            description: `${spec.name} is ${word}`,
            sql:
              `SELECT COUNT(*) > 0 AS ok FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ` +
              `AND TABLE_NAME = ${literal(bareName(spec.table))} AND INDEX_NAME = ${literal(spec.name)} AND ${hide.column};`,
          },
        ],
        estimate: estimate.catalogOnly(ctx),
        deploy: `No deploy: watch query latency and the slow query log before going on; make the index ${hide.off.toLowerCase()} again if anything regressed.`,
      }),
    );
  }
  phases.push(
    finishPhase(ctx, {
      title: `Drop ${spec.name}`,
      kind: "contract",
      why:
        "Dropping a secondary index is an in-place metadata change in InnoDB. MySQL refuses to drop an index a " +
        "foreign key needs (error 1553): drop or re-index the foreign key first." +
        (known && hide ? ` Undoing the drop rebuilds the index ${hide.on.toLowerCase()}, as the previous phase left it; undoing that phase makes it usable.` : ""),
      statements: [mysqlDropIndex(spec)],
      ...(known ? { rollback: [mysqlAddIndex(spec, hide?.on)] } : { irreversible: NO_DEFINITION.replace("run that CREATE INDEX with CONCURRENTLY added", "run it as ALTER TABLE ... ADD INDEX ..., ALGORITHM=INPLACE, LOCK=NONE") }),
      checks: [mysqlIndexCheck(spec, false)],
      estimate: estimate.catalogOnly(ctx),
    }),
  );
  return {
    summary: `Drop index ${spec.name} on ${spec.table}`,
    strategy: invisible
      ? `Switch, then contract: make the index ${hide.on.toLowerCase()} (instantly reversible), watch, then drop it online.`
      : "One contract phase: drop the index online (this version cannot hide an index from the optimizer to try first).",
    phases,
    warnings: mysqlOnlineDdlWarnings(ctx),
  };
}
