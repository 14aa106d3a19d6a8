/** SQL pieces several diagnoses share: quoting, and the queries that list what a table has now. */
import { sqlLiteral } from "../../plan/encode.js";
import type { Engine } from "../../answers/schema.js";
import { quoteIdent, quoteTable } from "../../plan/sql.js";
import type { DiagnosisInput, Query } from "./types.js";

export const qi = (engine: Engine, name: string) => quoteIdent(engine, name);
export const qt = (engine: Engine, name: string) => quoteTable(engine, name);
export const lit = (s: string, engine: Engine = "postgresql") => sqlLiteral(engine, s);

/** The unqualified table name and, when given, its schema. */
export function splitTable(name: string): { schema?: string; table: string } {
  const i = name.lastIndexOf(".");
  return i < 0 ? { table: name } : { schema: name.slice(0, i), table: name.slice(i + 1) };
}

/** Read-only queries listing the columns and indexes the table has right now. */
export function tableShapeQueries(input: DiagnosisInput): Query[] {
  const { engine } = input;
  const { schema, table } = splitTable(input.names.table);
  if (engine === "mysql") {
    const db = schema ? lit(schema) : "DATABASE()";
    return [
      {
        purpose: `The columns ${input.names.table} has now`,
        sql: `SELECT column_name, column_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = ${db} AND table_name = ${lit(table)} ORDER BY ordinal_position;`,
        expect: "Columns the failed migration added are here if their statement ran: MySQL keeps each DDL statement that completed.",
      },
      {
        purpose: `The indexes ${input.names.table} has now`,
        sql: `SELECT index_name, non_unique, GROUP_CONCAT(column_name ORDER BY seq_in_index) AS columns FROM information_schema.statistics WHERE table_schema = ${db} AND table_name = ${lit(table)} GROUP BY index_name, non_unique;`,
        expect: "Indexes the failed migration created are here if their statement ran.",
      },
    ];
  }
  const nsp = schema ? lit(schema) : "current_schema()";
  return [
    {
      purpose: `The columns ${input.names.table} has now`,
      sql: `SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = ${nsp} AND table_name = ${lit(table)} ORDER BY ordinal_position;`,
      expect: "After a failed transactional migration nothing it added is here: PostgreSQL rolled the whole transaction back.",
    },
    {
      purpose: `The indexes ${input.names.table} has now, and whether each is valid`,
      sql: `SELECT c.relname AS index_name, i.indisvalid AS valid, pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = ${nsp} AND t.relname = ${lit(table)} ORDER BY c.relname;`,
      expect: "An index with valid = false was left by a failed CREATE INDEX CONCURRENTLY (which runs outside the transaction).",
    },
  ];
}

/** Every INVALID index in the database (PostgreSQL). */
export const INVALID_INDEXES_SQL =
  "SELECT n.nspname AS schema_name, c.relname AS index_name, t.relname AS table_name, pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT i.indisvalid ORDER BY 1, 2;";

/** A WHERE clause on `alias` matching rows whose key columns are all set. */
export function notNullAll(engine: Engine, alias: string, columns: string[]): string {
  return columns.map((c) => `${alias}.${qi(engine, c)} IS NOT NULL`).join(" AND ");
}

export function placeholderNote(input: DiagnosisInput): string[] {
  const p = input.names.placeholders;
  return p.length
    ? [`Names marked as placeholders (${p.join(", ")}) were not known: replace them with yours before running anything (pass them in the answers file as table, columns, details.index_name, details.constraint_name, details.ref_table, details.ref_column).`]
    : [];
}

/** MariaDB, whether the input names it as the engine or as the product behind the MySQL dialect. */
export const onMariadb = (input: { engine: string; product?: string }) => (input.product ?? input.engine) === "mariadb";
