/** sqitch: what troubleshooting knows about it and how a project using it is recognised. */
import { hasFile, type ToolModule } from "./types.js";

export const sqitch: ToolModule = {
  facts: {
    name: "Sqitch",
    historyTable: () => "sqitch.changes",
    historySql: () => "SELECT change, committed_at, committer_name FROM sqitch.changes ORDER BY committed_at DESC LIMIT 20;",
    statusCommand: "sqitch status",
    markApplied: (v) => `sqitch deploy --log-only --to ${v}`,
    clearFailed: (v) => `sqitch revert --log-only --to ${v}`,
    transactionalOnPostgres: true,
  },
  detect: (f) => hasFile(f, /^sqitch\.plan$/),
};
