/** What the tool renderers need to know about an existing project to chain onto its history. */
import type { Tool } from "../answers/schema.js";

export interface ProjectHistory {
  tool: Tool;
  /** Alembic: the versions folder (relative to the project) and its single head revision, or null when empty. */
  alembic?: { versionsDir: string; head: string | null };
  /** Django: the app the change belongs to, its migrations folder, and its latest migration. */
  django?: { app: string; migrationsDir: string; last: string | null; lastNumber: number };
  /** Tools numbered 1, 2, 3 (Flyway V<n>, golang-migrate): the folder and the highest version in it. */
  numbered?: { dir: string; last: number };
}

/** A problem with the project (two heads, an app that cannot be chosen): a one-line usage error. */
export class ProjectError extends Error {}
