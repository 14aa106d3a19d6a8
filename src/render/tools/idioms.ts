/**
 * Statements a tool's own helpers express exactly, recognised from their SQL: a plain concurrent
 * index build (columns only: no expression, method, predicate, INCLUDE or IF NOT EXISTS) and the
 * validation of a foreign key. A statement that is anything more stays raw SQL.
 */
import type { Plan, Statement } from "../../plan/model.js";

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const unquote = (s: string) => (s.startsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s);
const splitQualified = (s: string) => s.match(new RegExp(IDENT, "g"))!.map(unquote);

export interface ConcurrentIndex {
  name: string;
  /** Unqualified table. */
  table: string;
  schema?: string;
  columns: string[];
  unique: boolean;
}

/** `CREATE [UNIQUE] INDEX CONCURRENTLY name ON [schema.]table (col, ...);` and nothing else. */
export function concurrentIndex(s: Statement): ConcurrentIndex | undefined {
  const m = new RegExp(
    String.raw`^CREATE (UNIQUE )?INDEX CONCURRENTLY (${IDENT}) ON (${IDENT}(?:\.${IDENT})?) \((${IDENT}(?:, ${IDENT})*)\);$`,
  ).exec(s.sql.trim());
  if (!m || s.transaction) return undefined;
  const table = splitQualified(m[3]);
  return { unique: !!m[1], name: unquote(m[2]), table: table[table.length - 1], schema: table.length > 1 ? table[0] : undefined, columns: splitQualified(m[4]) };
}

/** `DROP INDEX CONCURRENTLY IF EXISTS [schema.]name;` for that index. */
export function dropsConcurrentIndex(s: Statement, index: ConcurrentIndex): boolean {
  const q = (x: string) => (/^[a-z_][a-z0-9_$]*$/.test(x) ? x : `"${x.replace(/"/g, '""')}"`);
  const name = (index.schema ? q(index.schema) + "." : "") + q(index.name);
  return s.sql.trim() === `DROP INDEX CONCURRENTLY IF EXISTS ${name};`;
}

/** `ALTER TABLE [schema.]table VALIDATE CONSTRAINT name;` where the plan added `name` as a foreign key. */
export function validatesForeignKey(plan: Plan, s: Statement): { table: string; name: string } | undefined {
  const m = new RegExp(String.raw`^ALTER TABLE (${IDENT}(?:\.${IDENT})?) VALIDATE CONSTRAINT (${IDENT});$`).exec(s.sql.trim());
  if (!m) return undefined;
  const name = unquote(m[2]);
  const added = new RegExp(String.raw`ADD CONSTRAINT ${m[2].replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} FOREIGN KEY`);
  if (!plan.phases.some((p) => p.statements.some((x) => added.test(x.sql)))) return undefined;
  const parts = splitQualified(m[1]);
  // A dot inside a quoted name would read as a schema separator once joined.
  if (parts.some((p) => p.includes("."))) return undefined;
  return { table: parts.join("."), name };
}
