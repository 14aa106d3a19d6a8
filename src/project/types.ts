/** What the tool renderers need to know about an existing project to chain onto its history. */
import type { Tool } from "../answers/schema.js";

/** A project file the plan edits (appends to): its path and the content it had when read. */
export interface ProjectFile {
  path: string;
  content: string;
}

export interface ProjectHistory {
  tool: Tool;
  /** Alembic: the versions folder (relative to the project) and its single head revision, or null when empty. */
  alembic?: { versionsDir: string; head: string | null };
  /** Django: the app the change belongs to, its migrations folder, and its latest migration. */
  django?: { app: string; migrationsDir: string; last: string | null; lastNumber: number };
  /** Tools numbered 1, 2, 3 (Flyway V<n>, golang-migrate): the folder and the highest version in it. */
  numbered?: { dir: string; last: number };
  /**
   * Tools whose file names start with a version (goose, dbmate, Rails, Knex, node-pg-migrate, Prisma): the folder
   * and the newest version as written (`20240102030405` timestamp, `1700000000000` milliseconds, `00012` sequence), or null.
   */
  versioned?: { dir: string; last: string | null };
  /** Knex, node-pg-migrate: the extension of CommonJS files, `cjs` when the project's package.json says `"type": "module"`. */
  commonJs?: "js" | "cjs";
  /** Rails: the `major.minor` of Rails (or ActiveRecord) in Gemfile.lock, which the files' Migration[x.y] must name. */
  railsVersion?: string;
  /** Drizzle: the migrations folder (drizzle.config's `out`) and its journal, or null when it has none yet. */
  drizzle?: { dir: string; journal: ProjectFile | null };
  /** Sqitch: the project's plan, and the last change in it (null when it has none). */
  sqitch?: { plan: ProjectFile; last: string | null; changes: string[] };
  /** Liquibase: the master changelog the new changelog is included from. */
  liquibase?: { master: ProjectFile; format: "xml" | "yaml" };
}

/** A problem with the project (two heads, an app that cannot be chosen): a one-line usage error. */
export class ProjectError extends Error {}
