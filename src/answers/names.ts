/** Name and type patterns, free of zod so the wizard can validate typing without loading it. */

/** Letters, digits, `_` and `$`, not starting with a digit; quoting per engine happens later. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** SQL type text as the user writes it: `text`, `varchar(255)`, `numeric(10, 2)`, `timestamp with time zone`, `int[]`. */
export const SQL_TYPE = /^[A-Za-z][A-Za-z0-9_ ]*(\(\s*\d+\s*(,\s*-?\d+\s*)?\))?( [A-Za-z ]+)?(\[\])*$/;
