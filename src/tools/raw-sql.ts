/** raw-sql: what troubleshooting knows about it and how a project using it is recognised. */
import type { ToolModule } from "./types.js";

export const rawSql: ToolModule = {
  facts: {
    name: "plain SQL files",
    statusCommand: "(no tool: compare the files with what the database has, using the queries below)",
    markApplied: (v) => `-- keep your own record that ${v} is applied`,
    clearFailed: (v) => `-- keep your own record that ${v} is the last applied file`,
    transactionalOnPostgres: false,
  },
};
