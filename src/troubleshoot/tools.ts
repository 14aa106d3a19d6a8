/**
 * What each migration tool keeps in the database and the commands that repair its bookkeeping.
 * Diagnoses that depend on the tool (dirty version, heads, history) read from here.
 */
import type { Engine, Tool } from "../answers/schema.js";
import type { Query } from "./diagnoses/types.js";

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

const sqlInsertNote = (table: string, column: string, v: string) =>
  `INSERT INTO ${table} (${column}) VALUES ('${v}');  -- by hand: the tool has no command for this`;

export const TOOL_FACTS: Record<Tool, ToolFacts> = {
  "raw-sql": {
    name: "plain SQL files",
    statusCommand: "(no tool: compare the files with what the database has, using the queries below)",
    markApplied: (v) => `-- keep your own record that ${v} is applied`,
    clearFailed: (v) => `-- keep your own record that ${v} is the last applied file`,
    transactionalOnPostgres: false,
  },
  alembic: {
    name: "Alembic",
    historyTable: () => "alembic_version",
    historySql: () => "SELECT version_num FROM alembic_version;",
    statusCommand: "alembic current && alembic history --indicate-current",
    markApplied: (v) => `alembic stamp ${v}`,
    clearFailed: (v) => `alembic stamp ${v}`,
    transactionalOnPostgres: true,
  },
  django: {
    name: "Django migrations",
    historyTable: () => "django_migrations",
    historySql: () => "SELECT app, name, applied FROM django_migrations ORDER BY id DESC LIMIT 20;",
    statusCommand: "python manage.py showmigrations",
    markApplied: (v) => `python manage.py migrate <app> ${v} --fake`,
    clearFailed: (v) => `python manage.py migrate <app> ${v} --fake`,
    transactionalOnPostgres: true,
  },
  knex: {
    name: "Knex",
    historyTable: () => "knex_migrations",
    historySql: () => "SELECT id, name, batch, migration_time FROM knex_migrations ORDER BY id DESC LIMIT 20;",
    statusCommand: "npx knex migrate:status",
    markApplied: (v) =>
      `INSERT INTO knex_migrations (name, batch, migration_time) SELECT '${v}', COALESCE(MAX(batch), 0) + 1, CURRENT_TIMESTAMP FROM knex_migrations;  -- by hand: knex has no command for this`,
    clearFailed: () => "npx knex migrate:unlock",
    transactionalOnPostgres: true,
  },
  prisma: {
    name: "Prisma Migrate",
    historyTable: () => "_prisma_migrations",
    historySql: () =>
      "SELECT migration_name, started_at, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY started_at DESC LIMIT 20;",
    statusCommand: "npx prisma migrate status",
    markApplied: (v) => `npx prisma migrate resolve --applied ${v}`,
    clearFailed: (v) => `npx prisma migrate resolve --rolled-back ${v}`,
    transactionalOnPostgres: true,
  },
  rails: {
    name: "Rails (ActiveRecord)",
    historyTable: () => "schema_migrations",
    historySql: () => "SELECT version FROM schema_migrations ORDER BY version DESC LIMIT 20;",
    statusCommand: "bin/rails db:migrate:status",
    markApplied: (v) => sqlInsertNote("schema_migrations", "version", v),
    clearFailed: (v) => `DELETE FROM schema_migrations WHERE version > '${v}';  -- by hand, only for versions you undid`,
    transactionalOnPostgres: true,
  },
  flyway: {
    name: "Flyway",
    historyTable: () => "flyway_schema_history",
    historySql: () =>
      "SELECT installed_rank, version, description, script, success, installed_on FROM flyway_schema_history ORDER BY installed_rank DESC LIMIT 20;",
    statusCommand: "flyway info",
    markApplied: () => "flyway repair   # after the failed script's work is finished by hand, then: flyway migrate",
    clearFailed: () => "flyway repair",
    transactionalOnPostgres: true,
  },
  liquibase: {
    name: "Liquibase",
    historyTable: (e) => (e === "mysql" ? "DATABASECHANGELOG" : "databasechangelog"),
    historySql: (e) =>
      `SELECT id, author, filename, dateexecuted, exectype FROM ${e === "mysql" ? "DATABASECHANGELOG" : "databasechangelog"} ORDER BY orderexecuted DESC LIMIT 20;`,
    statusCommand: "liquibase status --verbose",
    markApplied: () => "liquibase changelog-sync   # marks every pending changeset as run: check `liquibase status` first",
    clearFailed: () => "liquibase release-locks",
    transactionalOnPostgres: true,
  },
  "golang-migrate": {
    name: "golang-migrate",
    historyTable: () => "schema_migrations",
    historySql: () => "SELECT version, dirty FROM schema_migrations;",
    statusCommand: 'migrate -path migrations -database "$DATABASE_URL" version',
    markApplied: (v) => `migrate -path migrations -database "$DATABASE_URL" force ${v}`,
    clearFailed: (v) => `migrate -path migrations -database "$DATABASE_URL" force ${v}`,
    transactionalOnPostgres: false,
  },
  goose: {
    name: "goose",
    historyTable: () => "goose_db_version",
    historySql: () => "SELECT id, version_id, is_applied, tstamp FROM goose_db_version ORDER BY id DESC LIMIT 20;",
    statusCommand: 'goose -dir migrations "$GOOSE_DRIVER" "$GOOSE_DBSTRING" status',
    markApplied: (v) => `INSERT INTO goose_db_version (version_id, is_applied) VALUES (${v}, true);  -- by hand: goose has no command for this`,
    clearFailed: (v) => `DELETE FROM goose_db_version WHERE version_id > ${v};  -- by hand, only for versions you undid`,
    transactionalOnPostgres: true,
  },
  "node-pg-migrate": {
    name: "node-pg-migrate",
    historyTable: () => "pgmigrations",
    historySql: () => "SELECT id, name, run_on FROM pgmigrations ORDER BY id DESC LIMIT 20;",
    statusCommand: "npx node-pg-migrate up --dry-run",
    markApplied: (v) => `npx node-pg-migrate up --fake ${v}`,
    clearFailed: (v) => `DELETE FROM pgmigrations WHERE name = '${v}';  -- by hand, only for a migration you undid`,
    transactionalOnPostgres: true,
  },
  drizzle: {
    name: "Drizzle Kit",
    historyTable: (e) => (e === "mysql" ? "__drizzle_migrations" : "drizzle.__drizzle_migrations"),
    historySql: (e) =>
      `SELECT id, hash, created_at FROM ${e === "mysql" ? "__drizzle_migrations" : "drizzle.__drizzle_migrations"} ORDER BY created_at DESC LIMIT 20;`,
    statusCommand: "npx drizzle-kit check",
    markApplied: (v) => `-- by hand: insert the hash and created_at of ${v} from drizzle/meta/_journal.json into __drizzle_migrations`,
    clearFailed: () => "-- drizzle records a migration only after it succeeds: nothing to clear",
    transactionalOnPostgres: true,
  },
  dbmate: {
    name: "dbmate",
    historyTable: () => "schema_migrations",
    historySql: () => "SELECT version FROM schema_migrations ORDER BY version DESC LIMIT 20;",
    statusCommand: "dbmate status",
    markApplied: (v) => sqlInsertNote("schema_migrations", "version", v),
    clearFailed: (v) => `DELETE FROM schema_migrations WHERE version = '${v}';  -- by hand, only for a migration you undid`,
    transactionalOnPostgres: true,
  },
  sqitch: {
    name: "Sqitch",
    historyTable: () => "sqitch.changes",
    historySql: () => "SELECT change, committed_at, committer_name FROM sqitch.changes ORDER BY committed_at DESC LIMIT 20;",
    statusCommand: "sqitch status",
    markApplied: (v) => `sqitch deploy --log-only --to ${v}`,
    clearFailed: (v) => `sqitch revert --log-only --to ${v}`,
    transactionalOnPostgres: true,
  },
};

export function toolFacts(tool: Tool | undefined): ToolFacts {
  return TOOL_FACTS[tool ?? "raw-sql"];
}

/** The query that shows the tool's history, when the tool keeps one. */
export function historyQuery(tool: Tool | undefined, engine: Engine): Query[] {
  const facts = toolFacts(tool);
  if (!facts.historySql) return [];
  return [
    {
      purpose: `What ${facts.name} believes is applied (its table ${facts.historyTable!(engine)})`,
      sql: facts.historySql(engine),
      expect: "Compare the newest entries with the migration files and with what the schema queries show.",
      history: true,
    },
  ];
}
