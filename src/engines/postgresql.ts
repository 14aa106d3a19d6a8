/** PostgreSQL's version-dependent facts. Sources: the PostgreSQL manual (ALTER TABLE, CREATE INDEX, DO) and release notes. */
import type { CapabilityTable, EngineModule } from "./types.js";

export type PostgresCapability =
  | "fastColumnDefault"
  | "commitInDo"
  | "executeFunctionTrigger"
  | "reindexConcurrently"
  | "notNullFromValidCheck"
  | "enumAddValueInTransaction"
  | "concurrentIndexCorruptionBug"
  | "notNullNotValid"
  | "timestamptzWithoutRewrite";

const REL = "postgresql.org/docs/release/";

export const POSTGRES_CAPABILITIES: CapabilityTable<PostgresCapability> = {
  fastColumnDefault: { since: "11", source: `${REL}11.0/`, meaning: "ADD COLUMN with a non-volatile default is catalog only." },
  commitInDo: { since: "11", source: "postgresql.org/docs/11/plpgsql-transactions.html", meaning: "COMMIT inside a DO block run outside a transaction." },
  executeFunctionTrigger: { since: "11", source: "postgresql.org/docs/11/sql-createtrigger.html", meaning: "CREATE TRIGGER ... EXECUTE FUNCTION." },
  reindexConcurrently: { since: "12", source: "postgresql.org/docs/12/sql-reindex.html", meaning: "REINDEX ... CONCURRENTLY." },
  notNullFromValidCheck: { since: "12", source: "postgresql.org/docs/12/sql-altertable.html", meaning: "SET NOT NULL skips its scan when a valid CHECK (col IS NOT NULL) exists." },
  enumAddValueInTransaction: { since: "12", source: "postgresql.org/docs/12/sql-altertype.html", meaning: "ALTER TYPE ... ADD VALUE inside a transaction block." },
  concurrentIndexCorruptionBug: { since: "14", until: "14.4", source: `${REL}14.4/`, meaning: "CREATE/REINDEX CONCURRENTLY can corrupt indexes." },
  notNullNotValid: { since: "18", source: "postgresql.org/docs/18/sql-altertable.html", meaning: "ADD CONSTRAINT ... NOT NULL ... NOT VALID." },
  timestamptzWithoutRewrite: { since: "12", source: `${REL}12.0/`, meaning: "ALTER COLUMN ... TYPE timestamptz from timestamp skips the rewrite when the session TimeZone is UTC." },
};

export const postgresql: EngineModule<PostgresCapability> = {
  engine: "postgresql",
  label: "PostgreSQL",
  dialect: "postgresql",
  knownVersions: ["10", "11", "12", "13", "14", "15", "16", "17", "18"],
  capabilities: POSTGRES_CAPABILITIES,
};
