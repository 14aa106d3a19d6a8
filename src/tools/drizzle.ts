/** drizzle: what troubleshooting knows about it and how a project using it is recognised. */
import { hasFile, type ToolModule } from "./types.js";

export const drizzle: ToolModule = {
  facts: {
    name: "Drizzle Kit",
    historyTable: (e) => (e === "mysql" ? "__drizzle_migrations" : "drizzle.__drizzle_migrations"),
    historySql: (e) =>
      `SELECT id, hash, created_at FROM ${e === "mysql" ? "__drizzle_migrations" : "drizzle.__drizzle_migrations"} ORDER BY created_at DESC LIMIT 20;`,
    statusCommand: "npx drizzle-kit check",
    markApplied: (v) => `-- by hand: insert the hash and created_at of ${v} from drizzle/meta/_journal.json into __drizzle_migrations`,
    clearFailed: () => "-- drizzle records a migration only after it succeeds: nothing to clear",
    transactionalOnPostgres: true,
  },
  detect: (f) => hasFile(f, /^drizzle\.config\.(js|cjs|mjs|ts|json)$/),
};
