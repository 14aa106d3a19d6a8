/**
 * Statements a tool's own helpers express exactly, recognised from their effect (`Statement.effects`: one, of the kind),
 * never from their SQL: a plain concurrent index build (columns only: no expression, method, predicate,
 * INCLUDE or IF NOT EXISTS), its concurrent drop, and the validation of a foreign key. A statement
 * without such an effect stays raw SQL.
 */
import type { Statement } from "../../plan/model.js";
import { qualifiedName, soleEffect } from "../../plan/effects.js";

export interface ConcurrentIndex {
  name: string;
  /** Unqualified table. */
  table: string;
  schema?: string;
  columns: string[];
  unique: boolean;
}

/** A plain `CREATE [UNIQUE] INDEX CONCURRENTLY name ON [schema.]table (col, ...)`. */
export function concurrentIndex(s: Statement): ConcurrentIndex | undefined {
  const e = soleEffect(s, "create_index");
  if (!e || !e.concurrent || !e.plain || s.transaction) return undefined;
  return { name: e.name, table: e.table, ...(e.schema ? { schema: e.schema } : {}), columns: e.columns, unique: e.unique };
}

/** Whether the statement drops that index concurrently. */
export function dropsConcurrentIndex(s: Statement, index: ConcurrentIndex): boolean {
  const e = soleEffect(s, "drop_index");
  return !!e && e.concurrent && e.name === index.name && e.schema === index.schema;
}

/** The validation of a foreign key (one the plan added NOT VALID): its table (schema-qualified when it is) and name. */
export function validatesForeignKey(s: Statement): { table: string; name: string } | undefined {
  const e = soleEffect(s, "validate_constraint");
  return e?.constraint === "foreign_key" ? { table: qualifiedName(e), name: e.name } : undefined;
}
