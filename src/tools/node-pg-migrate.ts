/** node-pg-migrate: what troubleshooting knows about it and how a project using it is recognised. */
import { hasFile, type ToolModule } from "./types.js";

export const nodePgMigrate: ToolModule = {
  facts: {
    name: "node-pg-migrate",
    historyTable: () => "pgmigrations",
    historySql: () => "SELECT id, name, run_on FROM pgmigrations ORDER BY id DESC LIMIT 20;",
    statusCommand: "npx node-pg-migrate up --dry-run",
    markApplied: (v) => `npx node-pg-migrate up --fake ${v}`,
    clearFailed: (v) => `DELETE FROM pgmigrations WHERE name = '${v}';  -- by hand, only for a migration you undid`,
    transactionalOnPostgres: true,
  },
  detect: (f) => hasFile(f, /^migrations\/\d+_[^/]+\.(js|cjs|mjs|ts)$/),
};
