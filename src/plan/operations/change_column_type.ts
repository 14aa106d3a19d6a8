/**
 * change_column_type. PostgreSQL rewrites the table and its indexes under ACCESS EXCLUSIVE, except for
 * binary-coercible changes (varchar growth or to text, numeric precision up at the same scale, timestamp to
 * timestamptz when the session zone is UTC on 12+), which are one catalog step. Otherwise, without downtime:
 * new column + sync trigger + batched backfill + (indexes, constraints) + a short swap by renames + later drop.
 * MySQL: COPY with writes blocked, except VARCHAR growth within the same length-byte count (INPLACE). With a
 * schema snapshot, foreign keys on the column (both directions) are dropped, both sides changed, and added back. When the
 * size and tolerance do not allow blocking writes: new column + BEFORE INSERT/UPDATE triggers + batched backfill
 * + verify + one ALTER swapping the names (reverse triggers for the rollback window) + later drop.
 */
import type { Column } from "../../answers/schema.js";
import { PlanError } from "../errors.js";
import { batchKey, detailsOf, type RecipeContext } from "../context.js";
import type { OperationRecipes, RecipeResult } from "../recipe.js";
import { requireType } from "../recipes/column-defaults.js";
import { mayBlockForScan } from "../recipes/size-policy.js";
import { onlineToolRuns } from "../recipes/online-schema-tools.js";
import { findTable } from "../../schema/model.js";
import { mysqlColumnFks } from "../recipes/mysql-fk.js";
import { bigintKeyPlan } from "../recipes/bigint-key/index.js";
import { mysqlSingleStep } from "../recipes/column-swap/mysql-copy.js";
import { mysqlExpandContract } from "../recipes/column-swap/mysql.js";
import { pgCatalogOnly, pgRewriteInPlace } from "../recipes/column-swap/pg-single.js";
import { pgExpandContract } from "../recipes/column-swap/postgresql.js";
import { mysqlVarchar, pgBinaryCoercible } from "../recipes/column-swap/type-shape.js";

function inputs(ctx: RecipeContext): { column: Column; from: string; to: string } {
  const column = ctx.answers.columns?.[0];
  if (!column) throw new PlanError("change_column_type needs the column (with its current type) in columns[0]", "columns");
  const from = requireType(column);
  const to = detailsOf(ctx, "change_column_type").new_type;
  if (!to) throw new PlanError("change_column_type needs the new type", "details.new_type");
  return { column, from, to };
}

function postgres(ctx: RecipeContext, column: Column, from: string, to: string): RecipeResult {
  const using = detailsOf(ctx, "change_column_type").using;
  const cheap = pgBinaryCoercible(from, to, ctx.caps);
  if (cheap && !using) return pgCatalogOnly(ctx, column, from, to, cheap);
  if (mayBlockForScan(ctx)) return pgRewriteInPlace(ctx, column, from, to);
  // With the schema read, an integer primary key gets the complete recipe (children, sequence, indexes).
  const keyPlan = using ? undefined : bigintKeyPlan(ctx, column.name, to);
  return keyPlan ?? pgExpandContract(ctx, column, from, to);
}

export const changeColumnType: OperationRecipes<"change_column_type"> = {
  postgresql: (ctx) => {
    const { column, from, to } = inputs(ctx);
    return postgres(ctx, column, from, to);
  },
  mysql: (ctx) => mysql(ctx),
};

function mysql(ctx: RecipeContext): RecipeResult {
  const { column, from, to } = inputs(ctx);
  const fks = mysqlColumnFks(ctx, column, from, to);
  // COPY blocks writes for the whole copy: acceptable only when the size and tolerance allow it.
  if (fks && !mayBlockForScan(ctx)) {
    throw new PlanError(
      `${ctx.answers.table}.${column.name} is joined by foreign keys (${fks.names.join(", ")}) and MySQL changes both sides of one only with table copies that block writes: allow a longer downtime tolerance, or use pt-online-schema-change with --alter-foreign-keys-method`,
      "downtime_tolerance",
    );
  }
  if (fks) return mysqlSingleStep(ctx, column, from, to, fks);
  // One MODIFY COLUMN: in place, allowed to block, or copied in throttled chunks by the chosen gh-ost / pt-osc.
  const primaryKey = isPrimaryKeyColumn(ctx, column.name);
  if (mysqlVarchar(ctx, column, from, to).inplace || mayBlockForScan(ctx) || onlineToolRuns(ctx)) return mysqlSingleStep(ctx, column, from, to, undefined, primaryKey);
  if (primaryKey) throw new PlanError(mysqlPrimaryKeySwap(ctx, column.name), "online_ddl_tool");
  return mysqlExpandContract(ctx, column, from, to);
}

/**
 * The table's primary key column: from the schema when read, else the batching key the answers name (id by
 * default), which is the primary key in practice.
 */
function isPrimaryKeyColumn(ctx: RecipeContext, name: string): boolean {
  const table = ctx.snapshot && findTable(ctx.snapshot, ctx.answers.table);
  if (table) return table.primaryKey?.columns.includes(name) ?? false;
  return name === (batchKey(detailsOf(ctx, "change_column_type")));
}

/** Why a new-column swap cannot change a MySQL primary key column, and what can. */
function mysqlPrimaryKeySwap(ctx: RecipeContext, column: string): string {
  const tools = ctx.product === "mariadb" ? "pt-online-schema-change" : "gh-ost or pt-online-schema-change";
  return (
    `${ctx.answers.table}.${column} is the primary key: a swap to a new column would leave the primary key and AUTO_INCREMENT on the old one, ` +
    `and MySQL cannot move them without rebuilding the table. Answer online_ddl_tool ${tools} (it rebuilds the table with the new type in throttled chunks), ` +
    "or allow a longer downtime tolerance for one ALTER TABLE ... MODIFY COLUMN (ALGORITHM=COPY: writes wait for the copy)"
  );
}
