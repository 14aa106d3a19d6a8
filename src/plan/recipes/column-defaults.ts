/**
 * Column defaults: their SQL per engine, and whether PostgreSQL can store them in the catalog (non-volatile,
 * evaluated once) or must compute one per row (volatile: a table rewrite on every version).
 */
import { bareName } from "../encode.js";
import type { Column, Engine } from "../../answers/schema.js";
import { PlanError } from "../errors.js";
import { quoteIdent } from "../sql.js";

/** Functions that are immutable or stable: PostgreSQL >= 11 evaluates them once and keeps the value in the catalog. */
const NON_VOLATILE_FUNCTIONS = new Set([
  "now",
  "transaction_timestamp",
  "statement_timestamp",
  "current_timestamp",
  "current_date",
  "current_time",
  "localtimestamp",
  "localtime",
  "current_user",
  "session_user",
  "lower",
  "upper",
  "to_jsonb",
  "jsonb_build_object",
  "json_build_object",
  "array",
  "cast",
  "coalesce",
  "nullif",
  "greatest",
  "least",
  "make_interval",
  "make_date",
  "date_trunc",
]);

/** Types whose default is a sequence or a per-row value: always a rewrite. */
const PER_ROW_TYPE = /\b(small|big)?serial\b|\bidentity\b|\bgenerated\b/i;

/** The default as SQL text, or undefined for none. Numbers and booleans become literals; strings are SQL expressions. */
export function defaultSql(value: Column["default"]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  const text = value.trim();
  if (text === "" || /^null$/i.test(text)) return undefined;
  return text;
}

/**
 * True when PostgreSQL must compute the default row by row. Literals (with or without a cast) and the known
 * stable functions (`now()`, `current_timestamp`...) are not; any other function call is treated as volatile,
 * because guessing wrong would lock the table for a rewrite the plan did not announce.
 */
export function isVolatileDefault(column: Column): boolean {
  if (column.type && PER_ROW_TYPE.test(column.type)) return true;
  const expr = defaultSql(column.default);
  if (expr === undefined) return false;
  const withoutStrings = expr.replace(/'(?:[^']|'')*'/g, "''");
  const calls = [...withoutStrings.matchAll(/([A-Za-z_][A-Za-z0-9_.]*)\s*\(/g)].map((m) => m[1].toLowerCase());
  return calls.some((name) => !NON_VOLATILE_FUNCTIONS.has(bareName(name)));
}

/** MySQL accepts literals and CURRENT_TIMESTAMP bare; any other expression default must be parenthesised (8.0.13+). */
function mysqlDefault(expr: string): string {
  const bare = /^('(?:[^']|'')*'|-?\d+(\.\d+)?|true|false|current_timestamp(\(\d?\))?|now\(\d?\))$/i;
  return bare.test(expr) || expr.startsWith("(") ? expr : `(${expr})`;
}

export function requireType(column: Column, index = 0): string {
  if (!column.type) throw new PlanError(`column ${column.name} needs a type`, `columns.${index}.type`);
  return column.type;
}

const TEXT_TYPE = /char|text|enum|\bset\b/i;

/**
 * MySQL's MODIFY / CHANGE COLUMN restates the whole definition, and anything left out is changed:
 * `type [CHARACTER SET cs [COLLATE c]] NULL|NOT NULL [DEFAULT x]`, from the column as it is (the charset only on a
 * text type; the collation, read from the schema, only with the charset).
 */
export function mysqlRestatedDefinition(column: Column, opts: { type?: string; nullable?: boolean; index?: number; collation?: string } = {}): string {
  const type = opts.type ?? requireType(column, opts.index);
  const collate = opts.collation && /^\w+$/.test(opts.collation) ? ` COLLATE ${opts.collation}` : "";
  const charset = column.charset && TEXT_TYPE.test(type) ? ` CHARACTER SET ${column.charset}${collate}` : "";
  const nullable = opts.nullable ?? column.nullable !== false;
  const def = defaultSql(column.default);
  return `${type}${charset} ${nullable ? "NULL" : "NOT NULL"}${def !== undefined ? ` DEFAULT ${mysqlDefault(def)}` : ""}`;
}

/** `name type [DEFAULT x] [NOT NULL]` for ADD COLUMN / CREATE TABLE. */
export function columnDefinition(
  engine: Engine,
  column: Column,
  opts: { withDefault?: boolean; withNotNull?: boolean; index?: number } = {},
): string {
  const { withDefault = true, withNotNull = true, index = 0 } = opts;
  let sql = `${quoteIdent(engine, column.name)} ${requireType(column, index)}`;
  const def = defaultSql(column.default);
  if (withDefault && def !== undefined) sql += ` DEFAULT ${engine === "mysql" ? mysqlDefault(def) : def}`;
  if (withNotNull && column.nullable === false) sql += " NOT NULL";
  return sql;
}

export function defaultClause(engine: Engine, column: Column): string | undefined {
  const def = defaultSql(column.default);
  if (def === undefined) return undefined;
  return engine === "mysql" ? mysqlDefault(def) : def;
}
