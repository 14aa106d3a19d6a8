/**
 * rename_column. The rename itself is catalog only, but every running instance of the application still
 * uses the old name, so it breaks them. Without downtime: expand/contract. Add the new column, keep both
 * in step with a trigger, backfill, move reads and writes to the new name, stop using the old one, drop it.
 * A view over the renamed table is the lighter alternative when all access can go through it.
 */
import type { Column } from "../../answers/schema.js";
import { PlanError } from "../errors.js";
import { columnObjects, type ColumnObjects } from "../recipes/column-objects.js";
import { batchKey, type RecipeContext } from "../context.js";
import { quoteIdent, quoteTable } from "../sql.js";
import { mysqlDropColumn } from "../recipes/mysql-ddl.js";
import { backfillPhase } from "../recipes/batched-update.js";
import { columnDefinition, defaultClause, defaultSql, mysqlRestatedDefinition, requireType } from "../recipes/column-defaults.js";
import * as estimate from "../recipes/estimate.js";
import { notNullPhases } from "../recipes/not-null.js";
import { mayBreakBriefly } from "../recipes/size-policy.js";
import { renameSyncTrigger } from "../recipes/sync-trigger.js";
import { mysqlRenameSyncTriggers } from "../recipes/mysql-sync-trigger.js";
import { finishPhase, literal, regclass, stmt, type PhaseDraft } from "../recipes/statements.js";
import type { Statement } from "../model.js";
import type { OperationRecipes, RecipeResult } from "../recipe.js";
import { effect } from "../effects.js";

type Ctx = RecipeContext<"rename_column">;

const VIEW_ALTERNATIVE =
  "Alternative: rename the table, then create a view with the old table name that exposes the column under both names " +
  "(CREATE VIEW old_table AS SELECT *, new_name AS old_name FROM new_table); old code keeps using the view while new code moves over, " +
  "then drop the view. It is quicker, but only works when every query (and the ORM's INSERT ... RETURNING) can go through a simple view.";

function inputs(ctx: Ctx): { column: Column; newName: string } {
  const column = ctx.answers.columns?.[0];
  if (!column) throw new PlanError("rename_column needs the column to rename in columns[0]", "columns");
  const newName = ctx.answers.details?.new_name;
  if (!newName) throw new PlanError("rename_column needs the new name", "details.new_name");
  if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(newName)) throw new PlanError("the new name must be letters, digits and _", "details.new_name");
  if (newName === column.name) throw new PlanError("the new name is the same as the old one", "details.new_name");
  return { column, newName };
}

/** The names every step shares. */
interface Rename {
  table: string;
  t: string;
  column: Column;
  newName: string;
  /** The old and new column names, quoted. */
  o: string;
  n: string;
  /** The new column while both exist: no default (the trigger would overwrite what old code inserted), nullable. */
  newColumn: Column;
}

function renameNames(ctx: Ctx, column: Column, newName: string): Rename {
  const table = ctx.answers.table;
  return {
    table,
    t: quoteTable(ctx.engine, table),
    column,
    newName,
    o: quoteIdent(ctx.engine, column.name),
    n: quoteIdent(ctx.engine, newName),
    newColumn: { ...column, name: newName, default: undefined, nullable: true },
  };
}

/** What the dialects differ in; the steps below are written once. */
interface RenameDialect {
  columnExistsSql: (table: string, name: string, exists: boolean) => string;
  /** The rename in place and its reverse. */
  renameInPlace: (ctx: Ctx, k: Rename) => { forward: Statement; back: Statement };
  addNew: (ctx: Ctx, k: Rename) => Statement;
  dropNew: (ctx: Ctx, k: Rename) => Statement[];
  syncTrigger: (ctx: Ctx, k: Rename) => { create: Statement[]; drop: Statement[] };
  /** The backfill's pending predicate: the new column does not hold the old one's value yet. */
  differs: (k: Rename) => string;
  setDefault: (ctx: Ctx, k: Rename) => Statement;
  dropOld: (ctx: Ctx, k: Rename) => Statement[];
  /** With the schema read, the column's indexes, constraints and views rebuilt on the new column. */
  objects: (ctx: Ctx, k: Rename) => ColumnObjects | undefined;
  warnings: string[];
}

const POSTGRESQL: RenameDialect = {
  columnExistsSql: (table, name, exists) =>
    `SELECT count(*) = ${exists ? 1 : 0} AS ok FROM pg_attribute WHERE attrelid = ${regclass("postgresql", table)} AND attname = ${literal(name)} AND NOT attisdropped;`,
  renameInPlace: (_ctx, { t, o, n, table, column, newName }) => ({
    forward: stmt(`ALTER TABLE ${t} RENAME COLUMN ${o} TO ${n};`, "ACCESS EXCLUSIVE", [table], { why: "Catalog only.", effects: [effect.renameColumn(table, column.name, newName)] }),
    back: stmt(`ALTER TABLE ${t} RENAME COLUMN ${n} TO ${o};`, "ACCESS EXCLUSIVE", [table]),
  }),
  addNew: (_ctx, { t, table, newColumn }) =>
    stmt(`ALTER TABLE ${t} ADD COLUMN ${columnDefinition("postgresql", newColumn)};`, "ACCESS EXCLUSIVE", [table], { why: "Catalog only: nullable, no default.", effects: [effect.addColumn(table, newColumn.name)] }),
  dropNew: (_ctx, { t, n, table }) => [stmt(`ALTER TABLE ${t} DROP COLUMN IF EXISTS ${n};`, "ACCESS EXCLUSIVE", [table])],
  syncTrigger: (ctx, { table, column, newName }) => renameSyncTrigger(ctx, table, column.name, newName),
  differs: ({ n, o }) => `${n} IS DISTINCT FROM ${o}`,
  setDefault: (_ctx, { t, n, table, column }) =>
    stmt(`ALTER TABLE ${t} ALTER COLUMN ${n} SET DEFAULT ${defaultClause("postgresql", column)};`, "ACCESS EXCLUSIVE", [table], {
      why: "The old column's default moves to the new one now that nothing writes the old name.",
    }),
  dropOld: (_ctx, { t, o, table, column }) => [stmt(`ALTER TABLE ${t} DROP COLUMN ${o};`, "ACCESS EXCLUSIVE", [table], { why: "Catalog only; the data is a copy of the new column.", effects: [effect.dropColumn(table, column.name)] })],
  objects: (ctx, { table, column, newName }) => (ctx.snapshot ? columnObjects(ctx, table, column.name, newName) : undefined),
  warnings: [],
};

const MYSQL: RenameDialect = {
  columnExistsSql: (table, name, exists) =>
    `SELECT COUNT(*) = ${exists ? 1 : 0} AS ok FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(table)} AND COLUMN_NAME = ${literal(name)};`,
  renameInPlace: mysqlRenameInPlace,
  addNew: (ctx, { t, table, newColumn }) => {
    const add = ctx.caps.has("instantAddColumn") ? { algo: ", ALGORITHM=INSTANT", lock: "INSTANT", rewrite: false } : { algo: ", ALGORITHM=INPLACE, LOCK=NONE", lock: "INPLACE, LOCK=NONE", rewrite: true };
    return stmt(`ALTER TABLE ${t} ADD COLUMN ${columnDefinition("mysql", newColumn)}${add.algo};`, add.lock, [table], { rewrite: add.rewrite, effects: [effect.addColumn(table, newColumn.name)] });
  },
  dropNew: (ctx, { table, newName }) => mysqlDropColumn(ctx, table, newName),
  syncTrigger: (_ctx, { table, column, newName }) => mysqlRenameSyncTriggers(table, column.name, newName),
  differs: ({ n, o }) => `NOT (${n} <=> ${o})`,
  setDefault: (_ctx, { t, n, table, column }) =>
    stmt(`ALTER TABLE ${t} ALTER COLUMN ${n} SET DEFAULT ${defaultClause("mysql", column)}, ALGORITHM=INSTANT;`, "INSTANT", [table]),
  dropOld: (ctx, { table, column }) => mysqlDropColumn(ctx, table, column.name),
  objects: () => undefined,
  warnings: [
    "MySQL commits every DDL statement on its own: if a phase stops halfway, the statements before the failure stay applied. Check which ones ran (SHOW CREATE TABLE, SHOW TRIGGERS) and continue from the failed one.",
    "gh-ost cannot run on a table that has triggers: do not run gh-ost migrations on this table until the contract phase has dropped them.",
  ],
};

function columnExists(dialect: RenameDialect, table: string, name: string, exists: boolean) {
  return { description: `Column ${name} ${exists ? "exists" : "is gone"}`, sql: dialect.columnExistsSql(table, name, exists) };
}

/** MySQL 8: RENAME COLUMN (instant where the version allows); 5.7 has none, and CHANGE restates the whole definition. */
function mysqlRenameInPlace(ctx: Ctx, { t, o, n, table, column, newName }: Rename): { forward: Statement; back: Statement } {
  if (ctx.caps.has("renameColumnSyntax")) {
    const algo = ctx.caps.has("instantRenameColumn") ? "ALGORITHM=INSTANT" : "ALGORITHM=INPLACE, LOCK=NONE";
    const lock = ctx.caps.has("instantRenameColumn") ? "INSTANT" : "INPLACE, LOCK=NONE";
    return {
      forward: stmt(`ALTER TABLE ${t} RENAME COLUMN ${o} TO ${n}, ${algo};`, lock, [table], { why: "Metadata only.", effects: [effect.renameColumn(table, column.name, newName)] }),
      back: stmt(`ALTER TABLE ${t} RENAME COLUMN ${n} TO ${o}, ${algo};`, lock, [table]),
    };
  }
  const definition = mysqlRestatedDefinition(column);
  return {
    forward: stmt(`ALTER TABLE ${t} CHANGE COLUMN ${o} ${n} ${definition}, ALGORITHM=INPLACE, LOCK=NONE;`, "INPLACE, LOCK=NONE", [table], {
      why: "MySQL 5.7 renames with CHANGE COLUMN, which must repeat the type, nullability and default exactly (or it changes them).",
    }),
    back: stmt(`ALTER TABLE ${t} CHANGE COLUMN ${n} ${o} ${definition}, ALGORITHM=INPLACE, LOCK=NONE;`, "INPLACE, LOCK=NONE", [table]),
  };
}

/** The one-step rename, for when running code may break until the matching deploy. */
function oneStep(ctx: Ctx, dialect: RenameDialect, k: Rename): RecipeResult {
  const { table, column, newName } = k;
  const { forward, back } = dialect.renameInPlace(ctx, k);
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
        checks: [columnExists(dialect, table, newName, true)],
        deploy: `Deploy the application version that uses ${newName} right away (or stop the application before the rename and start the new version after).`,
        estimate: estimate.catalogOnly(ctx),
      }),
    ],
    warnings: ["Between the rename and the deploy, every query that names the old column fails. Schedule it in a quiet moment."],
  };
}

/** The new column, empty, kept in step with the old one by a trigger in both directions. */
function expandPhase(ctx: Ctx, dialect: RenameDialect, k: Rename, addNew: Statement, dropNew: Statement[], trigger: { create: Statement[]; drop: Statement[] }): PhaseDraft {
  const { column, newName } = k;
  return finishPhase(ctx, {
    title: `Add ${newName} and keep it in step with ${column.name}`,
    kind: "expand",
    why:
      `The new column is added empty and a trigger copies every write between ${column.name} and ${newName}, in both directions, ` +
      "so old code (writing the old name) and new code (writing the new name) can run at the same time. Nothing uses the new column yet.",
    statements: [addNew, ...trigger.create],
    rollback: [...trigger.drop, ...dropNew],
    checks: [columnExists(dialect, k.table, newName, true)],
    estimate: estimate.catalogOnly(ctx),
  });
}

/** The two deploys between the expand and the contract: move to the new name, then forget the old one. */
function deployPhases({ column, newName }: Rename): PhaseDraft[] {
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
  return [switchReads, stopOld];
}

function contractPhase(ctx: Ctx, dialect: RenameDialect, k: Rename, trigger: { drop: Statement[] }, setDefault: Statement[], dropOld: Statement[]): PhaseDraft {
  const { column, newName } = k;
  return finishPhase(ctx, {
    title: `Drop the trigger and ${column.name}`,
    kind: "contract",
    why: "Nothing uses the old column any more: remove the trigger and the column. This is the only step that cannot be undone.",
    statements: [...trigger.drop, ...dropOld, ...setDefault],
    irreversible: `Dropping ${column.name} deletes its data. It is a copy of ${newName}, so nothing is lost, but going back means fixing forward (re-adding the column and copying the data again).`,
    checks: [columnExists(dialect, k.table, column.name, false)],
    estimate: estimate.catalogOnly(ctx),
  });
}

const EXPAND_CONTRACT_STRATEGY =
  "Expand/contract: renaming in place would break every running instance of the application at once. Instead the new column is " +
  "added and kept in step by a trigger, filled, the application moves over in two deploys, and only then is the old column dropped. " +
  "Each phase until the last can be rolled back. " +
  VIEW_ALTERNATIVE;

function expandContract(ctx: Ctx, dialect: RenameDialect, k: Rename): RecipeResult {
  const { table, column, newName, n, o, newColumn } = k;
  requireType(column);
  const addNew = dialect.addNew(ctx, k);
  const dropNew = dialect.dropNew(ctx, k);
  const trigger = dialect.syncTrigger(ctx, k);
  const expand = expandPhase(ctx, dialect, k, addNew, dropNew, trigger);
  const backfill = backfillPhase(
    ctx,
    { table, primaryKey: batchKey(ctx.answers.details), set: `${n} = ${o}`, pending: dialect.differs(k), label: `${table}.${newName}` },
    `Copies ${column.name} into ${newName} for rows written before the trigger existed.`,
  );
  const notNull = column.nullable === false ? notNullPhases(ctx, table, { ...newColumn, nullable: false }) : [];
  const setDefault = defaultSql(column.default) !== undefined ? [dialect.setDefault(ctx, k)] : [];
  const contract = contractPhase(ctx, dialect, k, trigger, setDefault, dialect.dropOld(ctx, k));
  const objects = dialect.objects(ctx, k);
  const warnings = objects
    ? [...objects.notes, `Grants on ${column.name} (column privileges) do not move: grant them on ${newName}.`]
    : [
        `Indexes, constraints, foreign keys and grants on ${column.name} do not move with the data: create the matching ones on ${newName} (indexes concurrently) before the switch deploy, and drop the old ones with the column.`,
      ];
  const finalContract = objects?.beforeDrop.length ? finishPhase(ctx, { ...contract, statements: [...objects.beforeDrop, ...contract.statements.filter((s) => !s.setting)] }) : contract;
  warnings.push(...dialect.warnings);
  return {
    summary: `Rename ${table}.${column.name} to ${newName} without downtime (expand/contract)`,
    strategy: EXPAND_CONTRACT_STRATEGY,
    phases: [
      expand,
      { ...backfill, why: backfill.why + " Nothing to undo here: rolling back the first phase drops the new column." },
      ...notNull,
      ...(objects?.phase ? [objects.phase] : []),
      ...deployPhases(k),
      finalContract,
    ],
    warnings,
  };
}

function plan(ctx: Ctx, dialect: RenameDialect): RecipeResult {
  const { column, newName } = inputs(ctx);
  const k = renameNames(ctx, column, newName);
  return mayBreakBriefly(ctx) ? oneStep(ctx, dialect, k) : expandContract(ctx, dialect, k);
}

export const renameColumn: OperationRecipes<"rename_column"> = {
  postgresql: (ctx) => plan(ctx, POSTGRESQL),
  mysql: (ctx) => plan(ctx, MYSQL),
};
