/**
 * The answers contract: the keys a user, a script or CI writes in `answers.yaml`.
 * These spellings are public and stable (see the design card); add keys, never rename.
 */
// zod/mini (the functional API) rather than classic zod: the same validation and JSON Schema, at a
// fraction of the start-up cost on the `plan --answers` path. Classic zod loads the English messages
// itself; mini needs them configured.
import * as z from "zod/mini";
import { en } from "zod/locales";
import { IDENTIFIER, SQL_TYPE } from "./names.js";

export { IDENTIFIER, SQL_TYPE };

z.config(en());

export const ENGINES = ["postgresql", "mysql", "mariadb"] as const;
export const OPERATIONS = [
  "add_column",
  "drop_column",
  "rename_column",
  "change_column_type",
  "set_not_null",
  "add_index",
  "drop_index",
  "add_unique_constraint",
  "add_foreign_key",
  "add_check_constraint",
  "add_primary_key",
  "add_exclusion_constraint",
  "create_table",
  "drop_table",
  "rename_table",
  "add_enum_value",
  "backfill",
] as const;
/**
 * The `details` fields each operation reads, as its recipe reads them (an operation missing here does not
 * compile). The recipe of an operation sees only these fields (details-of.ts); the schema below stays one flat
 * object for every operation, so a file valid before stays valid.
 */
export const DETAILS_OF = {
  add_column: ["primary_key"],
  drop_column: ["primary_key"],
  rename_column: ["new_name", "primary_key"],
  change_column_type: ["new_type", "using", "primary_key"],
  set_not_null: ["set", "backfill_where", "primary_key"],
  add_index: ["index_name", "unique", "method", "where"],
  // the definition, to rebuild the index on rollback
  drop_index: ["index_name", "unique", "method", "where"],
  add_unique_constraint: ["constraint_name", "index_name", "dedup", "primary_key", "referenced_by"],
  add_foreign_key: ["ref_table", "ref_column", "on_delete", "constraint_name"],
  add_check_constraint: ["check", "constraint_name"],
  add_primary_key: ["constraint_name"],
  add_exclusion_constraint: ["exclusion", "constraint_name", "primary_key"],
  create_table: ["primary_key"],
  drop_table: ["referenced_by", "primary_key"],
  rename_table: ["new_name"],
  add_enum_value: ["enum_type", "enum_value", "before", "after"],
  backfill: ["set", "backfill_where", "primary_key"],
} as const satisfies { readonly [O in Operation]: readonly (keyof Details)[] };

export const TOOLS = [
  "raw-sql",
  "alembic",
  "django",
  "knex",
  "prisma",
  "rails",
  "flyway",
  "liquibase",
  "golang-migrate",
  "goose",
  "node-pg-migrate",
  "drizzle",
  "dbmate",
  "sqitch",
] as const;
export const DOWNTIME = ["none", "seconds", "minutes"] as const;
export const ROLLBACK = ["none", "phase-level", "full"] as const;
/** How a MySQL-family table rebuild runs on a large table with no downtime. */
export const ONLINE_DDL_TOOLS = ["native", "gh-ost", "pt-online-schema-change"] as const;

export type Engine = (typeof ENGINES)[number];
export type Operation = (typeof OPERATIONS)[number];
export type Tool = (typeof TOOLS)[number];
export type DowntimeTolerance = (typeof DOWNTIME)[number];
export type RollbackNeed = (typeof ROLLBACK)[number];
export type OnlineDdlTool = (typeof ONLINE_DDL_TOOLS)[number];

const described = <T extends z.ZodMiniType>(schema: T, description: string): T => schema.check(z.describe(description));

const identifier = z
  .string()
  .check(
    z.maxLength(64, "at most 64 characters (MySQL's limit; PostgreSQL's is 63 bytes, checked when the plan is built)"),
    z.regex(IDENTIFIER, "letters, digits and _ only, not starting with a digit"),
  );
/** A table may be schema-qualified: `billing.invoices`. */
const tableName = z
  .string()
  .check(z.regex(/^([A-Za-z_][A-Za-z0-9_$]*\.)?[A-Za-z_][A-Za-z0-9_$]*$/, "a table name, optionally schema-qualified (schema.table)"));

const sqlType = z.string().check(z.trim(), z.minLength(1), z.regex(SQL_TYPE, "a SQL type such as text, varchar(255), numeric(10,2), bigint"));

/** An optional field with its description (for the JSON Schema and editors). */
const opt = <T extends z.ZodMiniType>(schema: T, description?: string) =>
  description === undefined ? z.optional(schema) : described(z.optional(schema), description);

export const columnSchema = z.strictObject({
  name: described(identifier, "Column name, as the application spells it."),
  type: opt(sqlType, "SQL type, e.g. text, bigint, varchar(255)."),
  nullable: opt(z.boolean(), "Whether NULL is allowed. Defaults to true."),
  default: opt(
    z.union([z.string(), z.number(), z.boolean(), z.null()]),
    "Default as a SQL expression: 'active' (quoted literal), 0, now(), gen_random_uuid().",
  ),
  references: opt(z.string(), "For a foreign key column: referenced table(column), e.g. customers(id)."),
  charset: opt(identifier, "MySQL: the column's character set when it differs from the table's; MODIFY/CHANGE COLUMN restates it."),
});

export const detailsSchema = z.strictObject({
  new_name: opt(z.string(), "rename_column / rename_table: the new name."),
  new_type: opt(sqlType, "change_column_type: the new SQL type."),
  using: opt(z.string(), "change_column_type: expression converting the old value, e.g. price * 100."),
  ref_table: opt(tableName, "add_foreign_key: the referenced table."),
  ref_column: opt(identifier, "add_foreign_key: the referenced column (usually id)."),
  on_delete: opt(z.enum(["no action", "restrict", "cascade", "set null", "set default"])),
  index_name: opt(identifier, "add_index / drop_index / add_unique_constraint: the index name."),
  constraint_name: opt(identifier, "Constraint name for unique, check, foreign key and primary key."),
  unique: opt(z.boolean(), "add_index: a unique index."),
  where: opt(z.string(), "add_index: a partial index predicate."),
  method: opt(z.enum(["btree", "hash", "gin", "gist", "brin"]), "add_index: the index method."),
  check: opt(z.string(), "add_check_constraint: the boolean expression."),
  exclusion: opt(z.string(), "add_exclusion_constraint: the EXCLUDE body, e.g. USING gist (room WITH =, during WITH &&)."),
  enum_type: opt(identifier, "add_enum_value: the enum type."),
  enum_value: opt(z.string(), "add_enum_value: the value to add."),
  before: opt(z.string(), "add_enum_value: place the value before this one."),
  after: opt(z.string(), "add_enum_value: place the value after this one."),
  set: opt(z.string(), "backfill: the SET expression, e.g. full_name = first_name || ' ' || last_name."),
  backfill_where: opt(z.string(), "backfill: which rows still need the change, e.g. full_name IS NULL."),
  primary_key: opt(identifier, "The table's primary key column used to batch (default id)."),
  dedup: opt(z.enum(["keep-oldest", "keep-newest", "none"]), "add_unique_constraint: how to resolve existing duplicates."),
  referenced_by: opt(z.array(z.string()), "drop_table / dedup: child tables that reference this one as table(column)."),
});

export const answersSchema = described(
  z.catchall(
    z.object({
      mode: described(z._default(z.enum(["plan", "troubleshoot"]), "plan"), "plan (default) or troubleshoot."),
      engine: described(z.enum(ENGINES), "The database engine."),
      engine_version: described(
        z.string().check(z.regex(/^\d+(\.\d+){0,2}$/, "a version such as 16.2, 11 or 8.0.36")),
        'Engine version, e.g. "16.2", "11", "8.0.36". Quote it in YAML.',
      ),
      operation: opt(z.enum(OPERATIONS), "The schema change."),
      table: opt(tableName, "The table, as the user spells it."),
      columns: opt(z.array(columnSchema), "The columns the operation touches."),
      approx_rows: opt(z.int().check(z.nonnegative()), "Approximate number of rows in the table."),
      downtime_tolerance: opt(z.enum(DOWNTIME), "How long writes may be blocked: none, seconds, minutes."),
      rollback_need: opt(z.enum(ROLLBACK), "How far back you must be able to go: none, phase-level, full."),
      tool: opt(z.enum(TOOLS), "The migration tool the files are written for."),
      online_ddl_tool: opt(
        z.enum(ONLINE_DDL_TOOLS),
        "MySQL / MariaDB, large table, no downtime: how a step that rebuilds the table runs: native online DDL (default), gh-ost (MySQL only) or pt-online-schema-change.",
      ),
      details: opt(detailsSchema, "Operation-specific fields."),
      assumed: opt(
        z.record(z.string(), z.string()),
        'Answers the tool chose rather than the user: key -> why ("not sure": the safe assumption; "size class": a size bucket\'s row count). PLAN.md lists them under Assumptions.',
      ),
      // the tool tree's "help me choose" route
      stack: opt(z.string(), "The application stack, when the tool was chosen from it (django, python, node, rails, go...)."),
      node_orm: opt(z.string(), "Node.js stack: the ORM or query builder in use."),
      // troubleshoot mode
      symptom: opt(z.string(), "troubleshoot: the chosen symptom."),
      error: opt(z.string(), "troubleshoot: the error message text."),
      failure: opt(z.string(), "troubleshoot: which database error the migration failed with."),
      history_problem: opt(z.string(), "troubleshoot: what is wrong with the tool's history table."),
      slow_problem: opt(z.string(), "troubleshoot: slow or blocking migration, which kind."),
      rollback_problem: opt(z.string(), "troubleshoot: why a rollback is not possible or not safe."),
      failed_version: opt(z.string(), "troubleshoot: the migration version that failed, from the error text."),
    }),
    z.unknown(),
  ),
  "migration-wizard answers file",
);

export type Column = z.infer<typeof columnSchema>;
export type Details = z.infer<typeof detailsSchema>;
export type Answers = z.infer<typeof answersSchema>;
/** Answers for plan mode after validation: the keys a plan cannot be built without are present. */
export type PlanAnswers = Answers & {
  operation: Operation;
  table: string;
  approx_rows: number;
  downtime_tolerance: DowntimeTolerance;
  rollback_need: RollbackNeed;
  tool: Tool;
};
