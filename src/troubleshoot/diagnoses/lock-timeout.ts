/** A migration gave up waiting for a lock (PostgreSQL 55P03, MySQL 1205). */
import { lit, onMariadb, qt } from "./common.js";
import type { Diagnosis, Query } from "./types.js";

/** Open InnoDB transactions, oldest first: MySQL and MariaDB alike (needs the PROCESS privilege to see other sessions). */
const INNODB_TRX: Query = {
  purpose: "Open InnoDB transactions, oldest first",
  sql: "SELECT trx_mysql_thread_id, trx_started, trx_state, TIMESTAMPDIFF(SECOND, trx_started, NOW()) AS age_s, LEFT(trx_query, 120) AS query FROM information_schema.innodb_trx ORDER BY trx_started LIMIT 20;",
  expect: "A long-running or idle transaction that touched the table holds its metadata lock until it ends.",
};

/** MariaDB runs with performance_schema off by default, so the sys views are empty: the processlist and InnoDB's own tables tell instead. */
const MARIADB_BLOCKERS: Query[] = [
  {
    purpose: "Sessions waiting for a table metadata lock (information_schema.processlist)",
    sql: "SELECT id, user, time AS seconds, state, LEFT(info, 120) AS query FROM information_schema.processlist WHERE state LIKE 'Waiting for%metadata lock' ORDER BY time DESC LIMIT 20;",
    expect: "Your DDL waiting; the holder is an open transaction that touched the table (next query), often idle.",
  },
  INNODB_TRX,
  {
    purpose: "Row lock waits: who waits for whom (information_schema.innodb_lock_waits)",
    sql: "SELECT r.trx_mysql_thread_id AS waiting_id, LEFT(r.trx_query, 120) AS waiting_query, b.trx_mysql_thread_id AS blocking_id, LEFT(b.trx_query, 120) AS blocking_query, TIMESTAMPDIFF(SECOND, r.trx_wait_started, NOW()) AS wait_s FROM information_schema.innodb_lock_waits w JOIN information_schema.innodb_trx r ON r.trx_id = w.requesting_trx_id JOIN information_schema.innodb_trx b ON b.trx_id = w.blocking_trx_id;",
    expect: "Who holds the rows the batch wanted.",
  },
];

export function blockerQueries(input: { engine: string; product?: string; names: { table: string } }): Query[] {
  if (onMariadb(input)) return MARIADB_BLOCKERS;
  if (input.engine === "mysql") {
    return [
      {
        purpose: "Sessions waiting for a table metadata lock, and who holds it",
        sql: "SELECT object_schema, object_name, waiting_pid, waiting_query, blocking_pid, sql_kill_blocking_connection FROM sys.schema_table_lock_waits;",
        expect: "blocking_pid is the session your DDL waited for (often an idle open transaction).",
      },
      INNODB_TRX,
      {
        purpose: "Row lock waits (lock wait timeout on a data change)",
        sql: "SELECT waiting_pid, waiting_query, blocking_pid, blocking_query, wait_age FROM sys.innodb_lock_waits;",
        expect: "Who holds the rows the batch wanted.",
      },
    ];
  }
  const reg = lit(qt("postgresql", input.names.table));
  return [
    {
      purpose: "Who is blocked and by whom (pg_blocking_pids)",
      sql: "SELECT pid, pg_blocking_pids(pid) AS blocked_by, wait_event_type, state, now() - query_start AS waiting_for, LEFT(query, 120) AS query FROM pg_stat_activity WHERE cardinality(pg_blocking_pids(pid)) > 0;",
      expect: "blocked_by lists the sessions holding the lock the migration waited for.",
    },
    {
      purpose: "Long open transactions, oldest first (pg_stat_activity)",
      sql: "SELECT pid, usename, application_name, state, now() - xact_start AS xact_age, LEFT(query, 120) AS query FROM pg_stat_activity WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid() ORDER BY xact_start LIMIT 20;",
      expect: "An 'idle in transaction' session or a long report holding a lock on the table is the usual blocker.",
    },
    {
      purpose: `Locks held and awaited on ${input.names.table} (pg_locks)`,
      sql: `SELECT l.pid, l.mode, l.granted, a.state, now() - a.xact_start AS xact_age, LEFT(a.query, 120) AS query FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.relation = to_regclass(${reg}) ORDER BY l.granted DESC, a.xact_start;`,
      expect: "granted = true rows are the holders; a conflicting ungranted mode is the waiter.",
    },
  ];
}

export const lockTimeoutHit: Diagnosis = {
  id: "lock-timeout",
  title: "The migration hit its lock timeout",
  build(input) {
    const pg = input.engine === "postgresql";
    const t = input.names.table;
    return {
      id: this.id,
      title: this.title,
      summary: pg
        ? "The migration waited longer than lock_timeout for a lock (55P03): find the blocker in pg_stat_activity / pg_locks, then retry with backoff."
        : "The migration waited longer than lock_wait_timeout (error 1205): find the blocking transaction, then retry with backoff.",
      what: [
        pg
          ? `PostgreSQL cancelled the statement with SQLSTATE 55P03 (lock_not_available: "canceling statement due to lock timeout"). The DDL needed a lock on ${t} (ACCESS EXCLUSIVE for most ALTER TABLE) and another session held a conflicting one, usually a long query or a transaction left idle in transaction. The timeout did its job: without it, the waiting ALTER would have queued every later query on ${t} behind it and stalled the application.`
          : `MySQL gave up with error 1205 ("Lock wait timeout exceeded") or a metadata lock timeout: the ALTER on ${t} needs an exclusive metadata lock briefly at its start and end, and an open transaction that touched ${t} holds a shared one until it commits. Every later query on ${t} queues behind the waiting ALTER.`,
        "The failed statement was rolled back. Nothing else is wrong with the migration: it needs a moment when the blocker is gone.",
      ],
      confirm: blockerQueries(input),
      repair: [
        { text: "Run the blocker queries while the migration is retried (a blocker is only visible while it holds the lock)." },
        { text: "If the blocker is an idle transaction or a runaway query you own, end it:", sql: pg ? "SELECT pg_cancel_backend(<pid>);  -- cancels its query\nSELECT pg_terminate_backend(<pid>);  -- ends the session, if cancel is not enough" : "KILL QUERY <id>;  -- or KILL <id>; to end the session" },
        { text: "Retry the migration with the same short timeout, with backoff (for example 5 tries, waiting 10 s, 30 s, 1 min...). Each try blocks others for at most the timeout.", sql: pg ? "SET lock_timeout = '5s';" : "SET SESSION lock_wait_timeout = 5;" },
        { text: "If it keeps timing out, run it at a quieter time, or fix the application code that keeps transactions open." },
      ],
      avoid: [
        "Do not raise the lock timeout to minutes or remove it: the migration will then block the whole application while it waits.",
        "Do not terminate sessions you do not understand (replication, backups, another team's job).",
      ],
      prevent: [
        pg ? "Set idle_in_transaction_session_timeout so forgotten transactions end on their own." : "Keep application transactions short; watch information_schema.innodb_trx for old ones.",
        "Keep the short lock timeout and automate the retry with backoff in the deploy script.",
        "Schedule DDL away from batch jobs and reports that hold long transactions.",
      ],
      keyCommand: pg
        ? "SELECT pid, pg_blocking_pids(pid) FROM pg_stat_activity WHERE cardinality(pg_blocking_pids(pid)) > 0;"
        : onMariadb(input)
          ? "SHOW FULL PROCESSLIST;"
          : "SELECT * FROM sys.schema_table_lock_waits;",
    };
  },
};
