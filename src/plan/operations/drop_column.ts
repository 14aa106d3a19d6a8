/**
 * drop_column. Catalog only on PostgreSQL (INSTANT on MySQL from 8.0.29), but it breaks any code that still
 * reads or writes the column, and ORMs name every column they know. So: stop using it, deploy, then drop.
 * The data is gone afterwards; when rollback matters, a copy of the column is kept first.
 */
import { schemaPrefix } from "../encode.js";
import { PlanError } from "../errors.js";
import { effect } from "../effects.js";
import type { RecipeContext } from "../context.js";
import { constraintName, quoteIdent, quoteTable } from "../sql.js";
import { mysqlDropColumn } from "../recipes/mysql-ddl.js";
import * as estimate from "../recipes/estimate.js";
import { bareName, finishPhase, literal, regclass, stmt, type PhaseDraft } from "../recipes/statements.js";
import type { Recipe } from "../recipe.js";

export function archiveName(table: string, column: string): string {
  const name = constraintName(bareName(table), column, "archive");
  return schemaPrefix(table) + name;
}

export const dropColumn: Recipe = (ctx: RecipeContext) => {
  const column = ctx.answers.columns?.[0];
  if (!column) throw new PlanError("drop_column needs the column in columns[0]", "columns");
  const table = ctx.answers.table;
  const t = quoteTable(ctx.engine, table);
  const c = quoteIdent(ctx.engine, column.name);
  const pk = quoteIdent(ctx.engine, ctx.answers.details?.primary_key ?? "id");
  const pg = ctx.engine === "postgresql";
  const keepCopy = ctx.answers.rollback_need !== "none";
  const archive = archiveName(table, column.name);
  const a = quoteTable(ctx.engine, archive);

  const stopUsing: PhaseDraft = {
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

  const copy: PhaseDraft[] = keepCopy
    ? [
        finishPhase(ctx, {
          title: `Keep a copy of ${column.name}`,
          kind: "backfill",
          why:
            `Dropping a column cannot be undone. With rollback need "${ctx.answers.rollback_need}", its values are copied with the primary key into ` +
            `${archive} first, so they can be put back (re-add the column, then UPDATE from the copy). Drop the copy once you are sure.`,
          statements: [
            stmt(`CREATE TABLE ${a} AS SELECT ${pk}, ${c} FROM ${t};`, pg ? "ACCESS SHARE" : "metadata lock", [table], {
              scan: true,
              why: "Reads the table once; writes continue (on MySQL use a consistent snapshot or run it on a replica for large tables).",
            }),
          ],
          rollback: [stmt(`DROP TABLE IF EXISTS ${a};`, pg ? "ACCESS EXCLUSIVE" : "metadata lock", [archive])],
          checks: [
            {
              description: "The copy has as many rows as the table",
              sql: `SELECT (SELECT count(*) FROM ${a}) = (SELECT count(*) FROM ${t}) AS ok;`,
            },
          ],
          estimate: estimate.scan(ctx.answers.approx_rows, "and writes them to the copy"),
        }),
      ]
    : [];

  const instant = !pg && ctx.caps.has("instantDropColumn");
  const drop = pg
    ? [
        stmt(`ALTER TABLE ${t} DROP COLUMN ${c};`, "ACCESS EXCLUSIVE", [table], {
          effects: [effect.dropColumn(table, column.name)],
          why: "Catalog only: the column is hidden at once and its space reclaimed by later updates and VACUUM FULL, not now.",
        }),
      ]
    : mysqlDropColumn(ctx, table, column.name);
  const goneCheck = pg
    ? `SELECT count(*) = 0 AS ok FROM pg_attribute WHERE attrelid = ${regclass(ctx.engine, table)} AND attname = ${literal(column.name)} AND NOT attisdropped;`
    : `SELECT COUNT(*) = 0 AS ok FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(table)} AND COLUMN_NAME = ${literal(column.name)};`;
  const contract = finishPhase(ctx, {
    title: `Drop ${column.name}`,
    kind: "contract",
    why: "Nothing uses the column any more, so dropping it breaks nothing. Indexes and constraints that use only this column go with it.",
    statements: drop,
    irreversible: keepCopy
      ? `The column's data is deleted. To go back: re-add the column, then UPDATE ${table} from ${archive} by primary key.`
      : "The column's data is deleted and cannot come back except from a backup.",
    checks: [{ description: `Column ${column.name} is gone`, sql: goneCheck }],
    estimate: instant || pg ? estimate.catalogOnly(ctx) : estimate.rewrite(ctx.answers.approx_rows),
  });

  const warnings = [
    pg
      ? "A view or a multi-column index/constraint that uses the column makes DROP COLUMN fail (it would need CASCADE): find them first with \\d+ on the table and drop or change them deliberately."
      : instant
        ? "Indexes on this column alone are dropped with it. If a multi-column index includes it, the index is changed (not dropped) and the drop falls back to an in-place rebuild (ALGORITHM=INPLACE, LOCK=NONE): check SHOW CREATE TABLE first."
        : "A multi-column index that uses the column is changed, not dropped; check SHOW CREATE TABLE first.",
  ];
  if (!pg && !instant && ctx.size !== "small") warnings.push(`This ${ctx.product === "mariadb" ? "MariaDB" : "MySQL"} version rebuilds the table to drop a column; replicas lag by about the rebuild time. Consider gh-ost or pt-online-schema-change.`);
  return {
    summary: `Drop ${table}.${column.name} after the application stops using it`,
    strategy:
      "Contract in two steps: deploy code that no longer uses the column, then drop it. The drop is cheap, but done first it breaks every " +
      `running instance that still names the column.${keepCopy ? " A copy of the values is kept first because the drop cannot be undone." : ""}`,
    phases: [stopUsing, ...copy, contract],
    warnings,
  };
};
