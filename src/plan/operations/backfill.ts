/**
 * backfill: a data-only change. Small tables: one UPDATE. Otherwise keyset batches over the primary key that
 * commit and pause, resumable (src/plan/recipes/batched-update.ts). When rollback matters, the values about to
 * be overwritten are saved first so the change can be undone.
 */
import { dollarQuoted, schemaPrefix } from "../encode.js";
import { PlanError } from "../errors.js";
import { batchKey, type RecipeContext } from "../context.js";
import { constraintName, quoteIdent, quoteTable } from "../sql.js";
import { backfillPhase } from "../recipes/batched-update.js";
import * as estimate from "../recipes/estimate.js";
import { bareName, finishPhase, literal, stmt, type PhaseDraft } from "../recipes/statements.js";
import type { OperationRecipes, RecipeResult } from "../recipe.js";
import type { Dialect } from "../../engines/index.js";
import type { Statement } from "../model.js";
import { batchSettings } from "../recipes/size-policy.js";

/** `col = expr` with a single target: the target and the expression, to derive an idempotent predicate. */
type Ctx<D extends Dialect = Dialect> = RecipeContext<"backfill", D>;

function singleAssignment(set: string): { target: string; expr: string } | undefined {
  const m = /^\s*("(?:[^"]|"")+"|`[^`]+`|[A-Za-z_][A-Za-z0-9_$]*)\s*=\s*([\s\S]+)$/.exec(set);
  if (!m) return undefined;
  // A top-level comma means several assignments.
  let depth = 0;
  let quoted = false;
  for (const ch of m[2]) {
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === "(") depth++;
    else if (!quoted && ch === ")") depth--;
    else if (!quoted && depth === 0 && ch === ",") return undefined;
  }
  return { target: m[1], expr: m[2].trim() };
}

/**
 * PostgreSQL rollback of a backfill: batches of 1,000 saved rows, each its own short transaction. A batch
 * takes its rows out of the copy and puts the old value back only where the row still holds exactly what
 * the backfill computed, so a value the application wrote since is kept. On PostgreSQL 11+ one DO block
 * runs every batch (COMMIT after each), so one run of the file restores the whole copy; PostgreSQL 10
 * cannot COMMIT in DO, so there the statement is one batch, repeated until next_key is empty, and the
 * copy's drop refuses while rows remain (savedCopyDrop).
 */
function pgRestore(ctx: Ctx, a: Saved): Statement {
  const t = quoteTable("postgresql", a.table);
  const s = quoteTable("postgresql", a.savedTable);
  const pk = quoteIdent("postgresql", a.pkName);
  const { batchSize, pauseMs } = batchSettings(ctx);
  const batch = [
    "WITH batch AS (",
    `  DELETE FROM ${s} WHERE ${pk} IN (SELECT ${pk} FROM ${s} ORDER BY ${pk} LIMIT ${batchSize})`,
    `  RETURNING ${pk} AS mw_key, ${a.target} AS mw_old`,
    "), restored AS (",
    `  UPDATE ${t} SET ${a.target} = (SELECT b.mw_old FROM batch b WHERE b.mw_key = ${t}.${pk})`,
    `  WHERE ${t}.${pk} IN (SELECT mw_key FROM batch) AND ${a.target} IS NOT DISTINCT FROM (${a.expr})`,
    "  RETURNING 1",
    ")",
  ];
  const keeps =
    "It restores the saved value only on rows that still hold exactly what the backfill computed: a row the application changed since keeps the " +
    "application's value, and rows inserted after the save phase (not in the copy) keep theirs. Each restored row leaves the copy, so a stopped " +
    "rollback resumes where it was.";
  if (!ctx.caps.has("commitInDo")) {
    return stmt([...batch, "SELECT max(mw_key) AS next_key FROM batch;"].join("\n"), "ROW EXCLUSIVE", [a.table, a.savedTable], {
      batched: { table: a.table, batchSize, pauseMs },
      why: `One batch of ${batchSize} saved rows in its own short transaction; repeat it (pausing ${pauseMs} ms) until next_key is empty (PostgreSQL 10 cannot COMMIT inside a DO block). ${keeps}`,
    });
  }
  const body = [
    "DECLARE",
    "  restored_rows bigint;",
    "BEGIN",
    "  LOOP",
    ...batch.map((l) => `    ${l}`),
    "    SELECT count(*) INTO restored_rows FROM batch;",
    "    COMMIT;",
    "    EXIT WHEN restored_rows = 0;",
    `    PERFORM pg_sleep(${pauseMs / 1000});`,
    "  END LOOP;",
  ].join("\n");
  return stmt(`DO ${dollarQuoted(`\n${body}\nEND `)};`, "ROW EXCLUSIVE", [a.table, a.savedTable], {
    transaction: false,
    batched: { table: a.table, batchSize, pauseMs },
    why: `Batches of ${batchSize} saved rows until the copy is empty, each committed (run outside a transaction block), pausing ${pauseMs} ms between them. ${keeps}`,
  });
}

/** Dropping the copy of the old values: refused while it still holds rows not put back, so no old value is lost. */
function savedCopyDrop(savedTable: string, s: string): Statement[] {
  const body = [
    "DECLARE",
    "  left_rows bigint;",
    "BEGIN",
    `  IF to_regclass(${literal(s)}) IS NOT NULL THEN`,
    `    EXECUTE ${literal(`SELECT count(*) FROM ${s}`)} INTO left_rows;`,
    "    IF left_rows > 0 THEN",
    `      RAISE EXCEPTION '% saved values are not restored yet: finish the rollback of the backfill phase first (its file empties the copy)', left_rows;`,
    "    END IF;",
    "  END IF;",
  ].join("\n");
  return [
    stmt(`DO ${dollarQuoted(`\n${body}\nEND `)};`, "ACCESS SHARE", [savedTable], {
      why: "Stops here if the copy still holds values the backfill's rollback has not put back: dropping it would lose them.",
    }),
    stmt(`DROP TABLE IF EXISTS ${s};`, "ACCESS EXCLUSIVE", [savedTable]),
  ];
}

function mysqlRestore(_ctx: Ctx, { table, t, s, pk, target }: Saved): Statement {
  return stmt(`UPDATE ${t} JOIN ${s} AS saved ON ${t}.${pk} = saved.${pk} SET ${t}.${target} = saved.${target};`, "ROW LOCKS", [table], {
    why: "Puts the saved values back (one statement; batch it the same way on a large table).",
  });
}

/** The copy of the values a single assignment overwrites, and the names its statements use. */
interface Saved {
  table: string;
  t: string;
  savedTable: string;
  /** The saved copy, quoted. */
  s: string;
  /** Its bare name, for the catalog check. */
  saved: string;
  pkName: string;
  pk: string;
  target: string;
  expr: string;
}

/** What differs between the dialects; one body (plan below) uses them. */
interface BackfillDialect {
  /** The predicate that makes a single assignment idempotent: the row does not hold the new value yet. */
  differs: (target: string, expr: string) => string;
  /** The lock CREATE TABLE ... AS SELECT takes on the source table. */
  saveLock: string;
  /** Statements after the copy is made (PostgreSQL: an index for the batched restore). */
  indexCopy: (k: Saved) => Statement[];
  dropCopy: (k: Saved) => Statement[];
  copyExists: (k: Saved) => string;
  restore: (ctx: Ctx, k: Saved) => Statement;
  loopWhy: string;
  watch: string;
}

const DIALECTS: { [D in Dialect]: BackfillDialect } = {
  postgresql: {
    differs: (target, expr) => `${target} IS DISTINCT FROM (${expr})`,
    saveLock: "ACCESS SHARE",
    indexCopy: ({ s, pk, savedTable }) => [
      stmt(`CREATE INDEX ON ${s} (${pk});`, "SHARE", [savedTable], { scan: true, why: "Lets the rollback walk the copy in key order, batch by batch (a private table: nothing else waits on it)." }),
    ],
    dropCopy: ({ savedTable, s }) => savedCopyDrop(savedTable, s),
    copyExists: ({ s }) => `SELECT to_regclass(${`'${s.replace(/'/g, "''")}'`}) IS NOT NULL AS ok;`,
    restore: pgRestore,
    loopWhy: "PostgreSQL has no UPDATE ... LIMIT, and one huge UPDATE would hold row locks and bloat the table for its whole duration.",
    watch: "Watch replica lag and autovacuum while it runs; raise the pause between batches if lag grows.",
  },
  mysql: {
    differs: (target, expr) => `NOT (${target} <=> (${expr}))`,
    saveLock: "metadata lock",
    indexCopy: () => [],
    dropCopy: ({ s, savedTable }) => [stmt(`DROP TABLE IF EXISTS ${s};`, "metadata lock", [savedTable])],
    copyExists: ({ saved }) => `SELECT COUNT(*) = 1 AS ok FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${saved}';`,
    restore: mysqlRestore,
    loopWhy:
      "On MySQL and MariaDB the loop is a stored procedure, so one run under any tool covers the whole table; one huge UPDATE would hold row locks for its whole duration and replicas would replay it in one piece.",
    watch: "Watch replica lag (Seconds_Behind_Source) and the history list length (SHOW ENGINE INNODB STATUS) while it runs; raise the pause between batches if lag grows.",
  },
};

export const backfill: OperationRecipes<"backfill"> = {
  postgresql: (ctx) => plan(ctx, DIALECTS.postgresql),
  mysql: (ctx) => plan(ctx, DIALECTS.mysql),
};

/** The phase that copies the values about to be overwritten, so the backfill can be undone. */
function savePhase(ctx: Ctx, dialect: BackfillDialect, k: Saved, pending: string): PhaseDraft {
  return finishPhase(ctx, {
    title: "Save the values about to change",
    kind: "backfill",
    why: `A backfill overwrites data. With rollback need "${ctx.answers.rollback_need}", the current values of the rows it will change are copied first, so the change can be undone.`,
    statements: [
      stmt(`CREATE TABLE ${k.s} AS SELECT ${k.pk}, ${k.target} FROM ${k.t} WHERE ${pending};`, dialect.saveLock, [k.table], {
        scan: true,
        why: "Reads the rows once; writes continue.",
      }),
      ...dialect.indexCopy(k),
    ],
    rollback: dialect.dropCopy(k),
    checks: [{ description: "The copy exists", sql: dialect.copyExists(k) }],
    estimate: estimate.scan(ctx.answers.approx_rows, "and copies the matching ones"),
  });
}

function plan(ctx: Ctx, dialect: BackfillDialect): RecipeResult {
  const set = ctx.answers.details?.set;
  if (!set) throw new PlanError("backfill needs the SET expression, e.g. full_name = first_name || ' ' || last_name", "details.set");
  const table = ctx.answers.table;
  const t = quoteTable(ctx.engine, table);
  const pkName = batchKey(ctx.answers.details);
  const pk = quoteIdent(ctx.engine, pkName);
  const assignment = singleAssignment(set);
  let pending = ctx.answers.details?.backfill_where;
  if (!pending) {
    if (!assignment) {
      throw new PlanError("with several assignments, say which rows still need the change (makes every batch idempotent)", "details.backfill_where");
    }
    pending = dialect.differs(assignment.target, assignment.expr);
  }
  const saved = constraintName(bareName(table), "backfill", "before");
  const savedTable = schemaPrefix(table) + saved;
  const s = quoteTable(ctx.engine, savedTable);
  const keep: Saved | undefined =
    ctx.answers.rollback_need !== "none" && assignment !== undefined ? { table, t, savedTable, s, saved, pkName, pk, target: assignment.target, expr: assignment.expr } : undefined;
  const save: PhaseDraft[] = keep ? [savePhase(ctx, dialect, keep, pending)] : [];
  const appFirst =
    "Before it runs, the application must already write the new value itself on every insert and update (deploy that first): " +
    "otherwise rows keep arriving that still need the change, and the check that no row is left can never pass.";
  const phase = backfillPhase(ctx, { table, primaryKey: pkName, set, pending, label: `${table} (${set})` }, `Applies the change to every row that still needs it. ${appFirst}`);
  // The PostgreSQL 10 cursor table goes too: left behind at "done", a re-applied backfill would skip every row.
  const cleanup = phase.rollback ?? [];
  const undo = keep
    ? { rollback: [dialect.restore(ctx, keep), ...cleanup] }
    : { rollback: undefined, onLockTimeout: undefined, irreversible: "The old values are overwritten and were not saved (rollback need is none): only a backup brings them back." };
  return {
    summary: `Backfill ${table}: ${set}`,
    strategy:
      ctx.size === "small"
        ? "One UPDATE: under 10k rows it finishes in well under a second."
        : `Keyset batches of 1,000 rows over the primary key, each committed, with a pause between them; resumable and idempotent.${ctx.size === "large" ? " Over 1M rows it runs as a background job with progress output." : ""} ${dialect.loopWhy}`,
    phases: [...save, finishPhase(ctx, { ...phase, ...undo })],
    warnings: [
      appFirst,
      dialect.watch,
      "If the change needs business logic the database cannot express, run it from the application instead (same batching, same idempotent predicate).",
    ],
  };
}
