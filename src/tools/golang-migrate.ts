/** golang-migrate: what troubleshooting knows about it and how a project using it is recognised. */
import { hasFile, type ToolModule } from "./types.js";

export const golangMigrate: ToolModule = {
  facts: {
    name: "golang-migrate",
    historyTable: () => "schema_migrations",
    historySql: () => "SELECT version, dirty FROM schema_migrations;",
    statusCommand: 'migrate -path migrations -database "$DATABASE_URL" version',
    markApplied: (v) => `migrate -path migrations -database "$DATABASE_URL" force ${v}`,
    clearFailed: (v) => `migrate -path migrations -database "$DATABASE_URL" force ${v}`,
    transactionalOnPostgres: false,
  },
  detect: (f) => hasFile(f, /^(db\/)?migrations\/\d+_[^/]+\.(up|down)\.sql$/),
};
