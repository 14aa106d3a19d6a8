/** An INVALID index left by a failed or interrupted CREATE INDEX CONCURRENTLY. */
import { capabilities } from "../../engines/index.js";
import { effect } from "../../plan/effects.js";
import { INVALID_INDEXES_SQL, lit, qi, qt } from "./common.js";
import type { Diagnosis, DiagnosisInput, DiagnosisReport, RepairPhase } from "./types.js";

/** MySQL builds an index atomically: nothing INVALID is left, only the build to run again. */
function mysqlReport(input: DiagnosisInput, idx: string, cols: string, unique: boolean): DiagnosisReport {
  const { engine, names } = input;
  return {
    id: invalidIndex.id,
    title: invalidIndex.title,
    summary: "MySQL has no INVALID indexes: a failed index build is rolled back whole. Check what the table has and build the index again.",
    what: [
      "INVALID indexes are a PostgreSQL state: CREATE INDEX CONCURRENTLY commits in stages, so a failure leaves the half-built index behind. MySQL's online index build (ALGORITHM=INPLACE, LOCK=NONE) is atomic: when it fails (duplicate entry, lock wait timeout, a too-large row log) the index is not there afterwards.",
      "What can be left over on MySQL is earlier statements of the same migration, because each DDL statement commits on its own.",
    ],
    confirm: [
      {
        purpose: `The indexes ${names.table} has now`,
        sql: `SELECT index_name, non_unique, GROUP_CONCAT(column_name ORDER BY seq_in_index) AS columns FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ${lit(names.table.split(".").pop()!)} GROUP BY index_name, non_unique;`,
        expect: `${names.indexName} is absent if its build failed.`,
      },
    ],
    repair: [
      { text: "Find why the build failed (the error message: duplicates, lock wait timeout, innodb_online_alter_log_max_size) and fix that first." },
      { text: "Build the index again, online:", sql: `ALTER TABLE ${qt(engine, names.table)} ADD ${unique ? "UNIQUE " : ""}INDEX ${idx} (${cols}), ALGORITHM=INPLACE, LOCK=NONE;` },
    ],
    avoid: ["Do not drop and recreate other indexes to 'reset' the table: nothing of the failed build is left."],
    prevent: ["Run index builds in their own migration with a short lock_wait_timeout and retry on timeout."],
    keyCommand: `ALTER TABLE ${qt(engine, names.table)} ADD ${unique ? "UNIQUE " : ""}INDEX ${idx} (${cols}), ALGORITHM=INPLACE, LOCK=NONE;`,
  };
}

export const invalidIndex: Diagnosis = {
  id: "invalid-index",
  title: "An INVALID index left by a failed CREATE INDEX CONCURRENTLY",
  build(input) {
    const { engine, names, version } = input;
    const pg = engine === "postgresql";
    const idx = qi(engine, names.indexName);
    const unique = /unique/i.test(input.error ?? "");
    const cols = names.columns.map((c) => qi(engine, c)).join(", ");
    const create = `CREATE ${unique ? "UNIQUE " : ""}INDEX CONCURRENTLY ${idx} ON ${qt(engine, names.table)} (${cols});`;
    const validSql = `SELECT bool_and(indisvalid) AS ok FROM pg_index WHERE indexrelid = ${lit(qt(engine, names.indexName))}::regclass;`;
    const caps = capabilities("postgresql", version);
    const reindex = caps.has("reindexConcurrently");
    if (!pg) return mysqlReport(input, idx, cols, unique);
    const phases: RepairPhase[] = [
      {
        title: "Drop the INVALID index and build it again, concurrently",
        kind: "expand",
        why: "An INVALID index cannot be repaired in place by re-running the migration; it must be dropped and built again. Both statements avoid blocking writes and cannot run in a transaction.",
        statements: [
          { sql: `DROP INDEX CONCURRENTLY IF EXISTS ${idx};`, transaction: false, lock: "SHARE UPDATE EXCLUSIVE", lockedTables: [names.table], rewrite: false, effects: [effect.dropIndex({ table: names.table, name: names.indexName }, true)] },
          { sql: create, transaction: false, lock: "SHARE UPDATE EXCLUSIVE", lockedTables: [names.table], rewrite: false, effects: [effect.createIndex({ table: names.table, name: names.indexName, columns: names.columns, unique }, { concurrent: true, plain: true })] },
        ],
        rollback: [{ sql: `DROP INDEX CONCURRENTLY IF EXISTS ${idx};`, transaction: false, lock: "SHARE UPDATE EXCLUSIVE", rewrite: false, effects: [effect.dropIndex({ table: names.table, name: names.indexName }, true)] }],
        checks: [{ description: "The index is valid", sql: validSql }],
      },
    ];
    return {
      id: this.id,
      title: this.title,
      summary: `${names.indexName} is INVALID (pg_index.indisvalid = false): drop it concurrently, fix the cause, build it again concurrently.`,
      what: [
        "CREATE INDEX CONCURRENTLY works in several transactions: it first records the index in the catalog, then builds it while writes go on, then waits for older transactions. If it fails or is cancelled after the first step (duplicates for a UNIQUE index, a deadlock, a statement timeout, a killed session), the index stays in the catalog marked INVALID: pg_index.indisvalid = false.",
        "An INVALID index is never used by queries, but every insert and update still maintains it, so it costs write time; an INVALID unique index still rejects new duplicates.",
        "Re-running the migration with CREATE INDEX CONCURRENTLY IF NOT EXISTS is not a fix: the name exists, so PostgreSQL skips the statement with a notice, the migration reports success, and the INVALID index stays forever.",
      ],
      confirm: [
        { purpose: "Every INVALID index in the database", sql: INVALID_INDEXES_SQL, expect: `${names.indexName} listed here confirms it.` },
        ...(reindex
          ? [
              {
                purpose: "Whether a concurrent build is still running (then it is not failed, only slow)",
                sql: "SELECT pid, relid::regclass AS table_name, index_relid::regclass AS index_name, phase, blocks_done, blocks_total FROM pg_stat_progress_create_index;",
                expect: "No row for the index: nothing is building it; it is left over.",
              },
            ]
          : []),
      ],
      repair: [
        { text: "Find and fix why the build failed (duplicates for a UNIQUE index: see the duplicate-rows diagnosis; a timeout: run it in a quieter period without statement_timeout)." },
        { text: "Drop the INVALID index without blocking writes:", sql: `DROP INDEX CONCURRENTLY IF EXISTS ${idx};` },
        { text: "Build it again, outside a transaction:", sql: create },
        { text: "Check that it is valid now (true):", sql: validSql },
        ...(reindex
          ? [{ text: `Alternative on PostgreSQL ${version} (12 and later), once the cause is fixed: rebuild it in place, which also works without blocking writes.`, sql: `REINDEX INDEX CONCURRENTLY ${idx};` }]
          : []),
      ],
      avoid: [
        "Do not add IF NOT EXISTS to the migration to get past the 'already exists' error: it keeps the INVALID index.",
        "Do not use plain DROP INDEX on a busy table: it takes ACCESS EXCLUSIVE and queues every query behind it.",
        "Do not run the drop and create inside a transaction: CONCURRENTLY refuses to run there.",
        ...(caps.has("concurrentIndexCorruptionBug") ? ["PostgreSQL 14.0 to 14.3 can corrupt indexes built concurrently: upgrade to 14.4 or later before rebuilding."] : []),
      ],
      prevent: [
        "After every CREATE INDEX CONCURRENTLY, check pg_index.indisvalid in the same migration run and fail loudly if false.",
        "For a UNIQUE index, count duplicates first.",
        "Run concurrent builds without a statement_timeout shorter than the build needs.",
      ],
      keyCommand: `DROP INDEX CONCURRENTLY IF EXISTS ${idx};  then  ${create}`,
      repairMigration: { slug: `rebuild_${names.indexName.toLowerCase()}`, phases },
    };
  },
};
