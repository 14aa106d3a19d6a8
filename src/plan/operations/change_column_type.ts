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
import { deriveName } from "../names.js";
import type { Column } from "../../answers/schema.js";
import { PlanError } from "../errors.js";
import { effect } from "../effects.js";
import type { RecipeContext } from "../context.js";
import type { Statement } from "../model.js";
import { quoteIdent, quoteTable } from "../sql.js";
import type { Capabilities } from "../../engines/index.js";
import { mysqlDropColumn } from "../recipes/mysql-ddl.js";
import { backfillPhase } from "../recipes/batched-update.js";
import { defaultClause, defaultSql, mysqlRestatedDefinition, requireType } from "../recipes/column-defaults.js";
import * as estimate from "../recipes/estimate.js";
import { notNullPhases } from "../recipes/not-null.js";
import { mayBlockForScan } from "../recipes/size-policy.js";
import { copySyncTrigger, qualifyColumn, reverseSyncTrigger, type SyncTrigger } from "../recipes/sync-trigger.js";
import { lockTablesFirst } from "../recipes/lock-retry.js";
import { mysqlOnlineDdlWarnings } from "../recipes/mysql-online.js";
import { mysqlAutoIncrement, mysqlCharsetOf, mysqlColumnAsRead, mysqlColumnFks, type MysqlFkChange } from "../recipes/mysql-fk.js";
import { mysqlCopyTriggers, mysqlTriggerNames, qualifyMysqlColumn } from "../recipes/mysql-sync-trigger.js";
import { bareName, finishPhase, finishRetriedPhase, literal, regclass, stmt, type PhaseDraft } from "../recipes/statements.js";
import type { Recipe, RecipeResult } from "../recipe.js";
import { thousands } from "../format.js";
import { bigintKeyPlan } from "../recipes/bigint-key/index.js";
import { swappedColumnObjects, type SwappedObjects } from "../recipes/column-objects.js";

interface TypeShape {
  base: string;
  args: number[];
}

const ALIASES: Record<string, string> = {
  "character varying": "varchar",
  decimal: "numeric",
  "timestamp without time zone": "timestamp",
  "timestamp with time zone": "timestamptz",
  int: "integer",
  int4: "integer",
  int8: "bigint",
};

export function typeShape(type: string): TypeShape {
  const m = /^\s*([A-Za-z][A-Za-z0-9_ ]*?)\s*(?:\(([^)]*)\))?\s*$/.exec(type.toLowerCase());
  if (!m) return { base: type.toLowerCase().trim(), args: [] };
  const base = ALIASES[m[1].trim()] ?? m[1].trim();
  return { base, args: m[2] ? m[2].split(",").map((x) => Number(x.trim())) : [] };
}

/** Why the change needs no rewrite on PostgreSQL, or undefined when it does. */
export function pgBinaryCoercible(from: string, to: string, caps: Capabilities): string | undefined {
  const a = typeShape(from);
  const b = typeShape(to);
  if (a.base === "varchar" && b.base === "text") return "varchar to text is binary-coercible: no rewrite, no index rebuild.";
  if (a.base === "varchar" && b.base === "varchar") {
    if (b.args.length === 0) return "Removing a varchar length limit needs no rewrite.";
    if (a.args.length && b.args[0] >= a.args[0]) return "Growing a varchar limit needs no rewrite: existing values already fit.";
  }
  if (a.base === "text" && b.base === "varchar" && b.args.length === 0) return "text to varchar without a limit is binary-coercible.";
  if (a.base === "numeric" && b.base === "numeric") {
    if (b.args.length === 0) return "Removing numeric's precision limit needs no rewrite.";
    if (a.args.length && b.args[0] >= a.args[0] && (b.args[1] ?? 0) === (a.args[1] ?? 0)) {
      return "Raising numeric precision at the same scale needs no rewrite.";
    }
  }
  if (a.base === "timestamp" && b.base === "timestamptz" && caps.has("timestamptzWithoutRewrite")) {
    return "From PostgreSQL 12, timestamp to timestamptz needs no rewrite when the session TimeZone is UTC (the statement sets it).";
  }
  return undefined;
}

/**
 * MySQL: VARCHAR growth that keeps the same number of length bytes: one up to 255 bytes, two beyond, the bytes
 * being characters times the charset's maximum (utf8mb4: 4, so up to 63 characters is one byte).
 */
function mysqlInplace(from: string, to: string, bytesPerChar: number): boolean {
  const a = typeShape(from);
  const b = typeShape(to);
  if (a.base !== "varchar" || b.base !== "varchar" || !a.args.length || !b.args.length) return false;
  if (b.args[0] < a.args[0]) return false;
  return (a.args[0] * bytesPerChar <= 255) === (b.args[0] * bytesPerChar <= 255);
}

/** Whether the VARCHAR change is in place for the column's charset, and what was assumed about the charset. */
function mysqlVarchar(ctx: RecipeContext, column: Column, from: string, to: string): { inplace: boolean; note?: string } {
  const cs = mysqlCharsetOf(ctx.snapshot, ctx.answers.table, column);
  const inplace = mysqlInplace(from, to, cs.bytes);
  if (typeShape(from).base !== "varchar" || typeShape(to).base !== "varchar") return { inplace };
  const bytes = (t: string) => (typeShape(t).args[0] ?? 0) * cs.bytes;
  const which = cs.read ? `${column.name} is ${cs.charset}` : `the charset of ${column.name} was not read: assumed utf8mb4`;
  return { inplace, note: `${which} (${cs.bytes} byte${cs.bytes > 1 ? "s" : ""} per character): ${from} holds up to ${bytes(from)} bytes, ${to} up to ${bytes(to)}; InnoDB grows a VARCHAR in place only while both stay on the same side of 255 bytes (one length byte, then two).` };
}

function inputs(ctx: RecipeContext): { column: Column; from: string; to: string } {
  const column = ctx.answers.columns?.[0];
  if (!column) throw new PlanError("change_column_type needs the column (with its current type) in columns[0]", "columns");
  const from = requireType(column);
  const to = ctx.answers.details?.new_type;
  if (!to) throw new PlanError("change_column_type needs the new type", "details.new_type");
  return { column, from, to };
}

function typeCheck(ctx: RecipeContext, column: string, type: string) {
  const args = typeShape(type).args;
  // A regtype cast drops the length/precision, so those are compared on the formatted type.
  const modifier = args.length ? ` AND format_type(atttypid, atttypmod) LIKE ${literal(`%(${args.join(",")})`)}` : "";
  return {
    description: `${column} has type ${type}`,
    sql: `SELECT atttypid = ${literal(type)}::regtype${modifier} AS ok FROM pg_attribute WHERE attrelid = ${regclass(ctx.engine, ctx.answers.table)} AND attname = ${literal(column)};`,
  };
}

function mysqlSingleStep(ctx: RecipeContext, asGiven: Column, from: string, to: string, fks?: MysqlFkChange): RecipeResult {
  const table = ctx.answers.table;
  const { column, collation } = mysqlColumnAsRead(ctx.snapshot, table, asGiven);
  const t = quoteTable(ctx.engine, table);
  const c = quoteIdent(ctx.engine, column.name);
  const varchar = mysqlVarchar(ctx, column, from, to);
  const inplace = varchar.inplace;
  const algo = inplace ? "ALGORITHM=INPLACE, LOCK=NONE" : "ALGORITHM=COPY, LOCK=SHARED";
  const autoInc = mysqlAutoIncrement(ctx.snapshot, table, column.name) ? " AUTO_INCREMENT" : "";
  const warnings = [
    "MODIFY COLUMN restates the whole definition: the nullability, default, charset and comment given here replace the old ones, so copy them from SHOW CREATE TABLE.",
    ...(varchar.note ? [varchar.note] : []),
  ];
  const restated = (type: string) => `${mysqlRestatedDefinition(column, { type, collation })}${autoInc}`;
  if (fks) return mysqlWithForeignKeys(ctx, column, from, to, fks, restated, warnings);
  if (!inplace && ctx.size !== "small") {
    warnings.push(
      "A type change copies the table with writes blocked for the whole copy. Without downtime use gh-ost (no foreign keys, no triggers on the table) or pt-online-schema-change (beware: its INSERT IGNORE copy silently drops rows that collide on a new unique index).",
    );
  }
  return {
    summary: `Change ${table}.${column.name} from ${from} to ${to}${inplace ? " in place" : ""}`,
    strategy: inplace
      ? "Single phase: growing a VARCHAR within the same length-byte count (utf8mb4: up to 63 characters stays on one byte) is an in-place metadata change."
      : "Single phase with a table copy (ALGORITHM=COPY): reads continue, writes wait. For large tables run it through gh-ost or pt-online-schema-change instead.",
    phases: [
      finishPhase(ctx, {
        title: `Change ${column.name} to ${to}`,
        kind: "switch",
        why: inplace
          ? "The new length needs the same number of length bytes, so InnoDB only updates metadata; reads and writes continue."
          : "MySQL has no online path for this type change: the explicit ALGORITHM makes the cost visible.",
        statements: [stmt(`ALTER TABLE ${t} MODIFY COLUMN ${c} ${restated(to)}, ${algo};`, inplace ? "INPLACE, LOCK=NONE" : "COPY, LOCK=SHARED", [table], { rewrite: !inplace, effects: [effect.alterColumnType(table, column.name)] })],
        rollback: [stmt(`ALTER TABLE ${t} MODIFY COLUMN ${c} ${restated(from)}, ALGORITHM=COPY, LOCK=SHARED;`, "COPY, LOCK=SHARED", [table], { rewrite: true })],
        checks: [
          mysqlTypeCheck(table, column.name, to),
        ],
        estimate: inplace ? estimate.catalogOnly(ctx) : estimate.rewrite(ctx.answers.approx_rows),
      }),
    ],
    warnings,
  };
}

/**
 * A type change on a column that foreign keys join (from the snapshot): both sides of a MySQL foreign key must have
 * the same type and sign, so the foreign keys are dropped (in place), the column and every referencing column are
 * changed (table copies, writes wait), and the foreign keys are added back with their rules (a copy that checks
 * every row). Three phases, each with its own rollback.
 */
function mysqlWithForeignKeys(ctx: RecipeContext, column: Column, from: string, to: string, fks: MysqlFkChange, restated: (type: string) => string, warnings: string[]): RecipeResult {
  const table = ctx.answers.table;
  const t = quoteTable(ctx.engine, table);
  const c = quoteIdent(ctx.engine, column.name);
  const modify = (type: string) =>
    stmt(`ALTER TABLE ${t} MODIFY COLUMN ${c} ${restated(type)}, ALGORITHM=COPY, LOCK=SHARED;`, "COPY, LOCK=SHARED", [table], { rewrite: true, effects: [effect.alterColumnType(table, column.name)] });
  const list = fks.names.join(", ");
  const dropPhase = finishPhase(ctx, {
    title: `Drop the foreign keys on ${column.name}`,
    kind: "switch",
    why: `MySQL refuses to change one side of a foreign key to another type (error 3780; MariaDB 1832): ${list} go first. Dropping a foreign key is in place and metadata only. Until they are added back nothing checks these references, so run the three phases back to back.`,
    statements: fks.drop,
    rollback: fks.add,
    checks: fks.dropChecks,
    estimate: estimate.catalogOnly(ctx),
  });
  const changePhase = finishPhase(ctx, {
    title: `Change ${column.name}${fks.tables.length ? ` and the columns referencing it (${fks.tables.join(", ")})` : ""} to ${to}`,
    kind: "switch",
    why: `Each column is changed with a table copy (ALGORITHM=COPY, LOCK=SHARED): reads continue, writes to that table wait for its copy.${/AUTO_INCREMENT$/.test(restated(to)) ? " AUTO_INCREMENT is restated so the counter stays." : ""}`,
    statements: [modify(to), ...fks.children.forward],
    rollback: [modify(from), ...fks.children.back],
    checks: [mysqlTypeCheck(table, column.name, to)],
    estimate: estimate.rewrite(ctx.answers.approx_rows),
  });
  const addPhase = finishPhase(ctx, {
    title: `Add the foreign keys back on ${column.name}`,
    kind: "switch",
    why: `The same foreign keys with the same ON DELETE / ON UPDATE rules, now between columns of type ${to}. Adding one checks every child row, which MySQL does with a table copy of the child: writes to it wait, reads continue.`,
    statements: fks.add,
    rollback: fks.drop,
    checks: fks.checks,
    estimate: estimate.rewrite(ctx.answers.approx_rows),
  });
  return {
    summary: `Change ${table}.${column.name} from ${from} to ${to} with its foreign keys (${fks.names.length})`,
    strategy:
      `The foreign keys on ${column.name} (read from the schema) are dropped, ${column.name} and every column referencing it are changed to ${to} with a table copy each, ` +
      "and the foreign keys are added back with their rules: reads continue throughout, writes to each table wait while it is copied.",
    phases: [dropPhase, changePhase, addPhase],
    warnings: [
      ...warnings,
      "Between the first and the last phase the references are not checked: a row written then that points at a missing parent makes adding the foreign key back fail (find it with a LEFT JOIN, fix it, run the phase again).",
    ],
  };
}

/**
 * MySQL check that `column` has `type`. A bare type name is compared with DATA_TYPE, because 5.7 shows integer
 * display widths in COLUMN_TYPE (`bigint(20)`) and 8.0.19+ does not; anything else with COLUMN_TYPE, spaces ignored.
 */
function mysqlTypeCheck(table: string, column: string, type: string) {
  const bare = /^[A-Za-z]+$/.test(type.trim());
  const actual = bare ? "LOWER(DATA_TYPE)" : "LOWER(REPLACE(COLUMN_TYPE, ' ', ''))";
  const expected = literal(bare ? type.trim().toLowerCase() : type.replace(/\s+/g, "").toLowerCase());
  return {
    description: `${column} has type ${type}`,
    sql: `SELECT ${actual} = ${expected} AS ok FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(bareName(table))} AND COLUMN_NAME = ${literal(column)};`,
  };
}

/** Information-schema check that `name` has (or no longer has) a column, MySQL syntax. */
function mysqlColumnCheck(table: string, name: string, exists: boolean) {
  return {
    description: `Column ${name} ${exists ? "exists" : "is gone"}`,
    sql: `SELECT COUNT(*) = ${exists ? 1 : 0} AS ok FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(bareName(table))} AND COLUMN_NAME = ${literal(name)};`,
  };
}

function mysqlTriggerCheck(table: string, names: { ins: string; upd: string }, present: boolean) {
  return {
    description: `Triggers ${names.ins} and ${names.upd} ${present ? "exist" : "are gone"}`,
    sql: `SELECT COUNT(*) = ${present ? 2 : 0} AS ok FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE = ${literal(bareName(table))} AND TRIGGER_NAME IN (${literal(names.ins)}, ${literal(names.upd)});`,
  };
}

/** The names both engines' column swaps use: the table, the column, its new and old siblings, each quoted. */
interface SwapNames {
  column: Column;
  from: string;
  to: string;
  table: string;
  t: string;
  c: string;
  newName: string;
  oldName: string;
  n: string;
  o: string;
}

function swapNames(ctx: RecipeContext, column: Column, from: string, to: string): SwapNames {
  const table = ctx.answers.table;
  const newName = deriveName(column.name, "new");
  const oldName = deriveName(column.name, "old");
  const q = (name: string) => quoteIdent(ctx.engine, name);
  return { column, from, to, table, t: quoteTable(ctx.engine, table), c: q(column.name), newName, oldName, n: q(newName), o: q(oldName) };
}

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
}

const ONLINE = "ALGORITHM=INPLACE, LOCK=NONE";

function mysqlSwapNames(ctx: RecipeContext, column: Column, from: string, to: string): MysqlSwap {
  const names = swapNames(ctx, column, from, to);
  const { table, newName, oldName, c, n } = names;
  const using = ctx.answers.details?.using;
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
      `Also the moment to create on ${newName} every index, unique constraint and foreign key that ${column.name} has (ALGORITHM=INPLACE, LOCK=NONE), so the swap is instant.`,
    statements: [],
    rollback: [],
    checks: [
      { description: `No row where ${newName} differs from the converted ${column.name}`, sql: `SELECT COUNT(*) = 0 AS ok FROM ${k.t} WHERE ${k.pending};` },
      mysqlTriggerCheck(k.table, k.forwardNames, true),
    ],
    estimate: estimate.scan(ctx.answers.approx_rows, "with a consistent read that blocks no writes"),
    deploy: `Before the swap: create the indexes and constraints of ${column.name} on ${newName}, and make sure the running application accepts ${k.to} values under the name ${column.name} (ORM model types, client-side validation).`,
  };
}

/**
 * The swap keeps the old column's definition as it is (only renamed), so it stays metadata-only;
 * on 5.7 CHANGE COLUMN must restate each definition exactly or it changes (and may rebuild) the column.
 */
function mysqlSwapAlter(ctx: RecipeContext, k: MysqlSwap, a: [string, string, string], b: [string, string, string], renames: Statement["effects"] = []): Statement {
  const [aName, aTo, aType] = a;
  const [bName, bTo, bType] = b;
  if (ctx.caps.has("renameColumnSyntax")) {
    const instantRename = ctx.caps.has("instantRenameColumn");
    const algo = instantRename ? "ALGORITHM=INSTANT" : ONLINE;
    return stmt(`ALTER TABLE ${k.t} RENAME COLUMN ${aName} TO ${aTo}, RENAME COLUMN ${bName} TO ${bTo}, ${algo};`, instantRename ? "INSTANT" : "INPLACE, LOCK=NONE", [k.table], {
      effects: renames,
      why: "Both renames in one statement: there is no moment where the application's column name is missing. Metadata only.",
    });
  }
  const full = (type: string) => `${type}${k.notNull ? " NOT NULL" : ""}${k.defaultPart}`;
  return stmt(`ALTER TABLE ${k.t} CHANGE COLUMN ${aName} ${aTo} ${full(aType)}, CHANGE COLUMN ${bName} ${bTo} ${full(bType)}, ${ONLINE};`, "INPLACE, LOCK=NONE", [k.table], {
    why: "MySQL 5.7 has no RENAME COLUMN: CHANGE COLUMN renames but restates the whole definition, which must match SHOW CREATE TABLE exactly (type, NULL/NOT NULL, default, charset, comment) or it changes the column. Both in one statement, metadata only.",
  });
}

const MYSQL_SWAP_RACE =
  "Run the statements back to back at a quiet moment: a write in the milliseconds between the ALTER and the new triggers fails with an unknown-column error " +
  "(retry it) instead of silently leaving the columns apart.";

function mysqlSwapPhase(ctx: RecipeContext, k: MysqlSwap): PhaseDraft {
  const { column, table, c, n, o, newName, oldName, from, to } = k;
  return finishPhase(ctx, {
    title: `Swap ${newName} in for ${column.name}`,
    kind: "switch",
    why:
      `One ALTER TABLE renames ${column.name} to ${oldName} and ${newName} to ${column.name}, so the application reads and writes the new type from the next query. ` +
      `The triggers are replaced right after it: the old ones name ${newName}, which no longer exists, and new ones keep ${oldName} written so a swap back loses nothing. ` +
      MYSQL_SWAP_RACE,
    statements: [mysqlSwapAlter(ctx, k, [c, o, from], [n, c, to], [effect.renameColumn(k.table, k.column.name, k.oldName), effect.renameColumn(k.table, k.newName, k.column.name)]), ...k.forward.drop, ...k.reverse.create],
    rollback: [mysqlSwapAlter(ctx, k, [c, n, to], [o, c, from], [effect.renameColumn(k.table, k.column.name, k.newName), effect.renameColumn(k.table, k.oldName, k.column.name)]), ...k.reverse.drop, ...k.forward.create],
    checks: [mysqlTypeCheck(table, column.name, to), mysqlColumnCheck(table, oldName, true), mysqlTriggerCheck(table, k.reverseNames, true)],
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
    statements: [...k.reverse.drop, ...mysqlDropColumn(ctx, table, oldName)],
    irreversible: `Dropping ${oldName} deletes the old ${k.from} values; going back afterwards means re-adding the column and converting from ${k.column.name} (fix forward).`,
    checks: [mysqlColumnCheck(table, oldName, false), mysqlTriggerCheck(table, k.reverseNames, false)],
    estimate: ctx.caps.has("instantDropColumn") ? estimate.catalogOnly(ctx) : `${estimate.rewrite(ctx.answers.approx_rows)} Online (LOCK=NONE): writes continue meanwhile.`,
  });
}

function mysqlSwapWarnings(ctx: RecipeContext, k: MysqlSwap): string[] {
  const warnings = [
    `Indexes, unique constraints and foreign keys on ${k.column.name} (including foreign keys in other tables that reference it) do not move with the data: create the matching ones on ${k.newName} before the swap (ALGORITHM=INPLACE, LOCK=NONE), and drop the old ones with ${k.oldName}.`,
    ...mysqlOnlineDdlWarnings(ctx),
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
function mysqlExpandContract(ctx: RecipeContext, column: Column, from: string, to: string): RecipeResult {
  const k = mysqlSwapNames(ctx, column, from, to);
  const { table, newName } = k;
  const expand = mysqlAddNewColumnPhase(ctx, k);
  const backfill = backfillPhase(
    ctx,
    { table, primaryKey: ctx.answers.details?.primary_key ?? "id", set: `${k.n} = ${k.convert}`, pending: k.pending, label: `${table}.${newName}` },
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
    phases: [expand, { ...backfill, why: backfill.why + " Nothing to undo here: rolling back the first phase drops the new column." }, ...notNullPhase, verify, swap, contract],
    warnings: mysqlSwapWarnings(ctx, k),
  };
}

/** PostgreSQL, binary-coercible change: one catalog-only ALTER (in UTC for timestamp to timestamptz). */
function pgCatalogOnly(ctx: RecipeContext, column: Column, from: string, to: string, cheap: string): RecipeResult {
  const table = ctx.answers.table;
  const t = quoteTable(ctx.engine, table);
  const c = quoteIdent(ctx.engine, column.name);
  const tz = typeShape(from).base === "timestamp" && typeShape(to).base === "timestamptz";
  return {
    summary: `Change ${table}.${column.name} from ${from} to ${to} (catalog only)`,
    strategy: `Single phase: ${cheap} The ACCESS EXCLUSIVE lock is brief, so only the lock timeout matters.`,
    phases: [
      finishPhase(ctx, {
        title: `Change ${column.name} to ${to}`,
        kind: "expand",
        why: cheap,
        statements: [
          ...(tz ? [{ sql: "SET LOCAL TimeZone = 'UTC';", transaction: true, lock: "none", rewrite: false, setting: true, effects: [effect.setting("TimeZone")], why: "The no-rewrite path only applies in UTC." }] : []),
          stmt(`ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${to};`, "ACCESS EXCLUSIVE", [table], { why: "Binary-coercible: no rewrite, indexes kept.", effects: [effect.alterColumnType(table, column.name)] }),
        ],
        rollback: [stmt(`ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${from};`, "ACCESS EXCLUSIVE", [table], { rewrite: !tz && typeShape(from).base !== "text", why: "Going back may rewrite (narrowing is checked row by row)." })],
        checks: [typeCheck(ctx, column.name, to)],
        estimate: estimate.catalogOnly(ctx),
      }),
    ],
    warnings: tz ? ["timestamp values are interpreted as UTC when they become timestamptz: make sure they were stored in UTC."] : [],
  };
}

/** PostgreSQL, when the size and tolerance allow a rewrite under ACCESS EXCLUSIVE: one ALTER. */
function pgRewriteInPlace(ctx: RecipeContext, column: Column, from: string, to: string): RecipeResult {
  const table = ctx.answers.table;
  const t = quoteTable(ctx.engine, table);
  const c = quoteIdent(ctx.engine, column.name);
  const using = ctx.answers.details?.using;
  return {
    summary: `Change ${table}.${column.name} from ${from} to ${to} in one step that rewrites the table`,
    strategy:
      `Single phase accepting a rewrite: ${from} to ${to} rewrites the table and rebuilds its indexes under ACCESS EXCLUSIVE, but at about ` +
      `${thousands(ctx.answers.approx_rows)} rows with "${ctx.answers.downtime_tolerance}" tolerance that is short enough.`,
    phases: [
      finishPhase(ctx, {
        title: `Change ${column.name} to ${to} (rewrites the table)`,
        kind: "expand",
        why: "Reads and writes wait for the whole rewrite.",
        statements: [stmt(`ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${to}${using ? ` USING ${using}` : ""};`, "ACCESS EXCLUSIVE", [table], { rewrite: true, why: "Rewrites every row and rebuilds every index.", effects: [effect.alterColumnType(table, column.name)] })],
        rollback: [stmt(`ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${from} USING ${c}::${from};`, "ACCESS EXCLUSIVE", [table], { rewrite: true })],
        checks: [typeCheck(ctx, column.name, to)],
        estimate: estimate.rewrite(ctx.answers.approx_rows),
      }),
    ],
    warnings: [],
  };
}

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
  const objects = swappedColumnObjects(ctx, table, column.name, newName, oldName);
  const convert = ctx.answers.details?.using ?? `${c}::${to}`;
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
    ...(column.nullable === false ? [stmt(`ALTER TABLE ${t} ALTER COLUMN ${o} DROP NOT NULL;`, "ACCESS EXCLUSIVE", [table], { why: "The old column is only written by the reverse trigger now; it must not reject inserts." })] : []),
    ...(defaultSql(column.default) !== undefined
      ? [
          stmt(`ALTER TABLE ${t} ALTER COLUMN ${o} DROP DEFAULT;`, "ACCESS EXCLUSIVE", [table]),
          stmt(`ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT ${defaultClause(ctx.engine, column)};`, "ACCESS EXCLUSIVE", [table]),
        ]
      : []),
    ...(k.objects?.swap ?? []),
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
  return (
    "One short transaction: lock the table, drop the trigger, swap the names and start a reverse trigger that keeps the old column current, so the " +
    "application (same column name) reads and writes the new type from the next query, and a swap back loses no committed write. " +
    (objects
      ? objects.rebuilt.length
        ? `In the same transaction the copies built earlier take their original names (${objects.rebuilt.join(", ")}), and the originals stay on ${k.oldName} until it is dropped.`
        : `The schema read shows nothing else on ${k.column.name} to move.`
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
function pgExpandContract(ctx: RecipeContext, column: Column, from: string, to: string): RecipeResult {
  const k = pgSwapNames(ctx, column, from, to);
  const { table, newName } = k;
  const expand = pgAddNewColumnPhase(ctx, k);
  const backfill = backfillPhase(
    ctx,
    { table, primaryKey: ctx.answers.details?.primary_key ?? "id", set: `${k.n} = ${k.convert}`, pending: `${k.n} IS DISTINCT FROM (${k.convert})`, label: `${table}.${newName}` },
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

function postgres(ctx: RecipeContext, column: Column, from: string, to: string): RecipeResult {
  const using = ctx.answers.details?.using;
  const cheap = pgBinaryCoercible(from, to, ctx.caps);
  if (cheap && !using) return pgCatalogOnly(ctx, column, from, to, cheap);
  if (mayBlockForScan(ctx)) return pgRewriteInPlace(ctx, column, from, to);
  // With the schema read, an integer primary key gets the complete recipe (children, sequence, indexes).
  const keyPlan = using ? undefined : bigintKeyPlan(ctx, column.name, to);
  return keyPlan ?? pgExpandContract(ctx, column, from, to);
}

export const changeColumnType: Recipe = (ctx) => {
  const { column, from, to } = inputs(ctx);
  if (ctx.engine !== "mysql") return postgres(ctx, column, from, to);
  const fks = mysqlColumnFks(ctx, column, from, to);
  // COPY blocks writes for the whole copy: acceptable only when the size and tolerance allow it.
  if (fks && !mayBlockForScan(ctx)) {
    throw new PlanError(
      `${ctx.answers.table}.${column.name} is joined by foreign keys (${fks.names.join(", ")}) and MySQL changes both sides of one only with table copies that block writes: allow a longer downtime tolerance, or use pt-online-schema-change with --alter-foreign-keys-method`,
      "downtime_tolerance",
    );
  }
  if (fks) return mysqlSingleStep(ctx, column, from, to, fks);
  return mysqlVarchar(ctx, column, from, to).inplace || mayBlockForScan(ctx) ? mysqlSingleStep(ctx, column, from, to) : mysqlExpandContract(ctx, column, from, to);
};
