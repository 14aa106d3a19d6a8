/** Read-only checks a column swap runs after its steps: the column's type, a column or the sync triggers present or gone. */
import type { RecipeContext } from "../../context.js";
import { bareName, literal, regclass } from "../statements.js";
import { typeShape } from "./type-shape.js";

export function typeCheck(ctx: RecipeContext, column: string, type: string) {
  const args = typeShape(type).args;
  // A regtype cast drops the length/precision, so those are compared on the formatted type.
  const modifier = args.length ? ` AND format_type(atttypid, atttypmod) LIKE ${literal(`%(${args.join(",")})`)}` : "";
  return {
    description: `${column} has type ${type}`,
    sql: `SELECT atttypid = ${literal(type)}::regtype${modifier} AS ok FROM pg_attribute WHERE attrelid = ${regclass(ctx.engine, ctx.answers.table)} AND attname = ${literal(column)};`,
  };
}

/**
 * MySQL check that `column` has `type`. A bare type name is compared with DATA_TYPE, because 5.7 shows integer
 * display widths in COLUMN_TYPE (`bigint(20)`) and 8.0.19+ does not; anything else with COLUMN_TYPE, spaces ignored.
 */
export function mysqlTypeCheck(table: string, column: string, type: string) {
  const bare = /^[A-Za-z]+$/.test(type.trim());
  const actual = bare ? "LOWER(DATA_TYPE)" : "LOWER(REPLACE(COLUMN_TYPE, ' ', ''))";
  const expected = literal(bare ? type.trim().toLowerCase() : type.replace(/\s+/g, "").toLowerCase());
  return {
    description: `${column} has type ${type}`,
    sql: `SELECT ${actual} = ${expected} AS ok FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(bareName(table))} AND COLUMN_NAME = ${literal(column)};`,
  };
}

/** Information-schema check that `name` has (or no longer has) a column, MySQL syntax. */
export function mysqlColumnCheck(table: string, name: string, exists: boolean) {
  return {
    description: `Column ${name} ${exists ? "exists" : "is gone"}`,
    sql: `SELECT COUNT(*) = ${exists ? 1 : 0} AS ok FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(bareName(table))} AND COLUMN_NAME = ${literal(name)};`,
  };
}

export function mysqlTriggerCheck(table: string, names: { ins: string; upd: string }, present: boolean) {
  return {
    description: `Triggers ${names.ins} and ${names.upd} ${present ? "exist" : "are gone"}`,
    sql: `SELECT COUNT(*) = ${present ? 2 : 0} AS ok FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE = ${literal(bareName(table))} AND TRIGGER_NAME IN (${literal(names.ins)}, ${literal(names.upd)});`,
  };
}

/** MySQL check that `column` is (or is not) AUTO_INCREMENT, as a MODIFY COLUMN that restates it assumes. */
export function mysqlAutoIncrementCheck(table: string, column: string, autoIncrement: boolean) {
  return {
    description: `${column} is ${autoIncrement ? "" : "not "}AUTO_INCREMENT, as the MODIFY COLUMN below restates it`,
    sql: `SELECT ${autoIncrement ? "" : "NOT "}(LOWER(EXTRA) LIKE '%auto_increment%') AS ok FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(bareName(table), "mysql")} AND COLUMN_NAME = ${literal(column, "mysql")};`,
  };
}
