/**
 * The plan model: typed data that every renderer (PLAN.md, each tool, JSON) reads.
 * `plan --json` prints a `Plan`; its field names are a public contract.
 */
import type { Answers, Engine } from "../answers/schema.js";

export const PLAN_FORMAT_VERSION = 1;

export type PhaseKind = "expand" | "backfill" | "deploy" | "switch" | "contract" | "verify";

/**
 * Lock names as the engine names them. PostgreSQL: the table-level lock modes
 * ("ACCESS EXCLUSIVE", "SHARE", "SHARE UPDATE EXCLUSIVE", "SHARE ROW EXCLUSIVE",
 * "ROW EXCLUSIVE", ...). MySQL: the online DDL terms ("INSTANT", "INPLACE, LOCK=NONE",
 * "COPY, LOCK=SHARED", "metadata lock"...). "none" for statements that lock nothing.
 */
export type LockName = string;

export interface Statement {
  sql: string;
  /** false: must run outside a transaction block (CREATE INDEX CONCURRENTLY, a batched DO loop that commits...). */
  transaction: boolean;
  /** The strongest table lock the statement takes, as the engine names it. */
  lock: LockName;
  /** Tables the lock is taken on (unqualified or schema-qualified, unquoted). */
  lockedTables?: string[];
  /** Whether the statement rewrites the table (every row copied, indexes rebuilt). */
  rewrite: boolean;
  /** Whether it reads every row (scan) while holding `lock`. */
  scan?: boolean;
  /** Why this statement is written this way; shown in PLAN.md. */
  why?: string;
  /** A session setting, not a schema change (SET lock_timeout ...). */
  setting?: boolean;
  /** Re-runs the previous phase's checks and raises when one fails: blocks this phase until that one is complete. */
  guard?: boolean;
  /** A batched data change: repeat until no rows are left (the SQL is one complete, resumable run). */
  batched?: { table: string; batchSize: number; pauseMs: number };
  /**
   * What the statement does, as data, set where it is built: renderers read this (a tool's own helper for
   * it, a model change), never the SQL text. Absent: the statement is opaque SQL to every renderer. Several
   * when one statement does several things (a retry block around an ALTER and its LOCK TABLE...).
   */
  effects?: StatementEffect[];
}

/** A table as effects name it: unqualified, with its schema apart. */
export interface TableRef {
  table: string;
  schema?: string;
}

export type ConstraintKind = "foreign_key" | "unique" | "check" | "not_null" | "primary_key" | "exclusion";

export type StatementEffect =
  | (TableRef & {
      kind: "create_index";
      name: string;
      columns: string[];
      unique: boolean;
      concurrent: boolean;
      /** Columns only: no expression, method, predicate, INCLUDE or IF NOT EXISTS (what tool helpers express exactly). */
      plain: boolean;
    })
  | (TableRef & { kind: "drop_index"; name: string; concurrent: boolean })
  | (TableRef & { kind: "add_column"; column: string })
  | (TableRef & { kind: "drop_column"; column: string })
  | (TableRef & { kind: "rename_column"; from: string; to: string })
  /** The column's type changes in place (ALTER COLUMN ... TYPE, MODIFY). */
  | (TableRef & { kind: "alter_column_type"; column: string })
  /** The column becomes NOT NULL (SET NOT NULL, MODIFY ... NOT NULL). */
  | (TableRef & { kind: "set_not_null"; column: string })
  | (TableRef & { kind: "add_constraint"; constraint: ConstraintKind; name: string; validated: boolean })
  | (TableRef & { kind: "validate_constraint"; constraint: ConstraintKind; name: string })
  /** A DO block that retries the statements it wraps on lock timeout or deadlock (their effects follow this one). */
  | { kind: "lock_retry" }
  /** A session setting (SET lock_timeout ...): `name` is what it sets, lower-case. */
  | { kind: "setting"; name: string };

export interface Check {
  /** What the check proves, in words. */
  description: string;
  /** A read-only query that returns one row with a boolean column `ok`. */
  sql: string;
}

export interface Phase {
  /** Stable id, e.g. "01-expand"; file names derive from it. */
  id: string;
  /** Short human title, e.g. "Add the column (nullable, no default)". */
  title: string;
  kind: PhaseKind;
  /** Why this phase exists and what it makes possible, for a newcomer. */
  why: string;
  statements: Statement[];
  /** Statements that undo this phase, in order. Absent when `irreversible` is set. */
  rollback?: Statement[];
  /** Why this phase cannot be undone (data gone, enum value added...). */
  irreversible?: string;
  /** What the application must do (deployed) before the next phase starts. */
  deploy?: string;
  /** Checks to run after the phase. */
  checks: Check[];
  /** How long the phase may take at the stated size, and what the estimate rests on. */
  estimate?: string;
  /** What to do when the lock timeout fires. */
  onLockTimeout?: string;
  /** Run by an online schema change tool (gh-ost, pt-online-schema-change) instead of SQL: `statements` is then empty. */
  external?: ExternalRun;
}

/** A table rebuild run by gh-ost or pt-online-schema-change: shell commands with every name encoded for the shell. */
export interface ExternalRun {
  tool: "gh-ost" | "pt-online-schema-change";
  /** The rehearsal: checks everything and changes nothing (gh-ost without --execute, pt-osc --dry-run). */
  rehearse: string;
  /** The real run, only after the rehearsal succeeded. */
  execute: string;
  /** How and when the new table replaces the old one. */
  cutOver: string;
  /** How to undo the phase, before and after the cut-over. */
  rollback: string;
}

export interface Plan {
  version: number;
  answers: Answers;
  engine: Engine;
  engineVersion: string;
  /** One line: what the plan does. */
  summary: string;
  /** The strategy and why it was chosen (single phase, expand/contract, window...). */
  strategy: string;
  phases: Phase[];
  warnings: string[];
  /** Pre-flight checklist items. */
  checklist: string[];
  /** Paths written or, with --dry-run, to be written (relative to --out). */
  files: string[];
  /** With a schema snapshot (--database-url, --schema): what was read from the database and what is assumed. */
  schemaFacts?: { source: string; read: string[]; assumed: string[] };
}
