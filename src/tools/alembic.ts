/** alembic: what troubleshooting knows about it and how a project using it is recognised. */
import { hasFile, type ToolModule } from "./types.js";

export const alembic: ToolModule = {
  facts: {
    name: "Alembic",
    historyTable: () => "alembic_version",
    historySql: () => "SELECT version_num FROM alembic_version;",
    statusCommand: "alembic current && alembic history --indicate-current",
    markApplied: (v) => `alembic stamp ${v}`,
    clearFailed: (v) => `alembic stamp ${v}`,
    transactionalOnPostgres: true,
  },
  detect: (f) => hasFile(f, /^alembic\.ini$/) || (hasFile(f, /^[^/]+\/env\.py$/) && hasFile(f, /^[^/]+\/versions\//)),
};
