/** flyway: what troubleshooting knows about it and how a project using it is recognised. */
import { hasFile, type ToolModule } from "./types.js";

export const flyway: ToolModule = {
  facts: {
    name: "Flyway",
    historyTable: () => "flyway_schema_history",
    historySql: () =>
      "SELECT installed_rank, version, description, script, success, installed_on FROM flyway_schema_history ORDER BY installed_rank DESC LIMIT 20;",
    statusCommand: "flyway info",
    markApplied: () => "flyway repair   # after the failed script's work is finished by hand, then: flyway migrate",
    clearFailed: () => "flyway repair",
    transactionalOnPostgres: true,
  },
  detect: (f) => hasFile(f, /^(conf\/)?flyway\.(conf|toml)$/),
};
