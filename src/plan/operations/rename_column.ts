/**
 * rename_column. The rename itself is catalog only, but every running instance of the application still
 * uses the old name, so it breaks them. Without downtime: expand/contract. Add the new column, keep both
 * in step with a trigger, backfill, move reads and writes to the new name, stop using the old one, drop it.
 * A view over the renamed table is the lighter alternative when all access can go through it.
 */
import type { Column } from "../../answers/schema.js";
import { PlanError } from "../errors.js";
import { columnObjects } from "../recipes/column-objects.js";
import type { RecipeContext } from "../context.js";
import { constraintName, quoteIdent, quoteTable } from "../sql.js";
import { mysqlDropColumn } from "../recipes/mysql-ddl.js";
import { effect } from "../effects.js";
import { backfillPhase } from "../recipes/batched-update.js";
import { columnDefinition, defaultClause, defaultSql, mysqlRestatedDefinition, requireType } from "../recipes/column-defaults.js";
import * as estimate from "../recipes/estimate.js";
import { notNullPhases } from "../recipes/not-null.js";
import { mayBreakBriefly } from "../recipes/size-policy.js";
import { renameSyncTrigger } from "../recipes/sync-trigger.js";
import { bareName, finishPhase, literal, regclass, stmt, type PhaseDraft } from "../recipes/statements.js";
import type { Statement } from "../model.js";
import type { Recipe, RecipeResult } from "../recipe.js";

const VIEW_ALTERNATIVE =
  "Alternative: rename the table, then create a view with the old table name that exposes the column under both names " +
  "(CREATE VIEW old_table AS SELECT *, new_name AS old_name FROM new_table); old code keeps using the view while new code moves over, " +
  "then drop the view. It is quicker, but only works when every query (and the ORM's INSERT ... RETURNING) can go through a simple view.";

function inputs(ctx: RecipeContext): { column: Column; newName: string } {
  const column = ctx.answers.columns?.[0];
  if (!column) throw new PlanError("rename_column needs the column to rename in columns[0]", "columns");
  const newName = ctx.answers.details?.new_name;
  if (!newName) throw new PlanError("rename_column needs the new name", "details.new_name");
  if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(newName)) throw new PlanError("the new name must be letters, digits and _", "details.new_name");
  if (newName === column.name) throw new PlanError("the new name is the same as the old one", "details.new_name");
  return { column, newName };
}

function columnExists(ctx: RecipeContext, name: string, exists: boolean) {
  const table = ctx.answers.table;
  const sql =
    ctx.engine === "mysql"
      ? `SELECT COUNT(*) = ${exists ? 1 : 0} AS ok FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(table)} AND COLUMN_NAME = ${literal(name)};`
      : `SELECT count(*) = ${exists ? 1 : 0} AS ok FROM pg_attribute WHERE attrelid = ${regclass(ctx.engine, table)} AND attname = ${literal(name)} AND NOT attisdropped;`;
  return { description: `Column ${name} ${exists ? "exists" : "is gone"}`, sql };
}

/** The one-step rename, for when running code may break until the matching deploy. */
function oneStep(ctx: RecipeContext, column: Column, newName: string): RecipeResult {
  const table = ctx.answers.table;
  const t = quoteTable(ctx.engine, table);
  const o = quoteIdent(ctx.engine, column.name);
  const n = quoteIdent(ctx.engine, newName);
  let forward: Statement;
  let back: Statement;
  if (ctx.engine === "postgresql") {
    forward = stmt(`ALTER TABLE ${t} RENAME COLUMN ${o} TO ${n};`, "ACCESS EXCLUSIVE", [table], { why: "Catalog only.", effects: [effect.renameColumn(table, column.name, newName)] });
    back = stmt(`ALTER TABLE ${t} RENAME COLUMN ${n} TO ${o};`, "ACCESS EXCLUSIVE", [table]);
  } else if (ctx.caps.has("renameColumnSyntax")) {
    const algo = ctx.caps.has("instantRenameColumn") ? "ALGORITHM=INSTANT" : "ALGORITHM=INPLACE, LOCK=NONE";
    const lock = ctx.caps.has("instantRenameColumn") ? "INSTANT" : "INPLACE, LOCK=NONE";
    forward = stmt(`ALTER TABLE ${t} RENAME COLUMN ${o} TO ${n}, ${algo};`, lock, [table], { why: "Metadata only.", effects: [effect.renameColumn(table, column.name, newName)] });
    back = stmt(`ALTER TABLE ${t} RENAME COLUMN ${n} TO ${o}, ${algo};`, lock, [table]);
  } else {
    // 5.7 has no RENAME COLUMN: CHANGE restates the whole definition.
    const definition = mysqlRestatedDefinition(column);
    forward = stmt(`ALTER TABLE ${t} CHANGE COLUMN ${o} ${n} ${definition}, ALGORITHM=INPLACE, LOCK=NONE;`, "INPLACE, LOCK=NONE", [table], {
      why: "MySQL 5.7 renames with CHANGE COLUMN, which must repeat the type, nullability and default exactly (or it changes them).",
    });
    back = stmt(`ALTER TABLE ${t} CHANGE COLUMN ${n} ${o} ${definition}, ALGORITHM=INPLACE, LOCK=NONE;`, "INPLACE, LOCK=NONE", [table]);
  }
  return {
    summary: `Rename ${table}.${column.name} to ${newName} in one step, deployed together with the code`,
    strategy:
      `One step plus a deploy: with "minutes" of tolerated downtime the application may fail on the old name for the short time ` +
      "between the rename and the deploy that uses the new name, which is far simpler than expand/contract. " +
      VIEW_ALTERNATIVE,
    phases: [
      finishPhase(ctx, {
        title: `Rename ${column.name} to ${newName}`,
        kind: "switch",
        why: "Renaming is catalog only, but from this moment queries using the old name fail, so deploy the code that uses the new name immediately.",
        statements: [forward],
        rollback: [back],
        checks: [columnExists(ctx, newName, true)],
        deploy: `Deploy the application version that uses ${newName} right away (or stop the application before the rename and start the new version after).`,
        estimate: estimate.catalogOnly(ctx),
      }),
    ],
    warnings: ["Between the rename and the deploy, every query that names the old column fails. Schedule it in a quiet moment."],
  };
}

function mysqlTriggers(ctx: RecipeContext, table: string, oldName: string, newName: string) {
  const t = quoteTable(ctx.engine, table);
  const o = quoteIdent(ctx.engine, oldName);
  const n = quoteIdent(ctx.engine, newName);
  const ins = quoteIdent(ctx.engine, constraintName(bareName(table), "sync", newName, "ins"));
  const upd = quoteIdent(ctx.engine, constraintName(bareName(table), "sync", newName, "upd"));
  const lock = "metadata lock";
  return {
    create: [
      stmt(`CREATE TRIGGER ${ins} BEFORE INSERT ON ${t} FOR EACH ROW\n  SET NEW.${n} = COALESCE(NEW.${n}, NEW.${o}), NEW.${o} = NEW.${n};`, lock, [table], {
        why: "Inserts from old code (old name) fill the new column, and inserts from new code fill the old one.",
      }),
      stmt(
        `CREATE TRIGGER ${upd} BEFORE UPDATE ON ${t} FOR EACH ROW\n  SET NEW.${o} = IF(NEW.${n} <=> OLD.${n}, NEW.${o}, NEW.${n}), NEW.${n} = NEW.${o};`,
        lock,
        [table],
        { why: "Whichever column an update changed wins; the other follows." },
      ),
    ],
    drop: [stmt(`DROP TRIGGER IF EXISTS ${ins};`, lock, [table]), stmt(`DROP TRIGGER IF EXISTS ${upd};`, lock, [table])],
  };
}

function expandContract(ctx: RecipeContext, column: Column, newName: string): RecipeResult {
  const table = ctx.answers.table;
  const t = quoteTable(ctx.engine, table);
  const o = quoteIdent(ctx.engine, column.name);
  const n = quoteIdent(ctx.engine, newName);
  const pg = ctx.engine === "postgresql";
  requireType(column);
  // The new column has no default while both exist: a default would make the trigger overwrite what old code inserted.
  const newColumn: Column = { ...column, name: newName, default: undefined, nullable: true };
  const mysqlAdd = ctx.caps.has("instantAddColumn") ? { algo: ", ALGORITHM=INSTANT", lock: "INSTANT", rewrite: false } : { algo: ", ALGORITHM=INPLACE, LOCK=NONE", lock: "INPLACE, LOCK=NONE", rewrite: true };
  const addNew = pg
    ? stmt(`ALTER TABLE ${t} ADD COLUMN ${columnDefinition(ctx.engine, newColumn)};`, "ACCESS EXCLUSIVE", [table], { why: "Catalog only: nullable, no default.", effects: [effect.addColumn(table, newName)] })
    : stmt(`ALTER TABLE ${t} ADD COLUMN ${columnDefinition(ctx.engine, newColumn)}${mysqlAdd.algo};`, mysqlAdd.lock, [table], { rewrite: mysqlAdd.rewrite, effects: [effect.addColumn(table, newName)] });
  const dropNew = pg ? [stmt(`ALTER TABLE ${t} DROP COLUMN IF EXISTS ${n};`, "ACCESS EXCLUSIVE", [table])] : mysqlDropColumn(ctx, table, newName);
  const trigger = pg ? renameSyncTrigger(ctx, table, column.name, newName) : mysqlTriggers(ctx, table, column.name, newName);

  const expand = finishPhase(ctx, {
    title: `Add ${newName} and keep it in step with ${column.name}`,
    kind: "expand",
    why:
      `The new column is added empty and a trigger copies every write between ${column.name} and ${newName}, in both directions, ` +
      "so old code (writing the old name) and new code (writing the new name) can run at the same time. Nothing uses the new column yet.",
    statements: [addNew, ...trigger.create],
    rollback: [...trigger.drop, ...dropNew],
    checks: [columnExists(ctx, newName, true)],
    estimate: estimate.catalogOnly(ctx),
  });
  const backfill = backfillPhase(
    ctx,
    {
      table,
      primaryKey: ctx.answers.details?.primary_key ?? "id",
      set: `${n} = ${o}`,
      pending: pg ? `${n} IS DISTINCT FROM ${o}` : `NOT (${n} <=> ${o})`,
      label: `${table}.${newName}`,
    },
    `Copies ${column.name} into ${newName} for rows written before the trigger existed.`,
  );
  const notNull = column.nullable === false ? notNullPhases(ctx, table, { ...newColumn, nullable: false }) : [];
  const switchReads: PhaseDraft = {
    title: `Switch the application to ${newName}`,
    kind: "deploy",
    why:
      `Both columns now hold the same data and stay in step. Deploy code that reads and writes ${newName}; instances still running ` +
      `the old version keep writing ${column.name} and the trigger copies it over.`,
    statements: [],
    rollback: [],
    checks: [],
    deploy: `Deploy the version that reads and writes ${newName} instead of ${column.name}. Rolling back = redeploying the previous version; the trigger keeps both columns correct either way.`,
    estimate: estimate.DEPLOY_ESTIMATE,
  };
  const stopOld: PhaseDraft = {
    title: `Stop every use of ${column.name}`,
    kind: "deploy",
    why:
      "ORMs name every column they know in INSERTs and SELECTs, so the old column must disappear from the application's model before it is " +
      "dropped (Rails: ignored_columns; Django: remove the field with SeparateDatabaseAndState; others: remove it from the model/queries).",
    statements: [],
    rollback: [],
    checks: [],
    deploy: `Deploy the version whose model no longer knows ${column.name}, and wait until no old instance (workers, cron jobs, consoles) is left.`,
    estimate: estimate.DEPLOY_ESTIMATE,
  };
  const setDefault =
    defaultSql(column.default) !== undefined
      ? [
          pg
            ? stmt(`ALTER TABLE ${t} ALTER COLUMN ${n} SET DEFAULT ${defaultClause(ctx.engine, column)};`, "ACCESS EXCLUSIVE", [table], {
                why: "The old column's default moves to the new one now that nothing writes the old name.",
              })
            : stmt(`ALTER TABLE ${t} ALTER COLUMN ${n} SET DEFAULT ${defaultClause(ctx.engine, column)}, ALGORITHM=INSTANT;`, "INSTANT", [table]),
        ]
      : [];
  const dropOld = pg
    ? [stmt(`ALTER TABLE ${t} DROP COLUMN ${o};`, "ACCESS EXCLUSIVE", [table], { why: "Catalog only; the data is a copy of the new column.", effects: [effect.dropColumn(table, column.name)] })]
    : mysqlDropColumn(ctx, table, column.name);
  const contract = finishPhase(ctx, {
    title: `Drop the trigger and ${column.name}`,
    kind: "contract",
    why: "Nothing uses the old column any more: remove the trigger and the column. This is the only step that cannot be undone.",
    statements: [...trigger.drop, ...dropOld, ...setDefault],
    irreversible: `Dropping ${column.name} deletes its data. It is a copy of ${newName}, so nothing is lost, but going back means fixing forward (re-adding the column and copying the data again).`,
    checks: [columnExists(ctx, column.name, false)],
    estimate: estimate.catalogOnly(ctx),
  });
  // With the schema read, the column's indexes, constraints and views are rebuilt by the plan itself.
  const objects = pg && ctx.snapshot ? columnObjects(ctx, table, column.name, newName) : undefined;
  const warnings = objects
    ? [...objects.notes, `Grants on ${column.name} (column privileges) do not move: grant them on ${newName}.`]
    : [
        `Indexes, constraints, foreign keys and grants on ${column.name} do not move with the data: create the matching ones on ${newName} (indexes concurrently) before the switch deploy, and drop the old ones with the column.`,
      ];
  const finalContract = objects?.beforeDrop.length ? finishPhase(ctx, { ...contract, statements: [...objects.beforeDrop, ...contract.statements.filter((s) => !s.setting)] }) : contract;
  if (!pg) warnings.push("MySQL commits every DDL statement on its own: if a phase stops halfway, the statements before the failure stay applied. Check which ones ran (SHOW CREATE TABLE, SHOW TRIGGERS) and continue from the failed one.");
  if (!pg) warnings.push("gh-ost cannot run on a table that has triggers: do not run gh-ost migrations on this table until the contract phase has dropped them.");
  return {
    summary: `Rename ${table}.${column.name} to ${newName} without downtime (expand/contract)`,
    strategy:
      "Expand/contract: renaming in place would break every running instance of the application at once. Instead the new column is " +
      "added and kept in step by a trigger, filled, the application moves over in two deploys, and only then is the old column dropped. " +
      "Each phase until the last can be rolled back. " +
      VIEW_ALTERNATIVE,
    phases: [expand, { ...backfill, why: backfill.why + " Nothing to undo here: rolling back the first phase drops the new column." }, ...notNull, ...(objects?.phase ? [objects.phase] : []), switchReads, stopOld, finalContract],
    warnings,
  };
}

export const renameColumn: Recipe = (ctx) => {
  const { column, newName } = inputs(ctx);
  return mayBreakBriefly(ctx) ? oneStep(ctx, column, newName) : expandContract(ctx, column, newName);
};
