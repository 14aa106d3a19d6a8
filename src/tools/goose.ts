/** goose: what troubleshooting knows about it and how a project using it is recognised. */
import { hasFile, type ToolModule } from "./types.js";

export const goose: ToolModule = {
  facts: {
    name: "goose",
    historyTable: () => "goose_db_version",
    historySql: () => "SELECT id, version_id, is_applied, tstamp FROM goose_db_version ORDER BY id DESC LIMIT 20;",
    statusCommand: 'goose -dir migrations "$GOOSE_DRIVER" "$GOOSE_DBSTRING" status',
    markApplied: (v) => `INSERT INTO goose_db_version (version_id, is_applied) VALUES (${v}, true);  -- by hand: goose has no command for this`,
    clearFailed: (v) => `DELETE FROM goose_db_version WHERE version_id > ${v};  -- by hand, only for versions you undid`,
    transactionalOnPostgres: true,
  },
  detect: (f) => hasFile(f, /^(db\/)?migrations\/\d+_[^/]+\.sql$/) && !hasFile(f, /\.(up|down)\.sql$/),
};
