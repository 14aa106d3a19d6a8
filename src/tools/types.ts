/** What one migration tool's module holds: the facts troubleshooting uses and how project detection recognises it. */
import type { Engine } from "../answers/schema.js";

export interface ToolFacts {
  /** Human name. */
  name: string;
  /** The table where the tool records applied migrations, as it is named on this engine. */
  historyTable?: (engine: Engine) => string;
  /** A read-only query listing the latest history entries. */
  historySql?: (engine: Engine) => string;
  /** Shows applied and pending migrations. */
  statusCommand: string;
  /** Records a migration as applied without running it (after finishing its statements by hand). */
  markApplied: (version: string) => string;
  /** Clears a failed or dirty entry so the migration can run again (after undoing its partial work by hand). */
  clearFailed: (previousVersion: string) => string;
  /** Whether the tool runs each migration in a transaction on PostgreSQL by default. */
  transactionalOnPostgres: boolean;
}

export interface ToolModule {
  facts: ToolFacts;
  /**
   * Whether a project's files point to this tool. `files` lists paths relative to the project root, with `/`,
   * a few levels deep. Absent: the tool leaves no file to recognise it by (plain SQL).
   */
  detect?: (files: string[]) => boolean;
}

/** Whether any of the files matches. */
export const hasFile = (files: string[], re: RegExp) => files.some((f) => re.test(f));

export const sqlInsertNote = (table: string, column: string, v: string) =>
  `INSERT INTO ${table} (${column}) VALUES ('${v}');  -- by hand: the tool has no command for this`;
