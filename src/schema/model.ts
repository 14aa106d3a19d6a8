/**
 * The schema snapshot: a typed, read-only picture of what a plan depends on in the user's database.
 * Plain JSON data (sorted by name, so two reads of the same schema compare equal), built by one reader
 * per engine (pg-reader.ts, mysql-reader.ts) from a live database (`--database-url`) or a PostgreSQL
 * schema dump (`--schema FILE`). Estimates (rows, sizes) come from the server's statistics, never from counting.
 */

export interface SnapshotSource {
  kind: "database-url" | "schema-dump";
  /** The URL without its password, or the dump's path. */
  where: string;
}

export interface ColumnInfo {
  name: string;
  /** As the server formats it: `integer`, `character varying(255)` (PostgreSQL); `int(11)`, `bigint(20) unsigned` (MySQL, COLUMN_TYPE). */
  type: string;
  nullable: boolean;
  /** The default expression, or null. */
  default: string | null;
  identity: "always" | "by default" | null;
  /** The expression of a stored generated column, or null. */
  generated: string | null;
  /** A collation other than the type's default, or null. */
  collation: string | null;
  /** The sequence that feeds it (serial's owned sequence, or an identity's), schema-qualified. */
  sequence: string | null;
  /** MySQL/MariaDB: the column's character set (null for a non-text column). */
  charset?: string | null;
  /** MySQL/MariaDB: AUTO_INCREMENT (their counterpart of identity and sequence). */
  autoIncrement?: boolean;
}

export interface IndexInfo {
  name: string;
  /** `CREATE [UNIQUE] INDEX name ON ... USING ...` as pg_get_indexdef prints it. */
  definition: string;
  /** Key columns (null for an expression key). */
  columns: (string | null)[];
  unique: boolean;
  primary: boolean;
  /** The WHERE predicate of a partial index, or null. */
  predicate: string | null;
  /** false for an INVALID index (a failed CREATE INDEX CONCURRENTLY). */
  valid: boolean;
  /** The constraint the index backs (primary key, unique, exclusion), or null. */
  constraint: string | null;
}

export type ConstraintKind = "primary_key" | "unique" | "check" | "exclusion" | "foreign_key" | "not_null";

export interface ConstraintInfo {
  name: string;
  kind: ConstraintKind;
  /** As pg_get_constraintdef prints it: `CHECK ((price > 0)) NOT VALID`. */
  definition: string;
  columns: string[];
  /** false for a NOT VALID constraint not yet validated. */
  validated: boolean;
}

export interface ForeignKeyInfo {
  name: string;
  /** The referencing (child) table, schema-qualified. */
  table: string;
  columns: string[];
  columnTypes: string[];
  nullable: boolean[];
  /** The referenced (parent) table, schema-qualified. */
  refTable: string;
  refColumns: string[];
  refColumnTypes: string[];
  onDelete: "no action" | "restrict" | "cascade" | "set null" | "set default";
  onUpdate: "no action" | "restrict" | "cascade" | "set null" | "set default";
  validated: boolean;
}

export interface TriggerInfo {
  name: string;
  definition: string;
  enabled: boolean;
}

export interface TableInfo {
  schema: string;
  name: string;
  /** The planner's estimate (pg_class.reltuples); null when the table was never analysed. */
  estimatedRows: number | null;
  /** Table, indexes and TOAST, in bytes (null from a dump: it holds no data). */
  sizeBytes: number | null;
  columns: ColumnInfo[];
  primaryKey: { name: string; columns: string[] } | null;
  indexes: IndexInfo[];
  constraints: ConstraintInfo[];
  /** Foreign keys of this table (it is the child). */
  foreignKeys: ForeignKeyInfo[];
  /** Foreign keys in other tables (or this one) that reference this table. */
  referencedBy: ForeignKeyInfo[];
  /** User triggers (not the internal ones behind foreign keys). */
  triggers: TriggerInfo[];
  /** Views and materialized views that read this table, schema-qualified. */
  dependentViews: string[];
}

/** A table as a reader first finds it: named and sized, its columns, keys and dependents read afterwards. */
export function emptyTable(schema: string, name: string, estimatedRows: number | null, sizeBytes: number | null): TableInfo {
  return { schema, name, estimatedRows, sizeBytes, columns: [], primaryKey: null, indexes: [], constraints: [], foreignKeys: [], referencedBy: [], triggers: [], dependentViews: [] };
}

export interface ViewInfo {
  schema: string;
  name: string;
  materialized: boolean;
  definition: string;
}

export interface EnumInfo {
  schema: string;
  name: string;
  values: string[];
}

export interface SequenceInfo {
  schema: string;
  name: string;
  /** smallint, integer or bigint. */
  dataType: string;
  maxValue: string;
  /** `schema.table.column` of the owning column, or null. */
  ownedBy: string | null;
}

/** A name taken in a schema: relations (tables, indexes, sequences, views), types, constraints, functions. */
export interface TakenName {
  schema: string;
  name: string;
  kind: "relation" | "type" | "constraint" | "function" | "trigger";
}

export interface SchemaSnapshot {
  /** The product the server says it is (a MySQL-protocol server whose VERSION() says MariaDB is mariadb). */
  engine: "postgresql" | "mysql" | "mariadb";
  /** `15.8`, `8.0.36`, `10.11.6-MariaDB-0+deb12u1`. */
  serverVersion: string;
  source: SnapshotSource;
  /** What the reader looked at, in words, for the plan's "read from the database" section. */
  read: string[];
  /** What the reader could not see, and why (e.g. a privilege the user lacks): the plan lists these as assumed. */
  unread?: string[];
  schemas: string[];
  tables: TableInfo[];
  views: ViewInfo[];
  enums: EnumInfo[];
  sequences: SequenceInfo[];
  names: TakenName[];
  /** Results of the bounded data probes, when the user asked for them (probes.ts). */
  probes?: ProbeFinding[];
}

/** One probe's answer, as the plan uses it (probes.ts runs them). */
export interface ProbeFinding {
  name: "null_count" | "duplicate_keys" | "orphans" | "check_violations" | "max_value" | "long_transactions";
  value: number;
  /** true when every row was read (or an index answered); false when only the first `rowsRead` rows were. */
  exact: boolean;
  rowsRead?: number;
  /** The result in one sentence. */
  text: string;
}

/**
 * The probe of this name, if the user asked for probes; `clean` when it read every row and found nothing,
 * which is what lets a recipe leave out a dedup, backfill or fix, and `says` states the count for PLAN.md.
 */
export function probeFinding(snapshot: SchemaSnapshot | undefined, name: ProbeFinding["name"]): { clean: boolean; found: number; says: string } | undefined {
  const f = snapshot?.probes?.find((p) => p.name === name);
  if (!f) return undefined;
  const how = f.exact ? "exact: every row was read" : `bounded: only the first ${(f.rowsRead ?? 0).toLocaleString("en-US")} rows were read, the table has more`;
  return { clean: f.exact && f.value === 0, found: f.value, says: `The probe run before planning found ${f.text} (${how}).` };
}

/** `schema.table` with `public` implied, as the answers spell tables. */
export function findTable(snapshot: SchemaSnapshot, table: string): TableInfo | undefined {
  const [schema, name] = table.includes(".") ? table.split(".", 2) : [undefined, table];
  const hits = snapshot.tables.filter((t) => t.name === name && (schema ? t.schema === schema : true));
  if (hits.length <= 1) return hits[0];
  return hits.find((t) => t.schema === "public") ?? hits[0];
}

export const qualified = (t: { schema: string; name: string }) => `${t.schema}.${t.name}`;
