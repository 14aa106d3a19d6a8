/** prisma: what troubleshooting knows about it and how a project using it is recognised. */
import { hasFile, type ToolModule } from "./types.js";

export const prisma: ToolModule = {
  facts: {
    name: "Prisma Migrate",
    historyTable: () => "_prisma_migrations",
    historySql: () =>
      "SELECT migration_name, started_at, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY started_at DESC LIMIT 20;",
    statusCommand: "npx prisma migrate status",
    markApplied: (v) => `npx prisma migrate resolve --applied ${v}`,
    clearFailed: (v) => `npx prisma migrate resolve --rolled-back ${v}`,
    transactionalOnPostgres: true,
  },
  detect: (f) => hasFile(f, /^prisma\/schema\.prisma$/),
};
