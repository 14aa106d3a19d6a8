/**
 * MariaDB's version-dependent facts: the same questions as MySQL's, answered by MariaDB's own versions.
 * Sources: mariadb.com/kb "InnoDB Online DDL Operations with the INSTANT Alter Algorithm" (instant ADD,
 * DROP and reorder since 10.4), "ALTER TABLE" (RENAME COLUMN since 10.5.2), "CONSTRAINT" (CHECK enforced
 * since 10.2.1), "Ignored Indexes" (10.6.0), "max_statement_time" (10.1.1, seconds).
 */
import type { MysqlFamilyCapability } from "./mysql.js";
import type { CapabilityTable, EngineModule } from "./types.js";

const INSTANT = "mariadb.com/kb/en/innodb-online-ddl-operations-with-the-instant-alter-algorithm/";
const ALTER = "mariadb.com/kb/en/alter-table/";

export const MARIADB_CAPABILITIES: CapabilityTable<MysqlFamilyCapability> = {
  instantAddColumn: { since: "10.3.2", source: INSTANT, meaning: "ADD COLUMN with ALGORITHM=INSTANT (appended)." },
  instantAddColumnAnyPosition: { since: "10.4.0", source: INSTANT, meaning: "INSTANT ADD COLUMN at any position, and reordering." },
  instantDropColumn: { since: "10.4.0", source: INSTANT, meaning: "DROP COLUMN with ALGORITHM=INSTANT (not for a column in an index)." },
  renameColumnSyntax: { since: "10.5.2", source: `${ALTER} (RENAME COLUMN)`, meaning: "ALTER TABLE ... RENAME COLUMN a TO b." },
  instantRenameColumn: { since: "10.5.2", source: INSTANT, meaning: "RENAME COLUMN with ALGORITHM=INSTANT." },
  renameIndexSyntax: { since: "10.5.2", source: `${ALTER} (RENAME INDEX)`, meaning: "ALTER TABLE ... RENAME INDEX a TO b." },
  checkConstraintsEnforced: { since: "10.2.1", source: "mariadb.com/kb/en/constraint/", meaning: "CHECK constraints are enforced." },
  invisibleIndexes: { since: null, source: "mariadb.com/kb/en/ignored-indexes/ (MariaDB has IGNORED, not INVISIBLE)", meaning: "ALTER INDEX ... INVISIBLE (MySQL syntax)." },
  ignoredIndexes: { since: "10.6.0", source: "mariadb.com/kb/en/ignored-indexes/", meaning: "ALTER INDEX ... IGNORED / NOT IGNORED." },
  dropCheckSyntax: { since: null, source: `${ALTER} (DROP CONSTRAINT)`, meaning: "ALTER TABLE ... DROP CHECK (MariaDB: DROP CONSTRAINT)." },
  instantRowVersionLimit: { since: null, source: `${INSTANT} (no INNODB_TABLES.TOTAL_ROW_VERSIONS)`, meaning: "MySQL's 64 row-version limit." },
  createSelectWithGtid: { since: "10.0.2", source: "mariadb.com/kb/en/gtid/ (no enforce_gtid_consistency restriction)", meaning: "CREATE TABLE ... SELECT with GTIDs." },
  statementTimeoutMs: { since: null, source: "mariadb.com/kb/en/server-system-variables/#max_statement_time (seconds, not max_execution_time)", meaning: "SET SESSION max_execution_time." },
  enforcedColumn: { since: null, source: "mariadb.com/kb/en/information-schema-table_constraints-table/ (no ENFORCED column: CHECK is always enforced)", meaning: "information_schema.TABLE_CONSTRAINTS.ENFORCED." },
  windowFunctions: { since: "10.2.0", source: "mariadb.com/kb/en/window-functions/", meaning: "ROW_NUMBER() OVER (...)." },
};

export const mariadb: EngineModule<MysqlFamilyCapability> = {
  engine: "mariadb",
  label: "MariaDB",
  dialect: "mysql",
  // LTS lines 10.6, 10.11, 11.4, 11.8; 10.5 for teams still on it.
  knownVersions: ["10.5", "10.6", "10.11", "11.4", "11.8"],
  capabilities: MARIADB_CAPABILITIES,
};
