/** rails: what troubleshooting knows about it and how a project using it is recognised. */
import { hasFile, sqlInsertNote, type ToolModule } from "./types.js";

export const rails: ToolModule = {
  facts: {
    name: "Rails (ActiveRecord)",
    historyTable: () => "schema_migrations",
    historySql: () => "SELECT version FROM schema_migrations ORDER BY version DESC LIMIT 20;",
    statusCommand: "bin/rails db:migrate:status",
    markApplied: (v) => sqlInsertNote("schema_migrations", "version", v),
    clearFailed: (v) => `DELETE FROM schema_migrations WHERE version > '${v}';  -- by hand, only for versions you undid`,
    transactionalOnPostgres: true,
  },
  detect: (f) => hasFile(f, /^Gemfile$/) && hasFile(f, /^db\/migrate\//),
};
