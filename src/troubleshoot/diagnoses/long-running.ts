/** A migration holds a strong lock too long, or runs too long on a large table. */
import { lit, onMariadb, qt, splitTable } from "./common.js";
import type { Diagnosis, DiagnosisInput, Query } from "./types.js";

/** PostgreSQL: the running statements with what blocks them, the locks on the table, its size. */
function pgConfirm(t: string): Query[] {
  const reg = lit(qt("postgresql", t));
  return [
    {
      purpose: "Running statements, longest first, with the locks they wait for",
      sql: "SELECT pid, state, now() - query_start AS running_for, wait_event_type, wait_event, pg_blocking_pids(pid) AS blocked_by, LEFT(query, 120) AS query FROM pg_stat_activity WHERE state <> 'idle' AND pid <> pg_backend_pid() ORDER BY query_start LIMIT 20;",
      expect: "The migration's statement near the top, and many sessions blocked_by its pid, means it is blocking production.",
    },
    {
      purpose: `Locks held on ${t}`,
      sql: `SELECT l.pid, l.mode, l.granted, now() - a.query_start AS running_for FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.relation = to_regclass(${reg}) ORDER BY l.granted DESC;`,
      expect: "AccessExclusiveLock granted to the migration and many ungranted requests behind it.",
    },
    {
      purpose: `How big ${t} is`,
      sql: `SELECT c.reltuples::bigint AS approx_rows, pg_size_pretty(pg_total_relation_size(c.oid)) AS total_size FROM pg_class c WHERE c.oid = to_regclass(${reg});`,
      expect: "Millions of rows or gigabytes: this change needs the online recipe.",
    },
  ];
}

/** MySQL/MariaDB: the processlist, the ALTER's progress (MariaDB's processlist, MySQL's performance_schema), the table's size. */
function mysqlConfirm(input: DiagnosisInput): Query[] {
  const t = input.names.table;
  return [
    {
      purpose: "Running statements, longest first",
      sql: "SELECT id, user, time AS seconds, state, LEFT(info, 120) AS query FROM information_schema.processlist WHERE command <> 'Sleep' ORDER BY time DESC LIMIT 20;",
      expect: "The ALTER with a large time, and queries in state 'Waiting for table metadata lock' behind it.",
    },
    // MariaDB ships with performance_schema off; its processlist reports an ALTER's progress itself.
    onMariadb(input)
      ? {
          purpose: "Progress of the ALTER (MariaDB reports it in the processlist; performance_schema is off by default)",
          sql: "SELECT id, time AS seconds, stage, max_stage, progress, LEFT(info, 120) AS query FROM information_schema.processlist WHERE info LIKE 'ALTER%' OR info LIKE 'OPTIMIZE%';",
          expect: "progress (percent of the current stage) and stage / max_stage tell how far the copy is.",
        }
      : {
          purpose: "Progress of the ALTER (needs the stage/innodb/alter% instruments enabled)",
          sql: "SELECT event_name, work_completed, work_estimated FROM performance_schema.events_stages_current WHERE event_name LIKE 'stage/innodb/alter%';",
          expect: "work_completed / work_estimated tells how far the copy is.",
        },
    {
      purpose: `How big ${t} is`,
      sql: `SELECT table_rows, ROUND((data_length + index_length) / 1024 / 1024) AS size_mb FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ${lit(splitTable(t).table, "mysql")};`,
      expect: "Millions of rows or gigabytes: this change needs an online tool.",
    },
  ];
}

export const longRunning: Diagnosis = {
  id: "long-running",
  title: "A migration holds a lock too long or runs too long on a large table",
  build(input) {
    const pg = input.engine === "postgresql";
    const t = input.names.table;
    return {
      id: this.id,
      title: this.title,
      summary: pg
        ? "A statement is rewriting or scanning a large table under a strong lock: find it, cancel it if it blocks production, and redo the change with the safe recipe."
        : "An ALTER is copying a large table: find it, decide whether to wait or kill it, and redo the change online (INSTANT/INPLACE, gh-ost, pt-osc).",
      what: [
        pg
          ? `Some DDL rewrites the whole table (a type change, a volatile default, SET NOT NULL without a check) or scans it (ADD FOREIGN KEY / CHECK without NOT VALID, a plain CREATE INDEX) while holding ACCESS EXCLUSIVE or SHARE. On a large ${t} that is minutes to hours of blocked writes (or reads). A backfill in one UPDATE holds row locks on every row it touched until it commits, and bloats the table.`
          : `ALGORITHM=COPY (a type change, some foreign keys, older versions) rebuilds ${t} row by row while writes are blocked; even INPLACE operations rebuild the table and make replicas lag by the length of the ALTER.`,
        "Cancelling is safe for the data: the statement rolls back. On a large table the rollback itself can take a while.",
      ],
      confirm: pg ? pgConfirm(t) : mysqlConfirm(input),
      repair: [
        { text: "If the application is stalling, cancel the migration's statement (its work rolls back):", sql: pg ? "SELECT pg_cancel_backend(<pid>);" : "KILL QUERY <id>;" },
        { text: "Check the migration tool's state afterwards (a failed or dirty entry may need clearing; see the dirty-version diagnosis)." },
        {
          text: "Redo the change with the online recipe: run `migration-wizard plan` for it with the real table size. It splits the change into phases that hold strong locks only for catalog updates.",
          command: "migration-wizard plan",
        },
        {
          text: pg
            ? "Typical pieces: CREATE INDEX CONCURRENTLY; constraints NOT VALID then VALIDATE; SET NOT NULL via a validated CHECK (12+); new column + batched backfill by primary-key ranges instead of a type change."
            : "Typical pieces: ALGORITHM=INSTANT where allowed (add column 8.0.12+, rename 8.0.28+, drop 8.0.29+), ALGORITHM=INPLACE, LOCK=NONE for indexes, gh-ost or pt-online-schema-change for copies, batched backfills.",
        },
      ],
      avoid: [
        "Do not kill the session and immediately start the same statement again.",
        "Do not backfill a large table in one UPDATE: batch by primary-key ranges and commit each batch.",
        pg ? "Do not remove lock_timeout to make it 'go through'." : "Do not run a COPY ALTER on a primary with replicas without planning for the lag.",
      ],
      prevent: [
        "Give the wizard the real table size so it picks the batched or online recipe.",
        pg ? "Set statement_timeout on migrations that must be catalog-only, so a surprise rewrite fails fast." : "Use ALGORITHM=INSTANT/INPLACE explicitly: MySQL then refuses instead of silently copying.",
        "Rehearse on a production-size copy and time it.",
      ],
      keyCommand: pg ? "SELECT pid, now() - query_start, LEFT(query, 80) FROM pg_stat_activity WHERE state <> 'idle' ORDER BY query_start;" : "SHOW FULL PROCESSLIST;",
    };
  },
};
