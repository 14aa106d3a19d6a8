/**
 * PostgreSQL type change without a long lock: a new column kept in step by a trigger, a batched backfill, (with
 * the schema read) the column's indexes and constraints built on it concurrently, a swap by renames in one short
 * transaction with a reverse trigger for the rollback window, and the old column dropped last.
 */
import type { Column } from "../../../answers/schema.js";
import { batchKey, detailsOf, type RecipeContext } from "../../context.js";
import type { Statement } from "../../model.js";
import type { RecipeResult } from "../../recipe.js";
import { thousands } from "../../format.js";
import { backfillPhase } from "../batched-update.js";
import { defaultClause, defaultSql } from "../column-defaults.js";
import { swappedColumnObjects, type SwappedObjects } from "../column-objects.js";
import * as estimate from "../estimate.js";
import { lockTablesFirst } from "../lock-retry.js";
import { notNullPhases } from "../not-null.js";
import { finishPhase, finishRetriedPhase, literal, regclass, stmt, type PhaseDraft } from "../statements.js";
import { copySyncTrigger, qualifyColumn, reverseSyncTrigger, type SyncTrigger } from "../sync-trigger.js";
import { typeCheck } from "./checks.js";
import { swapNames, type SwapNames } from "./names.js";
import { effect } from "../../effects.js";

/** What the PostgreSQL column swap's steps share. */
interface PgSwap extends SwapNames {
  convert: string;
  /** With the schema read: every index, constraint, foreign key, trigger and view on the column moves with the swap. */
  objects: SwappedObjects | undefined;
  /** Fills the new column from the old on every write until the swap. */
  trigger: SyncTrigger;
}

function pgSwapNames(ctx: RecipeContext, column: Column, from: string, to: string): PgSwap {
  const names = swapNames(ctx, column, from, to);
  const { table, c, newName, oldName } = names;
  const objects = swappedColumnObjects(ctx, { table, column: column.name, newColumn: newName, oldColumn: oldName, from, to });
  const convert = detailsOf(ctx, "change_column_type").using ?? `${c}::${to}`;
  const trigger = copySyncTrigger(ctx, table, column.name, newName, qualifyColumn(convert, column.name, `NEW.${c}`));
  return { ...names, convert, objects, trigger };
}

function pgAddNewColumnPhase(ctx: RecipeContext, k: PgSwap): PhaseDraft {
  const { table, t, n, newName, trigger } = k;
  return finishPhase(ctx, {
    title: `Add ${newName} (${k.to}) kept in step with ${k.column.name}`,
    kind: "expand",
    why: `The new column is added empty (catalog only) and a trigger fills it from ${k.column.name} on every insert and update, so it never falls behind while the backfill runs.`,
    statements: [stmt(`ALTER TABLE ${t} ADD COLUMN ${n} ${k.to};`, "ACCESS EXCLUSIVE", [table], { why: "Catalog only: nullable, no default." }), ...trigger.create],
    rollback: [...trigger.drop, stmt(`ALTER TABLE ${t} DROP COLUMN IF EXISTS ${n};`, "ACCESS EXCLUSIVE", [table])],
    checks: [
      {
        description: `${newName} exists`,
        sql: `SELECT count(*) = 1 AS ok FROM pg_attribute WHERE attrelid = ${regclass(ctx.engine, table)} AND attname = ${literal(newName)} AND NOT attisdropped;`,
      },
    ],
    estimate: estimate.catalogOnly(ctx),
  });
}

/** Swap forward: the trigger goes, the names swap, NOT NULL and the default move, the reverse trigger starts. */
function pgSwapStatements(ctx: RecipeContext, k: PgSwap, reverse: SyncTrigger, lockFirst: Statement): Statement[] {
  const { column, table, t, c, n, o } = k;
  return [
    lockFirst,
    ...k.trigger.drop,
    stmt(`ALTER TABLE ${t} RENAME COLUMN ${c} TO ${o};`, "ACCESS EXCLUSIVE", [table], { why: "Catalog only.", effects: [effect.renameColumn(table, column.name, k.oldName)] }),
    stmt(`ALTER TABLE ${t} RENAME COLUMN ${n} TO ${c};`, "ACCESS EXCLUSIVE", [table], { why: "The application now sees the new type under the old name.", effects: [effect.renameColumn(table, k.newName, column.name)] }),
    // First, so an identity leaves the old column before its NOT NULL is dropped (refused on an identity column).
    ...(k.objects?.swap ?? []),
    ...(column.nullable === false ? [stmt(`ALTER TABLE ${t} ALTER COLUMN ${o} DROP NOT NULL;`, "ACCESS EXCLUSIVE", [table], { why: "The old column is only written by the reverse trigger now; it must not reject inserts." })] : []),
    ...(defaultSql(column.default) !== undefined
      ? [
          stmt(`ALTER TABLE ${t} ALTER COLUMN ${o} DROP DEFAULT;`, "ACCESS EXCLUSIVE", [table]),
          stmt(`ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT ${defaultClause(ctx.engine, column)};`, "ACCESS EXCLUSIVE", [table]),
        ]
      : []),
    ...reverse.create,
  ];
}

/** Swap back: the old column brought current under the lock, then everything the swap did, undone in reverse. */
function pgSwapBackStatements(ctx: RecipeContext, k: PgSwap, reverse: SyncTrigger, lockFirst: Statement): Statement[] {
  const { column, from, table, t, c, n, o } = k;
  return [
    lockFirst,
    stmt(`UPDATE ${t} SET ${o} = ${c}::${from} WHERE ${o} IS DISTINCT FROM ${c}::${from};`, "ROW EXCLUSIVE", [table], {
      scan: true,
      why:
        `Under the lock, so no write can slip in between this copy and the swap. The reverse trigger has kept ${k.oldName} current since the swap, ` +
        `so this normally changes nothing; it reads the table once (about a second per million rows). A value that does not fit ${from} stops the rollback here, with nothing changed.`,
    }),
    ...reverse.drop,
    ...(defaultSql(column.default) !== undefined
      ? [
          stmt(`ALTER TABLE ${t} ALTER COLUMN ${c} DROP DEFAULT;`, "ACCESS EXCLUSIVE", [table]),
          stmt(`ALTER TABLE ${t} ALTER COLUMN ${o} SET DEFAULT ${defaultClause(ctx.engine, column)};`, "ACCESS EXCLUSIVE", [table]),
        ]
      : []),
    ...(column.nullable === false ? [stmt(`ALTER TABLE ${t} ALTER COLUMN ${o} SET NOT NULL;`, "ACCESS EXCLUSIVE", [table], { scan: true })] : []),
    stmt(`ALTER TABLE ${t} RENAME COLUMN ${c} TO ${n};`, "ACCESS EXCLUSIVE", [table]),
    stmt(`ALTER TABLE ${t} RENAME COLUMN ${o} TO ${c};`, "ACCESS EXCLUSIVE", [table]),
    ...(k.objects?.swapBack ?? []),
    ...k.trigger.create,
  ];
}

function pgSwapWhy(k: PgSwap): string {
  const { objects } = k;
  const moved = objects?.rebuilt.length
    ? `In the same transaction the copies built earlier take their original names (${objects.rebuilt.join(", ")}), and the originals stay on ${k.oldName} until it is dropped.`
    : `The schema read shows nothing else on ${k.column.name} to move.`;
  return (
    "One short transaction: lock the table, drop the trigger, swap the names and start a reverse trigger that keeps the old column current, so the " +
    "application (same column name) reads and writes the new type from the next query, and a swap back loses no committed write. " +
    (objects
      ? `${moved} Grants on ${k.column.name} itself (column-level) are read when the swap runs and given again on the new column.`
      : `Before this phase, build concurrently on ${k.newName} every index, unique constraint and foreign key that ${k.column.name} has, and validate them: ` +
        "they are what makes the swap instant.")
  );
}

function pgDropOldPhase(ctx: RecipeContext, k: PgSwap, reverse: SyncTrigger, lockFirst: Statement): PhaseDraft {
  const { table, t, o, oldName } = k;
  return finishRetriedPhase(ctx, {
    title: `Drop ${oldName}`,
    kind: "contract",
    why: "The old column is no longer used by anything; the reverse trigger that kept it current for a swap back goes with it.",
    statements: [lockFirst, ...reverse.drop, ...(k.objects?.beforeDrop ?? []), stmt(`ALTER TABLE ${t} DROP COLUMN ${o};`, "ACCESS EXCLUSIVE", [table], { why: "Catalog only; the indexes and constraints left on it go with it." })],
    irreversible: `The old ${k.from} values are deleted; going back afterwards means converting from the new column (fix forward).`,
    checks: [
      {
        description: `${oldName} is gone`,
        sql: `SELECT count(*) = 0 AS ok FROM pg_attribute WHERE attrelid = ${regclass(ctx.engine, table)} AND attname = ${literal(oldName)} AND NOT attisdropped;`,
      },
    ],
    estimate: estimate.catalogOnly(ctx),
  });
}

function pgSwapWarnings(k: PgSwap): string[] {
  if (!k.objects) {
    return [
      `Indexes, constraints, foreign keys (including ones in other tables pointing at ${k.column.name}), views and grants on ${k.column.name} must be recreated on ${k.newName} before the swap; views keep pointing at the old column and must be recreated after it.`,
    ];
  }
  return k.objects.swap.some((x) => /^CREATE VIEW/.test(x.sql)) ? [`Views re-created in the swap lose their grants and comments: give them again in the same window.`] : [];
}

/** PostgreSQL without a long lock: a new column kept in step by a trigger, a batched backfill, a swap by renames, the old column dropped last. */
export function pgExpandContract(ctx: RecipeContext, column: Column, from: string, to: string): RecipeResult {
  const k = pgSwapNames(ctx, column, from, to);
  const { table, newName } = k;
  const expand = pgAddNewColumnPhase(ctx, k);
  const backfill = backfillPhase(
    ctx,
    { table, primaryKey: batchKey(detailsOf(ctx, "change_column_type")), set: `${k.n} = ${k.convert}`, pending: `${k.n} IS DISTINCT FROM (${k.convert})`, label: `${table}.${newName}` },
    `Converts the existing values into ${newName}. If a value cannot be converted the batch fails: fix the data (or the USING expression) and run it again.`,
  );
  const notNull = column.nullable === false ? notNullPhases(ctx, table, { ...column, name: newName, type: to }) : [];
  // From the swap on, a reverse trigger keeps the old column current, so a swap back loses no committed write.
  const reverse = reverseSyncTrigger(ctx, table, column.name, k.oldName, from);
  const lockFirst = lockTablesFirst([table, ...(k.objects?.lockTables ?? [])], "ACCESS EXCLUSIVE", "Takes the lock first: nothing below starts until every statement of this transaction can run.");
  const swap = finishRetriedPhase(ctx, {
    title: `Swap ${newName} in for ${column.name}`,
    kind: "switch",
    why: pgSwapWhy(k),
    statements: pgSwapStatements(ctx, k, reverse, lockFirst),
    rollback: pgSwapBackStatements(ctx, k, reverse, lockFirst),
    checks: [typeCheck(ctx, column.name, to)],
    estimate: estimate.catalogOnly(ctx),
    deploy: `Watch errors for a while: code that relied on the old type (e.g. an ORM caching column types) may need a restart. When satisfied, the old column ${k.oldName} can go.`,
  });
  const drop = pgDropOldPhase(ctx, k, reverse, lockFirst);
  return {
    summary: `Change ${table}.${column.name} from ${from} to ${to} without a long lock (new column, backfill, swap)`,
    strategy:
      `${from} to ${to} rewrites the table and every index under ACCESS EXCLUSIVE, which at about ${thousands(ctx.answers.approx_rows)} rows ` +
      `and "${ctx.answers.downtime_tolerance}" tolerance would block the application too long. Instead: a new column kept in step by a trigger, ` +
      "a batched backfill, indexes and constraints built concurrently, a swap by renames in one short transaction, and the old column dropped last.",
    phases: [
      expand,
      { ...backfill, why: backfill.why + " Nothing to undo here: rolling back the first phase drops the new column." },
      ...notNull,
      ...(k.objects?.phase ? [k.objects.phase] : []),
      swap,
      drop,
    ],
    warnings: pgSwapWarnings(k),
  };
}
