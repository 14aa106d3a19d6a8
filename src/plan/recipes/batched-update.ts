/**
 * The data-change step of a plan: one plain UPDATE for a small table, otherwise keyset batches over the
 * primary key that commit and pause between batches. PostgreSQL has no `UPDATE ... LIMIT`; each batch
 * covers a primary-key range found by walking the PK index, so it never rescans finished rows, and
 * re-running it skips rows already done (the `pending` predicate). MySQL walks the same key ranges in a
 * stored procedure the phase creates, calls and drops (see `mysqlKeysetBatch`).
 */
import { schemaPrefix } from "../encode.js";
import type { RecipeContext } from "../context.js";
import type { Statement } from "../model.js";
import { constraintName, quoteIdent, quoteTable } from "../sql.js";
import { dollarQuoted } from "../encode.js";
import * as estimate from "./estimate.js";
import { batchSettings } from "./size-policy.js";
import { bareName, finishPhase, literal, stmt, type PhaseDraft } from "./statements.js";
import { procedureName, procedureStatements } from "./mysql-ddl.js";

export interface BackfillSpec {
  table: string;
  /** The primary-key column that orders the batches. */
  primaryKey: string;
  /** The SET list as SQL, names already quoted: `"fullName" = first || ' ' || last`. */
  set: string;
  /** SQL predicate true for rows that still need the change (makes every batch idempotent). */
  pending: string;
  /** What is being filled, for titles and text: `accounts.status`. */
  label: string;
}


type BackfillStatements = { statements: Statement[]; how: string; cleanup?: Statement[] };

/** What the backfill's forms share: the quoted table and key, the batch settings, the row lock, the background-job advice. */
interface BackfillShape {
  t: string;
  pk: string;
  batchSize: number;
  pauseMs: number;
  rowLock: Pick<Statement, "lock" | "lockedTables" | "rewrite">;
  worker: string;
}

/** The statements of the backfill, and the text explaining how to run them. */
export function backfillStatements(ctx: RecipeContext, spec: BackfillSpec): BackfillStatements {
  const { batchSize, pauseMs, backgroundJob } = batchSettings(ctx);
  const shape: BackfillShape = {
    t: quoteTable(ctx.engine, spec.table),
    pk: quoteIdent(ctx.engine, spec.primaryKey),
    batchSize,
    pauseMs,
    rowLock: { lock: ctx.engine === "mysql" ? "ROW LOCKS" : "ROW EXCLUSIVE", lockedTables: [spec.table], rewrite: false },
    worker: backgroundJob
      ? " At this size run it as a background job (a worker process or `nohup psql -f ... &` in tmux), not inside a deploy: it prints progress, and if it stops (error, deploy, failover) simply start it again; finished rows are skipped."
      : "",
  };

  if (ctx.size === "small") {
    return {
      statements: [
        {
          sql: `UPDATE ${shape.t} SET ${spec.set} WHERE ${spec.pending};`,
          transaction: true,
          ...shape.rowLock,
          why: "Under 10k rows one statement finishes in well under a second; batching would only add steps.",
        },
      ],
      how: "A single UPDATE: the table is small enough that its row locks are held only briefly.",
    };
  }
  if (ctx.engine === "mysql") return mysqlKeysetBatch(ctx, spec);
  return ctx.caps.has("commitInDo") ? pgDoBlockBackfill(spec, shape) : pgCursorBackfill(ctx, spec, shape);
}

/** The opening of a PL/pgSQL keyset walk over `t` by `pk`: its variables, then a loop while a batch starts. */
export function keysetLoopStart(t: string, pk: string): string[] {
  return [
    "DECLARE",
    `  batch_start ${t}.${pk}%TYPE;`,
    `  batch_end ${t}.${pk}%TYPE;`,
    "  batches bigint := 0;",
    "BEGIN",
    `  SELECT min(${pk}) INTO batch_start FROM ${t};`,
    "  WHILE batch_start IS NOT NULL LOOP",
  ];
}

/** PostgreSQL 11+: one resumable DO block that commits after every keyset batch. */
function pgDoBlockBackfill(spec: BackfillSpec, { t, pk, batchSize, pauseMs, rowLock, worker }: BackfillShape): BackfillStatements {
  const body = [
    ...keysetLoopStart(t, pk),
    `    SELECT max(${pk}) INTO batch_end FROM (`,
    `      SELECT ${pk} FROM ${t} WHERE ${pk} >= batch_start ORDER BY ${pk} LIMIT ${batchSize}`,
    "    ) AS batch;",
    `    UPDATE ${t} SET ${spec.set}`,
    `      WHERE ${pk} BETWEEN batch_start AND batch_end AND (${spec.pending});`,
    "    COMMIT;",
    "    batches := batches + 1;",
    // The label is a RAISE parameter, not part of the format: a quote or a % in it stays plain text.
    `    IF batches % 100 = 0 THEN RAISE NOTICE '%: % batches done, up to key %', ${literal(spec.label)}, batches, batch_end; END IF;`,
    `    PERFORM pg_sleep(${pauseMs / 1000});`,
    `    SELECT min(${pk}) INTO batch_start FROM ${t} WHERE ${pk} > batch_end;`,
    "  END LOOP;",
  ].join("\n");
  return {
    statements: [
      {
        sql: `DO ${dollarQuoted(`\n${body}\nEND `)};`,
        transaction: false,
        ...rowLock,
        batched: { table: spec.table, batchSize, pauseMs },
        why:
          `Keyset batches of ${batchSize} rows over the primary key; each batch commits (PostgreSQL 11+ allows COMMIT in a DO block ` +
          "run outside a transaction) so row locks stay short and vacuum can keep up, and it pauses between batches to let replicas catch up.",
      },
    ],
    how:
      "Run the DO block outside a transaction block (it commits after every batch). It is one complete, resumable run: " +
      `if it stops, run it again and rows already done are skipped by \`${spec.pending}\`.${worker}`,
  };
}

/**
 * PostgreSQL 10: no COMMIT inside DO. A cursor table remembers the next key, so each run of the batch
 * statement is its own transaction and continues where the previous one stopped.
 */
function pgCursorBackfill(ctx: RecipeContext, spec: BackfillSpec, { t, pk, batchSize, pauseMs, rowLock, worker }: BackfillShape): BackfillStatements {
  const cursor = constraintName("mw_backfill", bareName(spec.table), "cursor");
  const cursorTable = schemaPrefix(spec.table) + cursor;
  const c = quoteTable(ctx.engine, cursorTable);
  const batchSql = [
    "WITH batch AS (",
    `  SELECT ${pk} AS batch_key FROM ${t} WHERE ${pk} >= (SELECT next_key FROM ${c}) ORDER BY ${pk} LIMIT ${batchSize}`,
    "), done AS (",
    `  UPDATE ${t} SET ${spec.set} FROM batch WHERE ${t}.${pk} = batch.batch_key AND (${spec.pending})`,
    ")",
    `UPDATE ${c} SET next_key = (SELECT min(${pk}) FROM ${t} WHERE ${pk} > (SELECT max(batch_key) FROM batch))`,
    "RETURNING next_key;",
  ].join("\n");
  return {
    statements: [
      {
        sql: `CREATE TABLE IF NOT EXISTS ${c} AS SELECT min(${pk}) AS next_key FROM ${t};`,
        transaction: true,
        lock: "ACCESS SHARE",
        lockedTables: [spec.table],
        rewrite: false,
        why: "A one-row table that remembers where the batches got to, so every batch is its own short transaction (PostgreSQL 10 cannot COMMIT inside a DO block).",
      },
      {
        sql: batchSql,
        transaction: true,
        ...rowLock,
        batched: { table: spec.table, batchSize, pauseMs },
        why:
          `One keyset batch of ${batchSize} rows; it returns the next key to process. Repeat it (each run commits) until it returns ` +
          `an empty next_key, pausing ${pauseMs} ms between runs, e.g. in psql: \`\\watch 1\` and stop when next_key is empty.`,
      },
    ],
    how:
      `PostgreSQL 10 cannot commit inside a DO block, so run the batch statement repeatedly, each in its own transaction, until it ` +
      `returns an empty next_key (a shell loop around \`psql -c\`, or psql's \`\\watch\`). When it is done, drop the cursor table: ` +
      `\`DROP TABLE ${c};\` (rolling this phase back drops it too, so a later re-run starts from the first key). ` +
      `Re-running is safe: rows already done are skipped by \`${spec.pending}\`.${worker}`,
    cleanup: [stmt(`DROP TABLE IF EXISTS ${c};`, "ACCESS EXCLUSIVE", [cursorTable], { why: "Removes the backfill's cursor table (a private table: nothing else waits on its lock)." })],
  };
}

/**
 * `@mw_accounts_next`: a user variable per table, so two backfills in one session keep separate cursors.
 * MySQL allows 64 characters in a user variable name; the table part is cut to fit. User variables take
 * the type of the key they hold, so the loop works for any primary-key type.
 */
function mysqlVariable(table: string, role: "next" | "end"): string {
  return `@mw_${table.toLowerCase().replace(/[^a-z0-9_]/g, "_").slice(0, 64 - "mw__next".length)}_${role}`;
}

/**
 * MySQL keyset batches, the whole table in one run. A migration tool sends a file's statements once, so a
 * batch written as plain statements would run one batch and be recorded as done; the loop is a stored
 * procedure the phase creates, calls and drops. Each batch finds its end key by reading `batchSize` keys
 * of the primary-key index from where the previous one stopped (an `UPDATE ... ORDER BY pk LIMIT n` would
 * re-read every finished row first), updates that key range, commits, and sleeps. The key bounds are
 * computed in SET statements because MySQL refuses a subquery on the table being updated inside the UPDATE.
 */
function mysqlKeysetBatch(ctx: RecipeContext, spec: BackfillSpec): { statements: Statement[]; how: string } {
  const t = quoteTable(ctx.engine, spec.table);
  const pk = quoteIdent(ctx.engine, spec.primaryKey);
  const { batchSize, pauseMs, backgroundJob } = batchSettings(ctx);
  const worker = backgroundJob
    ? " At this size run it as a background job (the mysql client under `nohup` in tmux), not inside a deploy; if it stops (error, deploy, failover) start it again."
    : "";
  const next = mysqlVariable(spec.table, "next");
  const end = mysqlVariable(spec.table, "end");
  const body = [
    `  SET ${next} = (SELECT MIN(${pk}) FROM ${t});`,
    `  WHILE ${next} IS NOT NULL DO`,
    `    SET ${end} = (SELECT MAX(${pk}) FROM (SELECT ${pk} FROM ${t} WHERE ${pk} >= ${next} ORDER BY ${pk} LIMIT ${batchSize}) AS batch);`,
    `    UPDATE ${t} SET ${spec.set} WHERE ${pk} BETWEEN ${next} AND ${end} AND (${spec.pending});`,
    "    COMMIT;",
    `    SET ${next} = (SELECT MIN(${pk}) FROM ${t} WHERE ${pk} > ${end});`,
    `    DO SLEEP(${pauseMs / 1000});`,
    "  END WHILE;",
  ];
  const statements = procedureStatements(procedureName("backfill", bareName(spec.table)), body, {
    lock: "ROW LOCKS",
    lockedTables: [spec.table],
    rewrite: false,
    batched: { table: spec.table, batchSize, pauseMs },
    why:
      `Keyset batches of ${batchSize} rows over the primary key until the last key: each batch is a key range read from the index ` +
      `(its cost stays the same from the first batch to the last), commits on its own so row locks stay short, and pauses ${pauseMs} ms ` +
      `so replicas keep up. \`${spec.pending}\` keeps it idempotent: rows already done are skipped.`,
  }, "The batch loop as a procedure: a migration tool runs each statement once, so a loop written as plain statements would stop after one batch.").map((st) => ({ ...st, transaction: false }));
  return {
    statements,
    how:
      "The loop is a stored procedure the phase creates, calls and drops, so one run of the file fills the whole table, under any tool. " +
      "The CALL returns when the last key is done; if it stops (error, lost connection), run the phase again: it starts from the first key, and " +
      `ranges already done are only read, not written (\`${spec.pending}\` skips their rows). Watch replica lag (Seconds_Behind_Source, ` +
      `or Seconds_Behind_Master on 5.7 and MariaDB) while it runs; stop it (KILL the CALL's connection) if lag grows, and start it again later.${worker}`,
  };
}

/** A complete backfill phase (kind `backfill`), with its check that no row is left pending. */
export function backfillPhase(ctx: RecipeContext, spec: BackfillSpec, why: string): PhaseDraft {
  const { statements, how, cleanup } = backfillStatements(ctx, spec);
  const { batchSize, pauseMs } = batchSettings(ctx);
  const rows = ctx.answers.approx_rows;
  // finishPhase: dropping the PostgreSQL 10 cursor table in the rollback takes ACCESS EXCLUSIVE, so it gets the lock timeout too.
  return finishPhase(ctx, {
    title: `Backfill ${spec.label}`,
    kind: "backfill",
    why: `${why} Never in the same transaction as the DDL: a long transaction would hold its locks for the whole backfill. ${how}`,
    statements,
    checks: [
      {
        description: `No row still needs the backfill (${spec.pending})`,
        sql: `SELECT count(*) = 0 AS ok FROM ${quoteTable(ctx.engine, spec.table)} WHERE ${spec.pending};`,
      },
    ],
    estimate: ctx.size === "small" ? estimate.single(rows) : estimate.batched(rows, batchSize, pauseMs),
    // The data change itself has nothing to undo (the earlier phase's rollback removes the column); only helpers go.
    // Callers that replace the rollback must keep `cleanup` in it: a cursor left behind says "done" to the next run.
    rollback: cleanup ?? [],
  });
}
