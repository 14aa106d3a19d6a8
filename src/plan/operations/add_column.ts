/**
 * add_column. PostgreSQL: a nullable column, or (>= 11) one with a non-volatile default, is a catalog-only
 * change. A volatile default (or any default before 11) rewrites the table, so on a big table or a tight
 * downtime budget it becomes: add nullable, set the default for new rows, batched backfill, NOT NULL pattern.
 * MySQL: INSTANT from 8.0.12 (last position only before 8.0.29), an online rebuild before that.
 */
import type { Column } from "../../answers/schema.js";
import { PlanError } from "../errors.js";
import { batchKey, type RecipeContext } from "../context.js";
import { quoteIdent, quoteTable } from "../sql.js";
import { backfillPhase } from "../recipes/batched-update.js";
import { columnDefinition, defaultClause, defaultSql, isVolatileDefault, requireType } from "../recipes/column-defaults.js";
import * as estimate from "../recipes/estimate.js";
import { notNullPhases } from "../recipes/not-null.js";
import { mayBlockForScan } from "../recipes/size-policy.js";
import { finishPhase, literal, regclass, stmt } from "../recipes/statements.js";
import type { OperationRecipes, RecipeResult } from "../recipe.js";
import type { Statement } from "../model.js";
import type { Dialect } from "../../engines/index.js";
import { thousands } from "../format.js";
import { effect } from "../effects.js";

type Ctx<D extends Dialect = Dialect> = RecipeContext<"add_column", D>;

function columnsOf(ctx: Ctx): Column[] {
  const columns = ctx.answers.columns ?? [];
  if (columns.length === 0) throw new PlanError("add_column needs at least one column", "columns");
  columns.forEach((c, i) => requireType(c, i));
  columns.forEach((c, i) => {
    if (c.nullable === false && defaultSql(c.default) === undefined && ctx.answers.approx_rows > 0) {
      throw new PlanError(
        `${c.name} is NOT NULL without a default: existing rows would have no value. Give a default, or add it nullable and use set_not_null after a backfill`,
        `columns.${i}.default`,
      );
    }
  });
  return columns;
}

const names = (cols: Column[]) => cols.map((c) => c.name).join(", ");

function existsCheck(ctx: Ctx, cols: Column[]) {
  const list = cols.map((c) => literal(c.name)).join(", ");
  return {
    description: `Column${cols.length > 1 ? "s" : ""} ${names(cols)} exist${cols.length > 1 ? "" : "s"}`,
    sql: `SELECT count(*) = ${cols.length} AS ok FROM pg_attribute WHERE attrelid = ${regclass(ctx.engine, ctx.answers.table)} AND attname IN (${list}) AND NOT attisdropped;`,
  };
}

function dropColumns(ctx: Ctx, cols: Column[]) {
  const t = quoteTable(ctx.engine, ctx.answers.table);
  const clauses = cols.map((c) => `DROP COLUMN IF EXISTS ${quoteIdent(ctx.engine, c.name)}`).join(", ");
  return stmt(`ALTER TABLE ${t} ${clauses};`, "ACCESS EXCLUSIVE", [ctx.answers.table], {
    why: "Catalog only: the column disappears at once; its data is not recoverable.",
  });
}

function jsonWarnings(cols: Column[]): string[] {
  return cols
    .filter((c) => /^json\b/i.test(c.type ?? ""))
    .map(
      (c) =>
        `${c.name} is json, not jsonb: json has no equality operator, so any query doing DISTINCT, GROUP BY or UNION over the table breaks. Prefer jsonb unless you need the exact text kept.`,
    );
}

/** What the PostgreSQL paths share: the one ALTER adding every column, its rollback, the warnings so far. */
interface PgAdd {
  table: string;
  t: string;
  cols: Column[];
  addAll: Statement;
  rollback: Statement[];
  warnings: string[];
}

function postgres(ctx: Ctx<"postgresql">, cols: Column[]): RecipeResult {
  const table = ctx.answers.table;
  const t = quoteTable(ctx.engine, table);
  const fastDefaults = ctx.caps.has("fastColumnDefault");
  const slow = cols.filter((c) => defaultSql(c.default) !== undefined && (isVolatileDefault(c) || !fastDefaults));
  const warnings = jsonWarnings(cols);
  const addAll = stmt(`ALTER TABLE ${t} ${cols.map((c, i) => `ADD COLUMN ${columnDefinition(ctx.engine, c, { index: i })}`).join(", ")};`, "ACCESS EXCLUSIVE", [table], { effects: cols.map((c) => effect.addColumn(table, c.name)) });
  const add: PgAdd = { table, t, cols, addAll, rollback: [dropColumns(ctx, cols)], warnings };
  if (slow.length === 0) return pgCatalogOnly(ctx, add);
  const reason = slow.some((c) => isVolatileDefault(c))
    ? `the default of ${names(slow.filter((c) => isVolatileDefault(c)))} is volatile (computed per row), which rewrites the table on every PostgreSQL version`
    : `before PostgreSQL 11 any default on ADD COLUMN rewrites the whole table`;
  return mayBlockForScan(ctx) ? pgRewrite(ctx, add, reason) : pgExpandBackfill(ctx, add, slow, reason);
}

/** No default that rewrites: one catalog-only ALTER. */
function pgCatalogOnly(ctx: Ctx<"postgresql">, { table, cols, addAll, rollback, warnings }: PgAdd): RecipeResult {
  const withDefault = cols.some((c) => defaultSql(c.default) !== undefined);
  return {
    summary: `Add ${names(cols)} to ${table} in one catalog-only step`,
    strategy:
      "Single phase. " +
      (withDefault
        ? "From PostgreSQL 11 a non-volatile default (a constant, now()) is stored once in the catalog and existing rows read it from there, so no row is rewritten."
        : "A nullable column without a default only changes the catalog; existing rows read it as NULL.") +
      " The ACCESS EXCLUSIVE lock lasts milliseconds, but waiting for it would queue all traffic, hence the short lock timeout.",
    phases: [
      finishPhase(ctx, {
        title: `Add ${names(cols)}`,
        kind: "expand",
        why: "Adding a column is additive: old code ignores it, so no deploy has to come first. Ship code that uses the column after this phase.",
        statements: [{ ...addAll, why: "Catalog only: no row is read or rewritten." }],
        rollback,
        checks: [existsCheck(ctx, cols)],
        estimate: estimate.catalogOnly(ctx),
      }),
    ],
    warnings,
  };
}

/** Small enough, or downtime allowed: one ALTER that rewrites the table. */
function pgRewrite(ctx: Ctx<"postgresql">, { table, cols, addAll, rollback, warnings }: PgAdd, reason: string): RecipeResult {
  return {
    summary: `Add ${names(cols)} to ${table} in one step that rewrites the table`,
    strategy:
      `Single phase accepting a table rewrite: ${reason}. At about ${thousands(ctx.answers.approx_rows)} rows ` +
      `and "${ctx.answers.downtime_tolerance}" of tolerated downtime the rewrite is short enough that the expand/backfill detour is not worth its extra phases.`,
    phases: [
      finishPhase(ctx, {
        title: `Add ${names(cols)} (rewrites the table)`,
        kind: "expand",
        why: "The table is small enough that rewriting it under ACCESS EXCLUSIVE blocks traffic only briefly.",
        statements: [{ ...addAll, rewrite: true, why: `Rewrites every row: ${reason}.` }],
        rollback,
        checks: [existsCheck(ctx, cols)],
        estimate: estimate.rewrite(ctx.answers.approx_rows),
      }),
    ],
    warnings,
  };
}

/** Add the slow columns bare, give them their default for new rows only, then fill old rows in batches. */
function pgExpandBackfill(ctx: Ctx<"postgresql">, { table, t, cols, rollback, warnings }: PgAdd, slow: Column[], reason: string): RecipeResult {
  const clauses = cols.map((c, i) =>
    slow.includes(c)
      ? `ADD COLUMN ${columnDefinition(ctx.engine, c, { withDefault: false, withNotNull: false, index: i })}`
      : `ADD COLUMN ${columnDefinition(ctx.engine, c, { index: i })}`,
  );
  const setDefaults = slow.map((c) =>
    stmt(`ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(ctx.engine, c.name)} SET DEFAULT ${defaultClause(ctx.engine, c)};`, "ACCESS EXCLUSIVE", [table], {
      why: "SET DEFAULT applies to rows inserted from now on and never rewrites; old rows are filled by the backfill.",
    }),
  );
  const expand = finishPhase(ctx, {
    title: `Add ${names(cols)} without a stored default`,
    kind: "expand",
    why:
      `Adding the column with its default would rewrite the table under ACCESS EXCLUSIVE because ${reason}. Added nullable and without ` +
      "a default it is catalog only; the default is then set for new rows only.",
    statements: [stmt(`ALTER TABLE ${t} ${clauses.join(", ")};`, "ACCESS EXCLUSIVE", [table], { why: "Catalog only: nullable and no default.", effects: cols.map((c) => effect.addColumn(table, c.name)) }), ...setDefaults],
    rollback,
    checks: [existsCheck(ctx, cols)],
    estimate: estimate.catalogOnly(ctx),
  });
  const backfill = backfillPhase(
    ctx,
    {
      table,
      primaryKey: batchKey(ctx.answers.details),
      set: slow.map((c) => `${quoteIdent(ctx.engine, c.name)} = ${defaultClause(ctx.engine, c)}`).join(", "),
      pending: slow.map((c) => `${quoteIdent(ctx.engine, c.name)} IS NULL`).join(" OR "),
      label: slow.map((c) => `${table}.${c.name}`).join(", "),
    },
    "Existing rows still hold NULL; this fills them with the default expression, evaluated per row as the rewrite would have.",
  );
  const notNull = slow.filter((c) => c.nullable === false).flatMap((c) => notNullPhases(ctx, table, c));
  warnings.push(
    `The backfill writes every row once: expect about ${thousands(ctx.answers.approx_rows)} dead row versions for autovacuum to clean, and WAL volume (replica lag) of the same order as the table.`,
  );
  return {
    summary: `Add ${names(cols)} to ${table} without a table rewrite: add, backfill in batches${notNull.length ? ", then enforce NOT NULL" : ""}`,
    strategy:
      `Expand, backfill${notNull.length ? ", then the NOT NULL pattern" : ""}: ${reason}, and at about ${thousands(ctx.answers.approx_rows)} rows with ` +
      `"${ctx.answers.downtime_tolerance}" downtime tolerance a rewrite under ACCESS EXCLUSIVE would block the application for too long. ` +
      "Each step holds a strong lock for milliseconds only.",
    phases: [expand, { ...backfill, why: backfill.why + " Nothing to undo here: rolling back the first phase drops the column with its values." }, ...notNull],
    warnings,
  };
}

function mysql(ctx: Ctx<"mysql">, cols: Column[]): RecipeResult {
  const table = ctx.answers.table;
  const t = quoteTable(ctx.engine, table);
  const instant = ctx.caps.has("instantAddColumn");
  const adds = cols.map((c, i) => `ADD COLUMN ${columnDefinition(ctx.engine, c, { index: i })}`).join(", ");
  const drops = cols.map((c) => `DROP COLUMN ${quoteIdent(ctx.engine, c.name)}`).join(", ");
  const instantDrop = ctx.caps.has("instantDropColumn");
  const anyPosition = ctx.caps.has("instantAddColumnAnyPosition");
  const rowVersions = ctx.caps.has("instantRowVersionLimit");
  const warnings: string[] = [];
  if (instant && !anyPosition) {
    warnings.push("Before MySQL 8.0.29 ALGORITHM=INSTANT can only append a column as the last one: do not add AFTER or FIRST, or MySQL refuses INSTANT.");
  }
  if (rowVersions) {
    warnings.push(
      "MySQL 8.0.29+ allows at most 64 instant row versions per table (INFORMATION_SCHEMA.INNODB_TABLES.TOTAL_ROW_VERSIONS); after that ALGORITHM=INSTANT is refused until the table is rebuilt (OPTIMIZE TABLE or ALTER TABLE ... FORCE).",
    );
  }
  if (!instant && ctx.size !== "small") {
    warnings.push(
      "This MySQL version rebuilds the table to add a column. LOCK=NONE keeps it online, but replicas apply the rebuild single-threaded afterwards and lag by about as long; on large tables consider gh-ost (no foreign keys, no triggers) or pt-online-schema-change.",
    );
  }
  if (cols.some((c) => c.nullable === false && defaultSql(c.default) === undefined)) {
    warnings.push("A NOT NULL column without a default gets MySQL's implicit default (0, '' or the zero date) in existing rows.");
  }
  if (cols.some((c) => isVolatileDefault(c))) {
    warnings.push(
      "An expression default (such as (uuid())) may not be allowed with ALGORITHM=INSTANT; the explicit ALGORITHM makes MySQL refuse instead of silently copying the table. If refused, use gh-ost/pt-online-schema-change or add the column without a default and backfill.",
    );
  }
  const algo = instant ? "ALGORITHM=INSTANT" : "ALGORITHM=INPLACE, LOCK=NONE";
  const lock = instant ? "INSTANT" : "INPLACE, LOCK=NONE";
  const checks = [
    {
      description: `Column${cols.length > 1 ? "s" : ""} ${names(cols)} exist`,
      sql: `SELECT COUNT(*) = ${cols.length} AS ok FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(table)} AND COLUMN_NAME IN (${cols.map((c) => literal(c.name)).join(", ")});`,
    },
  ];
  if (rowVersions) {
    checks.push({
      description: "The table still has instant row versions left (at most 64)",
      sql: `SELECT TOTAL_ROW_VERSIONS < 64 AS ok FROM information_schema.INNODB_TABLES WHERE NAME = CONCAT(DATABASE(), '/', ${literal(table)});`,
    });
  }
  return {
    summary: `Add ${names(cols)} to ${table} (${instant ? "instant" : "online rebuild"})`,
    strategy: instant
      ? `Single phase. ${ctx.product === "mariadb" ? "MariaDB (10.3+)" : "From MySQL 8.0.12"} InnoDB adds a column instantly (metadata only); naming ALGORITHM=INSTANT makes MySQL fail rather than fall back to a table copy. INSTANT cannot be combined with a LOCK= clause.`
      : "Single phase. Before 8.0.12 adding a column rebuilds the table; ALGORITHM=INPLACE, LOCK=NONE keeps reads and writes going during the rebuild.",
    phases: [
      finishPhase(ctx, {
        title: `Add ${names(cols)}`,
        kind: "expand",
        why: "Additive: old code ignores the new column. MySQL DDL commits implicitly, so this phase is one statement.",
        statements: [
          stmt(`ALTER TABLE ${t} ${adds}, ${algo};`, lock, [table], {
            effects: cols.map((c) => effect.addColumn(table, c.name)),
            rewrite: !instant,
            why: instant ? "Metadata only; needs a brief exclusive metadata lock." : "Rebuilds the table in place with concurrent DML allowed.",
          }),
        ],
        rollback: [
          stmt(`ALTER TABLE ${t} ${drops}, ${instantDrop ? "ALGORITHM=INSTANT" : "ALGORITHM=INPLACE, LOCK=NONE"};`, instantDrop ? "INSTANT" : "INPLACE, LOCK=NONE", [table], {
            rewrite: !instantDrop,
          }),
        ],
        checks,
        estimate: instant ? estimate.catalogOnly(ctx) : estimate.rewrite(ctx.answers.approx_rows) + " Concurrent DML continues meanwhile.",
      }),
    ],
    warnings,
  };
}

export const addColumn: OperationRecipes<"add_column"> = {
  postgresql: (ctx) => postgres(ctx, columnsOf(ctx)),
  mysql: (ctx) => mysql(ctx, columnsOf(ctx)),
};
