/**
 * The answers contract: the keys a user, a script or CI writes in `answers.yaml`.
 * These spellings are public and stable (see the design card); add keys, never rename.
 */
import * as z from "zod";
import { IDENTIFIER, SQL_TYPE } from "./names.js";

export { IDENTIFIER, SQL_TYPE };

export const ENGINES = ["postgresql", "mysql"] as const;
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

export type Engine = (typeof ENGINES)[number];
export type Operation = (typeof OPERATIONS)[number];
export type Tool = (typeof TOOLS)[number];
export type DowntimeTolerance = (typeof DOWNTIME)[number];
export type RollbackNeed = (typeof ROLLBACK)[number];

const identifier = z
  .string()
  .max(63, "at most 63 characters (PostgreSQL truncates longer names)")
  .regex(IDENTIFIER, "letters, digits and _ only, not starting with a digit");
/** A table may be schema-qualified: `billing.invoices`. */
const tableName = z
  .string()
  .regex(/^([A-Za-z_][A-Za-z0-9_$]*\.)?[A-Za-z_][A-Za-z0-9_$]*$/, "a table name, optionally schema-qualified (schema.table)");

const sqlType = z.string().trim().min(1).regex(SQL_TYPE, "a SQL type such as text, varchar(255), numeric(10,2), bigint");

export const columnSchema = z
  .object({
    name: identifier.describe("Column name, as the application spells it."),
    type: sqlType.optional().describe("SQL type, e.g. text, bigint, varchar(255)."),
    nullable: z.boolean().optional().describe("Whether NULL is allowed. Defaults to true."),
    default: z
      .union([z.string(), z.number(), z.boolean(), z.null()])
      .optional()
      .describe("Default as a SQL expression: 'active' (quoted literal), 0, now(), gen_random_uuid()."),
    references: z
      .string()
      .optional()
      .describe("For a foreign key column: referenced table(column), e.g. customers(id)."),
  })
  .strict();

export const detailsSchema = z
  .object({
    new_name: z.string().optional().describe("rename_column / rename_table: the new name."),
    new_type: sqlType.optional().describe("change_column_type: the new SQL type."),
    using: z.string().optional().describe("change_column_type: expression converting the old value, e.g. price * 100."),
    ref_table: tableName.optional().describe("add_foreign_key: the referenced table."),
    ref_column: identifier.optional().describe("add_foreign_key: the referenced column (usually id)."),
    on_delete: z.enum(["no action", "restrict", "cascade", "set null", "set default"]).optional(),
    index_name: identifier.optional().describe("add_index / drop_index / add_unique_constraint: the index name."),
    constraint_name: identifier.optional().describe("Constraint name for unique, check, foreign key and primary key."),
    unique: z.boolean().optional().describe("add_index: a unique index."),
    where: z.string().optional().describe("add_index: a partial index predicate."),
    method: z.enum(["btree", "hash", "gin", "gist", "brin"]).optional().describe("add_index: the index method."),
    check: z.string().optional().describe("add_check_constraint: the boolean expression."),
    exclusion: z.string().optional().describe("add_exclusion_constraint: the EXCLUDE body, e.g. USING gist (room WITH =, during WITH &&)."),
    enum_type: identifier.optional().describe("add_enum_value: the enum type."),
    enum_value: z.string().optional().describe("add_enum_value: the value to add."),
    before: z.string().optional().describe("add_enum_value: place the value before this one."),
    after: z.string().optional().describe("add_enum_value: place the value after this one."),
    set: z.string().optional().describe("backfill: the SET expression, e.g. full_name = first_name || ' ' || last_name."),
    backfill_where: z.string().optional().describe("backfill: which rows still need the change, e.g. full_name IS NULL."),
    primary_key: identifier.optional().describe("The table's primary key column used to batch (default id)."),
    dedup: z.enum(["keep-oldest", "keep-newest", "none"]).optional().describe("add_unique_constraint: how to resolve existing duplicates."),
    referenced_by: z.array(z.string()).optional().describe("drop_table / dedup: child tables that reference this one as table(column)."),
  })
  .strict();

export const answersSchema = z
  .object({
    mode: z.enum(["plan", "troubleshoot"]).default("plan").describe("plan (default) or troubleshoot."),
    engine: z.enum(ENGINES).describe("The database engine."),
    engine_version: z
      .string()
      .regex(/^\d+(\.\d+){0,2}$/, "a version such as 16.2, 11 or 8.0.36")
      .describe('Engine version, e.g. "16.2", "11", "8.0.36". Quote it in YAML.'),
    operation: z.enum(OPERATIONS).optional().describe("The schema change."),
    table: tableName.optional().describe("The table, as the user spells it."),
    columns: z.array(columnSchema).optional().describe("The columns the operation touches."),
    approx_rows: z.number().int().nonnegative().optional().describe("Approximate number of rows in the table."),
    downtime_tolerance: z.enum(DOWNTIME).optional().describe("How long writes may be blocked: none, seconds, minutes."),
    rollback_need: z.enum(ROLLBACK).optional().describe("How far back you must be able to go: none, phase-level, full."),
    tool: z.enum(TOOLS).optional().describe("The migration tool the files are written for."),
    details: detailsSchema.optional().describe("Operation-specific fields."),
    // the tool tree's "help me choose" route
    stack: z.string().optional().describe("The application stack, when the tool was chosen from it (django, python, node, rails, go...)."),
    node_orm: z.string().optional().describe("Node.js stack: the ORM or query builder in use."),
    // troubleshoot mode
    symptom: z.string().optional().describe("troubleshoot: the chosen symptom."),
    error: z.string().optional().describe("troubleshoot: the error message text."),
    failure: z.string().optional().describe("troubleshoot: which database error the migration failed with."),
    history_problem: z.string().optional().describe("troubleshoot: what is wrong with the tool's history table."),
    slow_problem: z.string().optional().describe("troubleshoot: slow or blocking migration, which kind."),
    rollback_problem: z.string().optional().describe("troubleshoot: why a rollback is not possible or not safe."),
    failed_version: z.string().optional().describe("troubleshoot: the migration version that failed, from the error text."),
  })
  .catchall(z.unknown())
  .describe("migration-wizard answers file");

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
