/**
 * Which migration tool a project uses, from the names of its files. Pure: `files` lists paths
 * relative to the project root, with `/`, a few levels deep.
 */
import type { Tool } from "../answers/schema.js";
import { DETECTION_ORDER, TOOL_MODULES } from "../tools/index.js";

/** The tool the project's files point to, or null when none does. */
export function detectTool(files: string[]): Tool | null {
  for (const tool of DETECTION_ORDER) if (TOOL_MODULES[tool].detect?.(files)) return tool;
  return null;
}

/**
 * Names at a folder's top that make it worth listing a few levels deep when it is only the working
 * directory (no --project): the files the rules above start from, and what any repository has. A
 * home folder or a scratch folder has none of them, so starting there costs one directory read.
 */
const PROJECT_MARKERS = /^(\.git|\.hg|package\.json|pyproject\.toml|setup\.py|setup\.cfg|requirements\.txt|Pipfile|go\.mod|pom\.xml|build\.gradle(\.kts)?|Cargo\.toml|composer\.json|mix\.exs|alembic\.ini|manage\.py|Gemfile|knexfile\.(js|cjs|mjs|ts)|prisma|drizzle\.config\.(js|cjs|mjs|ts|json)|flyway\.(conf|toml)|conf|liquibase\.properties|sqitch\.plan|migrations|db)$/;

export const looksLikeProject = (topNames: string[]): boolean => topNames.some((n) => PROJECT_MARKERS.test(n));
