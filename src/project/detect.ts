/**
 * Which migration tool a project uses, from the names of its files. Pure: `files` lists paths
 * relative to the project root, with `/`, a few levels deep.
 */
import type { Tool } from "../answers/schema.js";

const has = (files: string[], re: RegExp) => files.some((f) => re.test(f));

/** In order of how specific the evidence is: a framework's own file beats a generic folder. */
const RULES: [Tool, (files: string[]) => boolean][] = [
  ["alembic", (f) => has(f, /^alembic\.ini$/) || (has(f, /^[^/]+\/env\.py$/) && has(f, /^[^/]+\/versions\//))],
  ["django", (f) => has(f, /^manage\.py$/) && has(f, /(^|\/)migrations\/__init__\.py$/)],
  ["rails", (f) => has(f, /^Gemfile$/) && has(f, /^db\/migrate\//)],
  ["knex", (f) => has(f, /^knexfile\.(js|cjs|mjs|ts)$/)],
  ["prisma", (f) => has(f, /^prisma\/schema\.prisma$/)],
  ["drizzle", (f) => has(f, /^drizzle\.config\.(js|cjs|mjs|ts|json)$/)],
  ["flyway", (f) => has(f, /^(conf\/)?flyway\.(conf|toml)$/)],
  ["liquibase", (f) => has(f, /^liquibase\.properties$/) || has(f, /^([^/]+\/)*?(db\.)?changelog(-master)?\.(xml|ya?ml|json)$/)],
  ["sqitch", (f) => has(f, /^sqitch\.plan$/)],
  ["node-pg-migrate", (f) => has(f, /^migrations\/\d+_[^/]+\.(js|cjs|mjs|ts)$/)],
  ["dbmate", (f) => has(f, /^db\/migrations\/\d+_[^/]+\.sql$/)],
  ["goose", (f) => has(f, /^(db\/)?migrations\/\d+_[^/]+\.sql$/) && !has(f, /\.(up|down)\.sql$/)],
  ["golang-migrate", (f) => has(f, /^(db\/)?migrations\/\d+_[^/]+\.(up|down)\.sql$/)],
];

/** The tool the project's files point to, or null when none does. */
export function detectTool(files: string[]): Tool | null {
  for (const [tool, test] of RULES) if (test(files)) return tool;
  return null;
}

/**
 * Names at a folder's top that make it worth listing a few levels deep when it is only the working
 * directory (no --project): the files the rules above start from, and what any repository has. A
 * home folder or a scratch folder has none of them, so starting there costs one directory read.
 */
const PROJECT_MARKERS = /^(\.git|\.hg|package\.json|pyproject\.toml|setup\.py|setup\.cfg|requirements\.txt|Pipfile|go\.mod|pom\.xml|build\.gradle(\.kts)?|Cargo\.toml|composer\.json|mix\.exs|alembic\.ini|manage\.py|Gemfile|knexfile\.(js|cjs|mjs|ts)|prisma|drizzle\.config\.(js|cjs|mjs|ts|json)|flyway\.(conf|toml)|conf|liquibase\.properties|sqitch\.plan|migrations|db)$/;

export const looksLikeProject = (topNames: string[]): boolean => topNames.some((n) => PROJECT_MARKERS.test(n));
