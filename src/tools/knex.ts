/** knex: what troubleshooting knows about it and how a project using it is recognised. */
import { hasFile, type ToolModule } from "./types.js";

export const knex: ToolModule = {
  facts: {
    name: "Knex",
    historyTable: () => "knex_migrations",
    historySql: () => "SELECT id, name, batch, migration_time FROM knex_migrations ORDER BY id DESC LIMIT 20;",
    statusCommand: "npx knex migrate:status",
    markApplied: (v) =>
      `INSERT INTO knex_migrations (name, batch, migration_time) SELECT '${v}', COALESCE(MAX(batch), 0) + 1, CURRENT_TIMESTAMP FROM knex_migrations;  -- by hand: knex has no command for this`,
    clearFailed: () => "npx knex migrate:unlock",
    transactionalOnPostgres: true,
  },
  detect: (f) => hasFile(f, /^knexfile\.(js|cjs|mjs|ts)$/),
};
