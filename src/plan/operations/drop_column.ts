/**
 * drop_column. Catalog only on PostgreSQL (INSTANT on MySQL from 8.0.29), but it breaks any code that still
 * reads or writes the column, and ORMs name every column they know. So: stop using it, deploy, then drop.
 * The data is gone afterwards; when rollback matters, a copy of the column is kept first.
 */
import type { Column } from "../../answers/schema.js";
import type { Statement } from "../model.js";
import { schemaPrefix } from "../encode.js";
import { PlanError } from "../errors.js";
import { batchKey, type RecipeContext } from "../context.js";
import { constraintName, quoteIdent, quoteTable } from "../sql.js";
import { mysqlDropColumn } from "../recipes/mysql-ddl.js";
import * as estimate from "../recipes/estimate.js";
import { bareName, finishPhase, literal, regclass, stmt, type PhaseDraft } from "../recipes/statements.js";
import type { OperationRecipes, RecipeResult } from "../recipe.js";
import { effect } from "../effects.js";

export function archiveName(table: string, column: string): string {
  const name = constraintName(bareName(table), column, "archive");
  return schemaPrefix(table) + name;
}

type Ctx = RecipeContext<"drop_column">;

/** The names every step shares. */
interface DropColumn {
  table: string;
  t: string;
  column: Column;
  c: string;
  pk: string;
  keepCopy: boolean;
  archive: string;
  /** The archive table, quoted. */
  a: string;
}

/** What the dialects differ in; the steps below are written once. */
interface DropDialect {
  /** The lock CREATE TABLE ... AS SELECT takes on the table, and the one dropping the copy takes. */
  copyLock: string;
  copyDropLock: string;
  drop: (ctx: Ctx, k: DropColumn) => Statement[];
  goneSql: (k: DropColumn) => string;
  /** Whether the drop only changes the catalog (no rebuild). */
  catalogOnly: (ctx: Ctx) => boolean;
  warnings: (ctx: Ctx) => string[];
}

const POSTGRESQL: DropDialect = {
  copyLock: "ACCESS SHARE",
  copyDropLock: "ACCESS EXCLUSIVE",
  drop: (_ctx, { t, c, table, column }) => [
    stmt(`ALTER TABLE ${t} DROP COLUMN ${c};`, "ACCESS EXCLUSIVE", [table], {
      effects: [effect.dropColumn(table, column.name)],
      why: "Catalog only: the column is hidden at once and its space reclaimed by later updates and VACUUM FULL, not now.",
    }),
  ],
  goneSql: ({ table, column }) =>
    `SELECT count(*) = 0 AS ok FROM pg_attribute WHERE attrelid = ${regclass("postgresql", table)} AND attname = ${literal(column.name)} AND NOT attisdropped;`,
  catalogOnly: () => true,
  warnings: () => [
    "A view or a multi-column index/constraint that uses the column makes DROP COLUMN fail (it would need CASCADE): find them first with \\d+ on the table and drop or change them deliberately.",
  ],
};

const MYSQL: DropDialect = {
  copyLock: "metadata lock",
  copyDropLock: "metadata lock",
  drop: (ctx, { table, column }) => mysqlDropColumn(ctx, table, column.name),
  goneSql: ({ table, column }) =>
    `SELECT COUNT(*) = 0 AS ok FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(table)} AND COLUMN_NAME = ${literal(column.name)};`,
  catalogOnly: (ctx) => ctx.caps.has("instantDropColumn"),
  warnings: (ctx) => {
    const instant = ctx.caps.has("instantDropColumn");
    const warnings = [
      instant
        ? "Indexes on this column alone are dropped with it. If a multi-column index includes it, the index is changed (not dropped) and the drop falls back to an in-place rebuild (ALGORITHM=INPLACE, LOCK=NONE): check SHOW CREATE TABLE first."
        : "A multi-column index that uses the column is changed, not dropped; check SHOW CREATE TABLE first.",
    ];
    if (!instant && ctx.size !== "small") warnings.push(`This ${ctx.product === "mariadb" ? "MariaDB" : "MySQL"} version rebuilds the table to drop a column; replicas lag by about the rebuild time. Consider gh-ost or pt-online-schema-change.`);
    return warnings;
  },
};

function dropNames(ctx: Ctx): DropColumn {
  const column = ctx.answers.columns?.[0];
  if (!column) throw new PlanError("drop_column needs the column in columns[0]", "columns");
  const table = ctx.answers.table;
  const archive = archiveName(table, column.name);
  return {
    table,
    t: quoteTable(ctx.engine, table),
    column,
    c: quoteIdent(ctx.engine, column.name),
    pk: quoteIdent(ctx.engine, batchKey(ctx.answers.details)),
    keepCopy: ctx.answers.rollback_need !== "none",
    archive,
    a: quoteTable(ctx.engine, archive),
  };
}

/** First the application stops naming the column. */
function stopUsingPhase(column: Column): PhaseDraft {
  return {
    title: `Stop using ${column.name} in the application`,
    kind: "deploy",
    why:
      "Dropping the column while any running code still names it makes those queries fail, and ORMs name every column they know " +
      "in INSERTs and SELECTs. Remove it from the code and the model first (Rails: `self.ignored_columns += [\"" +
      column.name +
      "\"]`; Django: remove the field inside `SeparateDatabaseAndState` so no SQL runs; other ORMs: drop it from the model and queries).",
    statements: [],
    rollback: [],
    checks: [],
    deploy: `Deploy the version that no longer reads or writes ${column.name}; wait until no old instance (workers, cron jobs) is left.`,
    estimate: estimate.DEPLOY_ESTIMATE,
  };
}

/** When rollback matters: the values with the primary key, copied aside before the drop. */
function copyPhase(ctx: Ctx, dialect: DropDialect, { table, t, column, c, pk, archive, a }: DropColumn): PhaseDraft {
  return finishPhase(ctx, {
    title: `Keep a copy of ${column.name}`,
    kind: "backfill",
    why:
      `Dropping a column cannot be undone. With rollback need "${ctx.answers.rollback_need}", its values are copied with the primary key into ` +
      `${archive} first, so they can be put back (re-add the column, then UPDATE from the copy). Drop the copy once you are sure.`,
    statements: [
      stmt(`CREATE TABLE ${a} AS SELECT ${pk}, ${c} FROM ${t};`, dialect.copyLock, [table], {
        scan: true,
        why: "Reads the table once; writes continue (on MySQL use a consistent snapshot or run it on a replica for large tables).",
      }),
    ],
    rollback: [stmt(`DROP TABLE IF EXISTS ${a};`, dialect.copyDropLock, [archive])],
    checks: [
      {
        description: "The copy has as many rows as the table",
        sql: `SELECT (SELECT count(*) FROM ${a}) = (SELECT count(*) FROM ${t}) AS ok;`,
      },
    ],
    estimate: estimate.scan(ctx.answers.approx_rows, "and writes them to the copy"),
  });
}

function contractPhase(ctx: Ctx, dialect: DropDialect, k: DropColumn): PhaseDraft {
  const { table, column, keepCopy, archive } = k;
  return finishPhase(ctx, {
    title: `Drop ${column.name}`,
    kind: "contract",
    why: "Nothing uses the column any more, so dropping it breaks nothing. Indexes and constraints that use only this column go with it.",
    statements: dialect.drop(ctx, k),
    irreversible: keepCopy
      ? `The column's data is deleted. To go back: re-add the column, then UPDATE ${table} from ${archive} by primary key.`
      : "The column's data is deleted and cannot come back except from a backup.",
    checks: [{ description: `Column ${column.name} is gone`, sql: dialect.goneSql(k) }],
    estimate: dialect.catalogOnly(ctx) ? estimate.catalogOnly(ctx) : estimate.rewrite(ctx.answers.approx_rows),
  });
}

function plan(ctx: Ctx, dialect: DropDialect): RecipeResult {
  const k = dropNames(ctx);
  const copy = k.keepCopy ? [copyPhase(ctx, dialect, k)] : [];
  const contract = contractPhase(ctx, dialect, k);
  return {
    summary: `Drop ${k.table}.${k.column.name} after the application stops using it`,
    strategy:
      "Contract in two steps: deploy code that no longer uses the column, then drop it. The drop is cheap, but done first it breaks every " +
      `running instance that still names the column.${k.keepCopy ? " A copy of the values is kept first because the drop cannot be undone." : ""}`,
    phases: [stopUsingPhase(k.column), ...copy, contract],
    warnings: dialect.warnings(ctx),
  };
}

export const dropColumn: OperationRecipes<"drop_column"> = {
  postgresql: (ctx) => plan(ctx, POSTGRESQL),
  mysql: (ctx) => plan(ctx, MYSQL),
};
