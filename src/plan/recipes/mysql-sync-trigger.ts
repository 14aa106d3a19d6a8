/**
 * MySQL one-direction sync triggers: a BEFORE INSERT and a BEFORE UPDATE trigger that recompute `target`
 * from the row being written. Each body is a single SET statement, so no DELIMITER (a client-side
 * command) is needed and any migration tool can send it as one statement.
 */
import type { RecipeContext } from "../context.js";
import type { Statement } from "../model.js";
import { constraintName, quoteIdent, quoteTable } from "../sql.js";
import { bareName, stmt } from "./statements.js";
import { qualifyColumn, type SyncTrigger } from "./sync-trigger.js";

/** CREATE/DROP TRIGGER take an exclusive metadata lock on the table for a moment. */
export const MYSQL_TRIGGER_LOCK = "metadata lock";

/** Trigger names for a target column: `<table>_sync_<target>_ins` and `..._upd` (within the 64-character limit). */
export function mysqlTriggerNames(table: string, target: string): { ins: string; upd: string } {
  return {
    ins: constraintName(bareName(table), "sync", target, "ins"),
    upd: constraintName(bareName(table), "sync", target, "upd"),
  };
}

/** Rewrites bare or backquoted references to `column` in a user expression as `replacement` (e.g. NEW.col). */
export function qualifyMysqlColumn(expression: string, column: string, replacement: string): string {
  const quoted = "`" + column.replace(/`/g, "``") + "`";
  return expression
    .split(/('(?:[^'\\]|\\.|'')*')/)
    .map((part, i) => (i % 2 === 1 ? part : qualifyColumn(part.split(quoted).join(column), column, replacement)))
    .join("");
}

/**
 * Triggers that set `target` = `expression` on every insert and update. `expression` is written in terms
 * of NEW.<column> (see qualifyMysqlColumn).
 */
export function mysqlCopyTriggers(ctx: RecipeContext, table: string, target: string, expression: string, why: string): SyncTrigger {
  const t = quoteTable(ctx.engine, table);
  const names = mysqlTriggerNames(table, target);
  const ins = quoteIdent(ctx.engine, names.ins);
  const upd = quoteIdent(ctx.engine, names.upd);
  const set = `SET NEW.${quoteIdent(ctx.engine, target)} = ${expression};`;
  return {
    name: names.ins,
    create: [
      stmt(`CREATE TRIGGER ${ins} BEFORE INSERT ON ${t} FOR EACH ROW ${set}`, MYSQL_TRIGGER_LOCK, [table], { why }),
      stmt(`CREATE TRIGGER ${upd} BEFORE UPDATE ON ${t} FOR EACH ROW ${set}`, MYSQL_TRIGGER_LOCK, [table], {
        why: "Updates recompute the copy too, so a row changed during the backfill is never left stale.",
      }),
    ],
    drop: [stmt(`DROP TRIGGER IF EXISTS ${ins};`, MYSQL_TRIGGER_LOCK, [table]), stmt(`DROP TRIGGER IF EXISTS ${upd};`, MYSQL_TRIGGER_LOCK, [table])],
  };
}

/**
 * The two-direction pair a column rename keeps while both names exist: inserts fill whichever column the
 * writer left out, and an update's changed column wins.
 */
export function mysqlRenameSyncTriggers(table: string, oldName: string, newName: string): { create: Statement[]; drop: Statement[] } {
  const t = quoteTable("mysql", table);
  const o = quoteIdent("mysql", oldName);
  const n = quoteIdent("mysql", newName);
  const names = mysqlTriggerNames(table, newName);
  const ins = quoteIdent("mysql", names.ins);
  const upd = quoteIdent("mysql", names.upd);
  const lock = MYSQL_TRIGGER_LOCK;
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
