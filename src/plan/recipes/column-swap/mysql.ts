/**
 * MySQL/MariaDB type change without blocking writes: a new column of the new type kept in step by BEFORE
 * INSERT/UPDATE triggers, a batched backfill, a verification, one ALTER that swaps the names (reverse triggers
 * keep the old column written while a rollback is still possible), and the old column dropped last.
 */
import type { Column } from "../../../answers/schema.js";
import { batchKey, detailsOf, type RecipeContext } from "../../context.js";
import type { Statement } from "../../model.js";
import type { RecipeResult } from "../../recipe.js";
import { thousands } from "../../format.js";
import { backfillPhase } from "../batched-update.js";
import { defaultClause } from "../column-defaults.js";
import * as estimate from "../estimate.js";
import { mysqlDropColumn } from "../mysql-ddl.js";
import { mysqlOnlineDdlWarnings } from "../mysql-online.js";
import { mysqlCopyTriggers, mysqlTriggerNames, qualifyMysqlColumn } from "../mysql-sync-trigger.js";
import { bareName, finishPhase, literal, stmt, type PhaseDraft } from "../statements.js";
import type { SyncTrigger } from "../sync-trigger.js";
import { mysqlColumnCheck, mysqlTriggerCheck, mysqlTypeCheck } from "./checks.js";
import { mysqlIndexCheck, mysqlSwappedIndexes, type IndexRenames, type MysqlSwappedIndexes } from "./mysql-indexes.js";
import { swapNames, type SwapNames } from "./names.js";
import { effect } from "../../effects.js";

/** What the MySQL column swap's steps share. */
interface MysqlSwap extends SwapNames {
  /** The conversion in the backfill, and in the triggers (reading NEW.column). */
  convert: string;
  defaultPart: string;
  notNull: boolean;
  forward: SyncTrigger;
  reverse: SyncTrigger;
  forwardNames: { ins: string; upd: string };
  reverseNames: { ins: string; upd: string };
  /** Rows where the new column differs from the converted old one. */
  pending: string;
  /** With the schema read: every index containing the column, built on the new one and renamed in the swap. */
  indexes: MysqlSwappedIndexes | undefined;
}

const ONLINE = "ALGORITHM=INPLACE, LOCK=NONE";

function mysqlSwapNames(ctx: RecipeContext, column: Column, from: string, to: string): MysqlSwap {
  const names = swapNames(ctx, column, from, to);
  const { table, newName, oldName, c, n } = names;
  const using = detailsOf(ctx, "change_column_type").using;
  // MySQL's CAST has no target for most column types (no CAST AS BIGINT): without USING, assignment converts,
  // and in strict mode a value that does not fit fails the statement instead of being silently truncated.
  const convert = using ? `(${using})` : c;
  const convertNew = using ? `(${qualifyMysqlColumn(using, column.name, `NEW.${c}`)})` : `NEW.${c}`;
  const def = defaultClause(ctx.engine, column);
  return {
    ...names,
    convert,
    defaultPart: def !== undefined ? ` DEFAULT ${def}` : "",
    notNull: column.nullable === false,
    forward: mysqlCopyTriggers(ctx, table, newName, convertNew, `Every insert, from any version of the application, also fills ${newName} with the converted value.`),
    reverse: mysqlCopyTriggers(ctx, table, oldName, `NEW.${c}`, `After the swap, every insert also fills ${oldName}, so swapping back loses nothing.`),
    forwardNames: mysqlTriggerNames(table, newName),
    reverseNames: mysqlTriggerNames(table, oldName),
    pending: `NOT (${n} <=> ${convert})`,
    indexes: mysqlSwappedIndexes(ctx, names),
  };
}

function mysqlAddNewColumnPhase(ctx: RecipeContext, k: MysqlSwap): PhaseDraft {
  const { table, t, n, newName } = k;
  const instantAdd = ctx.caps.has("instantAddColumn");
  const addNew = stmt(`ALTER TABLE ${t} ADD COLUMN ${n} ${k.to}${k.defaultPart}, ${instantAdd ? "ALGORITHM=INSTANT" : ONLINE};`, instantAdd ? "INSTANT" : "INPLACE, LOCK=NONE", [table], {
    rewrite: !instantAdd,
    why: instantAdd
      ? "Added as the last column, nullable: INSTANT from 8.0.12 (metadata only). If MySQL refuses INSTANT (64 row versions reached, a FULLTEXT index, ROW_FORMAT=COMPRESSED), use ALGORITHM=INPLACE, LOCK=NONE: it rebuilds the table but lets writes continue."
      : "Before 8.0.12 adding a column rebuilds the table in place; LOCK=NONE keeps reads and writes running (replicas lag by the rebuild time).",
  });
  return finishPhase(ctx, {
    title: `Add ${newName} (${k.to}) kept in step with ${k.column.name}`,
    kind: "expand",
    why:
      `The new column is added empty and two triggers (BEFORE INSERT, BEFORE UPDATE) fill it from ${k.column.name} on every write, ` +
      "so it never falls behind while the backfill runs. The application keeps using the old column; nothing reads the new one yet. " +
      "Each trigger body is one SET statement, so no DELIMITER is needed.",
    statements: [addNew, ...k.forward.create],
    rollback: [...k.forward.drop, ...mysqlDropColumn(ctx, table, newName)],
    checks: [mysqlColumnCheck(table, newName, true), mysqlTriggerCheck(table, k.forwardNames, true)],
    estimate: instantAdd ? estimate.catalogOnly(ctx) : `${estimate.rewrite(ctx.answers.approx_rows)} Online (LOCK=NONE): writes continue meanwhile.`,
  });
}

/** A NOT NULL column's replacement is made NOT NULL before it takes its place. */
function mysqlNewColumnNotNullPhase(ctx: RecipeContext, k: MysqlSwap): PhaseDraft {
  const { table, t, n, newName, to, defaultPart } = k;
  return finishPhase(ctx, {
    title: `Make ${newName} NOT NULL`,
    kind: "expand",
    why: `${k.column.name} is NOT NULL, so ${newName} must be too before it takes its place. With strict SQL mode this is an online rebuild; it fails (changing nothing) if a NULL is left.`,
    statements: [stmt(`ALTER TABLE ${t} MODIFY COLUMN ${n} ${to}${defaultPart} NOT NULL, ${ONLINE};`, "INPLACE, LOCK=NONE", [table], { rewrite: true })],
    rollback: [stmt(`ALTER TABLE ${t} MODIFY COLUMN ${n} ${to}${defaultPart} NULL, ${ONLINE};`, "INPLACE, LOCK=NONE", [table], { rewrite: true })],
    checks: [
      {
        description: `${newName} is NOT NULL`,
        sql: `SELECT IS_NULLABLE = 'NO' AS ok FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(bareName(table))} AND COLUMN_NAME = ${literal(newName)};`,
      },
    ],
    estimate: `${estimate.rewrite(ctx.answers.approx_rows)} Online (LOCK=NONE): writes continue meanwhile.`,
  });
}

function mysqlVerifyPhase(ctx: RecipeContext, k: MysqlSwap): PhaseDraft {
  const { column, newName } = k;
  return {
    title: `Verify ${newName} matches ${column.name}`,
    kind: "verify",
    why:
      `Read-only: proves every row's ${newName} equals the converted ${column.name} and that the triggers are in place, before anything depends on the new column. ` +
      (k.indexes
        ? `The indexes of ${column.name} are built on ${newName} next, from the schema read.`
        : `Also the moment to create on ${newName} every index, unique constraint and foreign key that ${column.name} has (ALGORITHM=INPLACE, LOCK=NONE), so the swap is instant.`),
    statements: [],
    rollback: [],
    checks: [
      { description: `No row where ${newName} differs from the converted ${column.name}`, sql: `SELECT COUNT(*) = 0 AS ok FROM ${k.t} WHERE ${k.pending};` },
      mysqlTriggerCheck(k.table, k.forwardNames, true),
    ],
    estimate: estimate.scan(ctx.answers.approx_rows, "with a consistent read that blocks no writes"),
    deploy: `Before the swap: ${k.indexes ? "" : `create the indexes and constraints of ${column.name} on ${newName}, and `}make sure the running application accepts ${k.to} values under the name ${column.name} (ORM model types, client-side validation).`,
  };
}

/**
 * The swap keeps the old column's definition as it is (only renamed), so it stays metadata-only;
 * on 5.7 CHANGE COLUMN must restate each definition exactly or it changes (and may rebuild) the column.
 */
function mysqlSwapAlter(ctx: RecipeContext, k: MysqlSwap, a: [string, string, string], b: [string, string, string], renames: IndexRenames | undefined): Statement {
  const [aName, aTo, aType] = a;
  const [bName, bTo, bType] = b;
  // MySQL renames an index in place only (not INSTANT), so a swap that moves indexes too is INPLACE: still metadata only.
  const indexes = renames?.clauses.length ? `, ${renames.clauses.join(", ")}` : "";
  if (ctx.caps.has("renameColumnSyntax")) {
    const instantRename = ctx.caps.has("instantRenameColumn") && !indexes;
    const algo = instantRename ? "ALGORITHM=INSTANT" : ONLINE;
    return stmt(`ALTER TABLE ${k.t} RENAME COLUMN ${aName} TO ${aTo}, RENAME COLUMN ${bName} TO ${bTo}${indexes}, ${algo};`, instantRename ? "INSTANT" : "INPLACE, LOCK=NONE", [k.table], {
      why: "Both renames in one statement: there is no moment where the application's column name is missing. Metadata only.",
    });
  }
  const full = (type: string) => `${type}${k.notNull ? " NOT NULL" : ""}${k.defaultPart}`;
  return stmt(`ALTER TABLE ${k.t} CHANGE COLUMN ${aName} ${aTo} ${full(aType)}, CHANGE COLUMN ${bName} ${bTo} ${full(bType)}${indexes}, ${ONLINE};`, "INPLACE, LOCK=NONE", [k.table], {
    why: "MySQL 5.7 has no RENAME COLUMN: CHANGE COLUMN renames but restates the whole definition, which must match SHOW CREATE TABLE exactly (type, NULL/NOT NULL, default, charset, comment) or it changes the column. Both in one statement, metadata only.",
  });
}

const MYSQL_SWAP_RACE =
  "Run the statements back to back at a quiet moment: a write in the milliseconds between the ALTER and the dropping of the old triggers fails " +
  "(an unknown-column error: retry it) instead of silently leaving the columns apart.";

function mysqlSwapPhase(ctx: RecipeContext, k: MysqlSwap): PhaseDraft {
  const { column, table, c, n, o, newName, oldName, from, to } = k;
  return finishPhase(ctx, {
    title: `Swap ${newName} in for ${column.name}`,
    kind: "switch",
    why:
      `One ALTER TABLE renames ${column.name} to ${oldName} and ${newName} to ${column.name}, so the application reads and writes the new type from the next query. ` +
      `The triggers are replaced right after it: new ones keep ${oldName} written so a swap back loses nothing, and they exist before the old ones (which name ${newName}, gone now) are dropped, ` +
      "so no write ever succeeds without its copy (before this order, a write between the two left the old column stale, and a swap back lost it). " +
      MYSQL_SWAP_RACE +
      (k.indexes?.names.length ? ` The same ALTER moves the original indexes out of the way and the last statement gives the copies their names (${k.indexes.names.join(", ")}), so after the swap they are on ${column.name} as before.` : ""),
    // The copies take the original names after the triggers, so the index renames do not widen the race above.
    statements: [{ ...mysqlSwapAlter(ctx, k, [c, o, from], [n, c, to], k.indexes?.swap), effects: [effect.renameColumn(table, column.name, oldName), effect.renameColumn(table, newName, column.name)] }, ...k.reverse.create, ...k.forward.drop, ...(k.indexes?.swap.after ?? [])],
    rollback: [{ ...mysqlSwapAlter(ctx, k, [c, n, to], [o, c, from], k.indexes?.swapBack), effects: [effect.renameColumn(table, column.name, newName), effect.renameColumn(table, oldName, column.name)] }, ...k.forward.create, ...k.reverse.drop, ...(k.indexes?.swapBack.after ?? [])],
    checks: [
      mysqlTypeCheck(table, column.name, to),
      mysqlColumnCheck(table, oldName, true),
      mysqlTriggerCheck(table, k.reverseNames, true),
      ...(k.indexes?.names.length ? [mysqlIndexCheck(table, column.name, k.indexes.names, true)] : []),
    ],
    estimate: estimate.catalogOnly(ctx),
    deploy: `Watch errors for a while: code that relied on the old type may need a restart (ORMs cache column types). When satisfied, the old column ${oldName} can go.`,
  });
}

function mysqlDropOldPhase(ctx: RecipeContext, k: MysqlSwap): PhaseDraft {
  const { table, oldName } = k;
  return finishPhase(ctx, {
    title: `Drop the triggers and ${oldName}`,
    kind: "contract",
    why: "Nothing reads the old column any more: remove the triggers that kept it written, then the column. This is the only step that cannot be undone.",
    statements: [...k.reverse.drop, ...(k.indexes?.beforeDrop ?? []), ...mysqlDropColumn(ctx, table, oldName)],
    irreversible: `Dropping ${oldName} deletes the old ${k.from} values; going back afterwards means re-adding the column and converting from ${k.column.name} (fix forward).`,
    checks: [mysqlColumnCheck(table, oldName, false), mysqlTriggerCheck(table, k.reverseNames, false)],
    estimate: ctx.caps.has("instantDropColumn") ? estimate.catalogOnly(ctx) : `${estimate.rewrite(ctx.answers.approx_rows)} Online (LOCK=NONE): writes continue meanwhile.`,
  });
}

function mysqlSwapWarnings(ctx: RecipeContext, k: MysqlSwap): string[] {
  const warnings = [
    ...(k.indexes
      ? k.indexes.notes
      : [`Indexes, unique constraints and foreign keys on ${k.column.name} (including foreign keys in other tables that reference it) do not move with the data: create the matching ones on ${k.newName} before the swap (ALGORITHM=INPLACE, LOCK=NONE), and drop the old ones with ${k.oldName}.`]),
    ...mysqlOnlineDdlWarnings(ctx),
    `From the swap until the contract phase, the reverse triggers copy every write of ${k.column.name} into ${k.oldName} (still ${k.from}), so a value that does not fit ${k.from} fails the write (strict mode): run the contract phase before the application writes such values, e.g. before an int key passes 2147483647.`,
    "The backfill writes every row through the binary log: watch replica lag (SHOW REPLICA STATUS, Seconds_Behind_Source) and raise the pause between batches, or stop and resume later, when it grows.",
    "For very large tables gh-ost or pt-online-schema-change can do the whole copy-and-swap instead of this plan. gh-ost cannot run on a table that has triggers, so never start one while this plan's triggers exist.",
  ];
  if (ctx.caps.has("instantRowVersionLimit")) warnings.push("MySQL 8.0 allows at most 64 row versions per table for INSTANT ADD/DROP COLUMN; past that INSTANT is refused and the table needs a rebuild (OPTIMIZE TABLE or ALGORITHM=INPLACE).");
  if (!ctx.caps.has("renameColumnSyntax")) warnings.push("CHANGE COLUMN in the swap restates both definitions: copy type, NULL/NOT NULL, default, charset, collation and comment from SHOW CREATE TABLE.");
  return warnings;
}

/**
 * MySQL without blocking writes: a new column of the new type kept in step by BEFORE INSERT/UPDATE
 * triggers, a batched backfill, a verification, one ALTER that swaps the names (reverse triggers keep
 * the old column written while a rollback is still possible), and the old column dropped last.
 */
export function mysqlExpandContract(ctx: RecipeContext, column: Column, from: string, to: string): RecipeResult {
  const k = mysqlSwapNames(ctx, column, from, to);
  const { table, newName } = k;
  const expand = mysqlAddNewColumnPhase(ctx, k);
  const backfill = backfillPhase(
    ctx,
    { table, primaryKey: batchKey(detailsOf(ctx, "change_column_type")), set: `${k.n} = ${k.convert}`, pending: k.pending, label: `${table}.${newName}` },
    `Converts the existing values into ${newName}. If a value cannot be converted the batch fails (strict mode): fix the data (or the USING expression) and run it again.`,
  );
  const notNullPhase = k.notNull ? [mysqlNewColumnNotNullPhase(ctx, k)] : [];
  const verify = mysqlVerifyPhase(ctx, k);
  const swap = mysqlSwapPhase(ctx, k);
  const contract = mysqlDropOldPhase(ctx, k);
  return {
    summary: `Change ${table}.${column.name} from ${from} to ${to} without blocking writes (new column, triggers, batched backfill, swap)`,
    strategy:
      `MySQL changes this type only with ALGORITHM=COPY, which blocks writes for the whole copy: at about ${thousands(ctx.answers.approx_rows)} rows and ` +
      `"${ctx.answers.downtime_tolerance}" tolerance that is too long. Instead: a new column kept in step by triggers, a batched backfill by primary key, ` +
      "a verification, one ALTER that swaps the names (with reverse triggers so a swap back loses nothing), and the old column dropped last.",
    phases: [expand, { ...backfill, why: backfill.why + " Nothing to undo here: rolling back the first phase drops the new column." }, ...notNullPhase, verify, ...(k.indexes?.phase ? [k.indexes.phase] : []), swap, contract],
    warnings: mysqlSwapWarnings(ctx, k),
  };
}
