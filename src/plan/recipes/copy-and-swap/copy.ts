/** Copy-and-swap: the batched copy of the rows that existed before the mirror trigger. */
import type { RecipeContext } from "../../context.js";
import type { Statement } from "../../model.js";
import { dollarBody } from "../../encode.js";
import * as estimate from "../estimate.js";
import { keysetLoopStart } from "../batched-update.js";
import { batchSettings } from "../size-policy.js";
import { finishPhase, stmt } from "../statements.js";
import type { CopySwap } from "./names.js";

function copyWhy(k: CopySwap, batchSize: number, pauseMs: number): string {
  return (
    `Copies the existing rows in keyset batches of ${batchSize} over ${k.pkName}, pausing ${pauseMs} ms between batches. FOR SHARE holds each ` +
    "source row while it is copied so a concurrent update cannot slip between the copy and the trigger; ON CONFLICT (pk) DO NOTHING skips " +
    "rows the trigger already mirrored, while a real exclusion conflict still stops the copy (fix the row in the live table and run it again)."
  );
}

/** PostgreSQL 11+: one DO block that commits after every batch. */
function copyInDoBlock(k: CopySwap, batchSize: number, pauseMs: number): Statement {
  const { t, pk, fresh } = k;
  return {
    sql: dollarBody([
      "DO $$",
      ...keysetLoopStart(t, pk),
      `    SELECT max(${pk}) INTO batch_end FROM (SELECT ${pk} FROM ${t} WHERE ${pk} >= batch_start ORDER BY ${pk} LIMIT ${batchSize}) AS batch;`,
      `    INSERT INTO ${fresh} OVERRIDING SYSTEM VALUE SELECT * FROM ${t} WHERE ${pk} BETWEEN batch_start AND batch_end FOR SHARE ON CONFLICT (${pk}) DO NOTHING;`,
      "    COMMIT;",
      "    batches := batches + 1;",
      `    IF batches % 100 = 0 THEN RAISE NOTICE 'copy: % batches done, up to key %', batches, batch_end; END IF;`,
      `    PERFORM pg_sleep(${pauseMs / 1000});`,
      `    SELECT min(${pk}) INTO batch_start FROM ${t} WHERE ${pk} > batch_end;`,
      "  END LOOP;",
      "END $$;",
    ].join("\n")),
    transaction: false,
    lock: "ROW EXCLUSIVE",
    lockedTables: [k.schema + k.names.fresh],
    rewrite: false,
    batched: { table: k.table, batchSize, pauseMs },
    why: copyWhy(k, batchSize, pauseMs) + " Each batch commits (PostgreSQL 11+ allows COMMIT in a DO block run outside a transaction); re-running it is safe.",
  };
}

/** PostgreSQL 10: a cursor table and one statement per batch, repeated by the operator. */
function copyWithCursorTable(k: CopySwap, batchSize: number, pauseMs: number): Statement[] {
  const { t, pk, fresh, q, names } = k;
  return [
    stmt(`CREATE TABLE IF NOT EXISTS ${q(names.cursor)} AS SELECT min(${pk}) AS next_key FROM ${t};`, "ACCESS SHARE", [k.table], {
      why: "Remembers where the copy got to: PostgreSQL 10 cannot COMMIT inside a DO block, so each batch is its own statement.",
    }),
    stmt(
      [
        "WITH batch AS (",
        `  SELECT ${pk} AS batch_key FROM ${t} WHERE ${pk} >= (SELECT next_key FROM ${q(names.cursor)}) ORDER BY ${pk} LIMIT ${batchSize}`,
        "), copied AS (",
        `  INSERT INTO ${fresh} OVERRIDING SYSTEM VALUE SELECT s.* FROM ${t} s JOIN batch ON s.${pk} = batch.batch_key FOR SHARE OF s ON CONFLICT (${pk}) DO NOTHING`,
        ")",
        `UPDATE ${q(names.cursor)} SET next_key = (SELECT min(${pk}) FROM ${t} WHERE ${pk} > (SELECT max(batch_key) FROM batch))`,
        "RETURNING next_key;",
      ].join("\n"),
      "ROW EXCLUSIVE",
      [k.schema + names.fresh],
      {
        batched: { table: k.table, batchSize, pauseMs },
        why: copyWhy(k, batchSize, pauseMs) + ` Repeat it, each run in its own transaction, until next_key comes back empty (psql \`\\watch\`, or a shell loop), then \`DROP TABLE ${q(names.cursor)};\`.`,
      },
    ),
  ];
}

/** The batched copy of the rows that existed before the mirror trigger. */
export function copyPhase(ctx: RecipeContext, k: CopySwap) {
  const { batchSize, pauseMs, backgroundJob } = batchSettings(ctx);
  const { table, schema, names, t, fresh, pk } = k;
  const inDo = ctx.caps.has("commitInDo");
  return finishPhase(ctx, {
    title: `Copy the existing rows into ${names.fresh} in batches`,
    kind: "backfill",
    why:
      copyWhy(k, batchSize, pauseMs) +
      (backgroundJob ? " At this size run it as a background job (tmux or a worker), not inside a deploy; if it stops, start it again." : ""),
    statements: inDo ? [copyInDoBlock(k, batchSize, pauseMs)] : copyWithCursorTable(k, batchSize, pauseMs),
    rollback: [
      stmt(`TRUNCATE ${fresh};`, "ACCESS EXCLUSIVE", [schema + names.fresh], {
        rewrite: true,
        why: "Empties the copy; the trigger keeps mirroring new writes, and a re-run copies the rest again." }),
      ...(inDo ? [] : [stmt(`DROP TABLE IF EXISTS ${k.q(names.cursor)};`, "ACCESS EXCLUSIVE", [schema + names.cursor], { why: "Only this plan uses the cursor table: its lock blocks nobody." })]),
    ],
    checks: [
      {
        description: `Every row of ${table} is in ${names.fresh}`,
        sql: `SELECT NOT EXISTS (SELECT 1 FROM ${t} o WHERE NOT EXISTS (SELECT 1 FROM ${fresh} c WHERE c.${pk} = o.${pk})) AS ok;`,
      },
      { description: "Both tables have the same number of rows", sql: `SELECT (SELECT count(*) FROM ${t}) = (SELECT count(*) FROM ${fresh}) AS ok;` },
    ],
    estimate: estimate.batched(ctx.answers.approx_rows, batchSize, pauseMs),
  });
}
