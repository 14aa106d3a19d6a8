/** liquibase: what troubleshooting knows about it and how a project using it is recognised. */
import { hasFile, type ToolModule } from "./types.js";

export const liquibase: ToolModule = {
  facts: {
    name: "Liquibase",
    historyTable: (e) => (e === "mysql" ? "DATABASECHANGELOG" : "databasechangelog"),
    historySql: (e) =>
      `SELECT id, author, filename, dateexecuted, exectype FROM ${e === "mysql" ? "DATABASECHANGELOG" : "databasechangelog"} ORDER BY orderexecuted DESC LIMIT 20;`,
    statusCommand: "liquibase status --verbose",
    markApplied: () => "liquibase changelog-sync   # marks every pending changeset as run: check `liquibase status` first",
    clearFailed: () => "liquibase release-locks",
    transactionalOnPostgres: true,
  },
  detect: (f) => hasFile(f, /^liquibase\.properties$/) || hasFile(f, /^([^/]+\/)*?(db\.)?changelog(-master)?\.(xml|ya?ml|json)$/),
};
