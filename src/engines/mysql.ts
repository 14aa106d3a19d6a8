/** MySQL's version-dependent facts. Sources: the MySQL 8.0/8.4 Reference Manual, "Online DDL Operations" (innodb-online-ddl-operations) unless named. */
import type { CapabilityTable, EngineModule } from "./types.js";

const ONLINE_DDL = "dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html";

/** Names shared by the MySQL family (MySQL and MariaDB answer the same questions with different versions). */
export type MysqlFamilyCapability =
  | "instantAddColumn"
  | "instantAddColumnAnyPosition"
  | "instantDropColumn"
  | "renameColumnSyntax"
  | "instantRenameColumn"
  | "renameIndexSyntax"
  | "checkConstraintsEnforced"
  | "invisibleIndexes"
  | "ignoredIndexes"
  | "dropCheckSyntax"
  | "instantRowVersionLimit"
  | "createSelectWithGtid"
  | "statementTimeoutMs"
  | "windowFunctions"
  | "enforcedColumn";

export const MYSQL_CAPABILITIES: CapabilityTable<MysqlFamilyCapability> = {
  instantAddColumn: { since: "8.0.12", source: ONLINE_DDL, meaning: "ADD COLUMN with ALGORITHM=INSTANT (as the last column)." },
  instantAddColumnAnyPosition: { since: "8.0.29", source: ONLINE_DDL, meaning: "INSTANT ADD COLUMN at any position (FIRST/AFTER)." },
  instantDropColumn: { since: "8.0.29", source: ONLINE_DDL, meaning: "DROP COLUMN with ALGORITHM=INSTANT (not for a column in an index)." },
  renameColumnSyntax: { since: "8.0.3", source: "dev.mysql.com/doc/refman/8.0/en/alter-table.html (RENAME COLUMN)", meaning: "ALTER TABLE ... RENAME COLUMN a TO b." },
  instantRenameColumn: { since: "8.0.28", source: ONLINE_DDL, meaning: "RENAME COLUMN with ALGORITHM=INSTANT." },
  renameIndexSyntax: { since: "5.7", source: `${ONLINE_DDL} (Renaming an index: in place, metadata only; in every 5.7 GA release)`, meaning: "ALTER TABLE ... RENAME INDEX a TO b." },
  checkConstraintsEnforced: { since: "8.0.16", source: "dev.mysql.com/doc/refman/8.0/en/create-table-check-constraints.html", meaning: "CHECK constraints are enforced (parsed and ignored before)." },
  invisibleIndexes: { since: "8.0.0", source: "dev.mysql.com/doc/refman/8.0/en/invisible-indexes.html", meaning: "ALTER INDEX ... INVISIBLE / VISIBLE." },
  ignoredIndexes: { since: null, source: "mariadb.com/kb/en/ignored-indexes/ (MariaDB only)", meaning: "ALTER INDEX ... IGNORED / NOT IGNORED." },
  // DROP CHECK came with enforced CHECK constraints in 8.0.16; the generic DROP CONSTRAINT only in 8.0.19.
  dropCheckSyntax: { since: "8.0.16", source: "dev.mysql.com/doc/refman/8.0/en/create-table-check-constraints.html", meaning: "ALTER TABLE ... DROP CHECK name." },
  instantRowVersionLimit: {
    since: "8.0.29",
    source: `${ONLINE_DDL} (INFORMATION_SCHEMA.INNODB_TABLES.TOTAL_ROW_VERSIONS)`,
    meaning: "At most 64 instant row versions per table; INSTANT is refused after that until a rebuild.",
  },
  createSelectWithGtid: { since: "8.0.21", source: "dev.mysql.com/doc/refman/8.0/en/replication-gtids-restrictions.html", meaning: "CREATE TABLE ... SELECT allowed with enforce_gtid_consistency=ON." },
  statementTimeoutMs: { since: "5.7.8", source: "dev.mysql.com/doc/refman/8.0/en/server-system-variables.html#sysvar_max_execution_time", meaning: "SET SESSION max_execution_time (milliseconds, SELECT only)." },
  enforcedColumn: { since: "8.0.16", source: "dev.mysql.com/doc/refman/8.0/en/information-schema-table-constraints-table.html", meaning: "information_schema.TABLE_CONSTRAINTS has an ENFORCED column." },
  windowFunctions: { since: "8.0.2", source: "dev.mysql.com/doc/refman/8.0/en/window-functions.html", meaning: "ROW_NUMBER() OVER (...)." },
};

export const mysql: EngineModule<MysqlFamilyCapability> = {
  engine: "mysql",
  label: "MySQL",
  dialect: "mysql",
  // 8.0 reached end of life in April 2026; 8.4 is the LTS line, 9.x the innovation line.
  knownVersions: ["5.7", "8.0", "8.4", "9.0", "9.1", "9.2", "9.3", "9.4", "9.5"],
  capabilities: MYSQL_CAPABILITIES,
};
