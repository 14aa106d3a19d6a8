/**
 * Free-text SQL in the answers (`check`, `where`, `using`, `default`, `set`, ...) is checked before a
 * plan is built: each field must be exactly one expression (or one SET list, or one EXCLUDE body) of
 * the target engine, so nothing in it can end the statement it is put in and start another.
 * PostgreSQL: PostgreSQL's own parser (libpg-query, WASM, loaded lazily), parsing the text inside a
 * fixed statement shape. MySQL: a conservative tokenizer (no parser of MySQL's grammar is available
 * to us): no `;`, no comments, no backslashes, balanced quotes and parentheses.
 */
import type { Answers } from "../answers/schema.js";

/** What a field must be: an expression, a SET list (`a = expr, b = expr`) or an EXCLUDE body. */
export type SqlShape = "expression" | "assignments" | "exclusion";

export interface SqlField {
  /** The answers path, e.g. `details.check`, `columns.0.default`. */
  path: string;
  text: string;
  shape: SqlShape;
}

export class SqlFieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const DETAIL_FIELDS: [string, SqlShape][] = [
  ["check", "expression"],
  ["where", "expression"],
  ["using", "expression"],
  ["backfill_where", "expression"],
  ["set", "assignments"],
  ["exclusion", "exclusion"],
];

/** Every free-text SQL field the answers carry. */
export function freeSqlFields(answers: Answers): SqlField[] {
  const out: SqlField[] = [];
  const details = (answers.details ?? {}) as Record<string, unknown>;
  for (const [key, shape] of DETAIL_FIELDS) {
    const v = details[key];
    if (typeof v === "string") out.push({ path: `details.${key}`, text: v, shape });
  }
  (answers.columns ?? []).forEach((c, i) => {
    if (typeof c.default === "string") out.push({ path: `columns.${i}.default`, text: c.default, shape: "expression" });
  });
  return out;
}

/**
 * A text that is one expression by its form alone, on every engine: a number, a plain quoted string
 * (quotes doubled inside, no backslash, no control character), true, false or NULL. Such a field
 * needs no parser, and the parser's WASM need not load.
 */
const PLAIN_LITERAL = /^(?:-?\d+(?:\.\d+)?|'(?:[^'\\\x00-\x1f\x7f]|'')*'|true|false|null)$/i;

export const isPlainLiteral = (text: string): boolean => PLAIN_LITERAL.test(text);


/** A short, one-line view of the offending part of a field. */
export function excerpt(text: string, from = 0, width = 40): string {
  const part = text.slice(Math.max(0, from), Math.max(0, from) + width);
  return JSON.stringify(part + (from + width < text.length ? "..." : ""));
}

export function basicProblems(f: SqlField): string | undefined {
  if (!f.text.trim()) return "is empty";
  const nul = f.text.indexOf("\u0000");
  if (nul >= 0) return `contains a NUL character at ${excerpt(f.text, nul)}`;
  return undefined;
}

// ---- MySQL / MariaDB: a conservative tokenizer ----

/** The first problem in `text` as MySQL SQL, or undefined. */
export function mysqlProblem(f: SqlField): string | undefined {
  const basic = basicProblems(f);
  if (basic) return basic;
  const s = f.text;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "'" || c === '"' || c === "`") {
      const end = closingQuote(s, i);
      if (end < 0) return `has an unclosed ${c} at ${excerpt(s, i)}`;
      if (s.slice(i, end).includes("\\")) return `has a backslash in a quoted string (its meaning depends on sql_mode) at ${excerpt(s, i)}`;
      i = end;
    } else if (c === ";") return `has a ';' (one expression only) at ${excerpt(s, i)}`;
    else if (c === "#" || s.startsWith("--", i) || s.startsWith("/*", i)) return `has a comment at ${excerpt(s, i)}`;
    else if (c === "\\") return `has a backslash at ${excerpt(s, i)}`;
    else if (c === "(") depth++;
    else if (c === ")" && --depth < 0) return `has a ')' without its '(' at ${excerpt(s, i)}`;
  }
  if (depth > 0) return "has a '(' that is never closed";
  return undefined;
}

/** Index of the quote closing the one at `start` (a doubled quote stays inside), or -1. */
function closingQuote(s: string, start: number): number {
  const q = s[start];
  for (let i = start + 1; i < s.length; i++) {
    if (s[i] !== q) continue;
    if (s[i + 1] === q) i++;
    else return i;
  }
  return -1;
}
