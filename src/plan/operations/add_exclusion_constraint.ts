/**
 * add_exclusion_constraint. PostgreSQL has no online path: `ADD CONSTRAINT ... EXCLUDE` holds ACCESS EXCLUSIVE
 * for the whole index build, and there is neither NOT VALID nor CONCURRENTLY for it. So either a maintenance
 * window (when size and tolerance allow), or copy-and-swap: a new table with the constraint, kept in sync by
 * a trigger, filled in keyset batches, swapped in by two renames, with a reverse trigger for rollback.
 */
import type { Recipe, RecipeResult } from "../recipe.js";
import type { RecipeContext } from "../context.js";
import type { Check, Statement } from "../model.js";
import { dollarBody } from "../encode.js";
import { PlanError } from "../errors.js";
import { constraintName, quoteIdent, quoteTable } from "../sql.js";
import * as estimate from "../recipes/estimate.js";
import { keysetLoopStart } from "../recipes/batched-update.js";
import { batchSettings, mayBlockForScan } from "../recipes/size-policy.js";
import { bareName, finishPhase, finishRetriedPhase, literal, regclass, stmt, type PhaseDraft } from "../recipes/statements.js";

interface Exclusion {
  method?: string;
  elements: { expr: string; op: string }[];
  where?: string;
}

/** Split on commas outside parentheses and quotes: `tsrange(a, b) WITH &&, room WITH =`. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === "(") depth++;
    else if (!quoted && ch === ")") depth--;
    else if (!quoted && depth === 0 && ch === ",") {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

/** Index of the parenthesis closing the one at `open`, or -1. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === "(") depth++;
    else if (!quoted && ch === ")" && --depth === 0) return i;
  }
  return -1;
}

export function parseExclusion(body: string): Exclusion {
  const bad = () =>
    new PlanError("details.exclusion must look like: USING gist (room_id WITH =, during WITH &&) [WHERE (predicate)]", "details.exclusion");
  const head = /^\s*(?:USING\s+(\w+)\s*)?\(/is.exec(body);
  if (!head) throw bad();
  const open = head[0].length - 1;
  const close = closingParen(body, open);
  if (close < 0) throw bad();
  const tail = /^\s*(?:WHERE\s*\((.*)\))?\s*$/is.exec(body.slice(close + 1));
  if (!tail) throw bad();
  const elements = splitTopLevel(body.slice(open + 1, close)).map((el) => {
    const e = /^(.+?)\s+WITH\s+(\S+)$/is.exec(el);
    if (!e) throw bad();
    return { expr: e[1].trim(), op: e[2] };
  });
  return { method: head[1]?.toLowerCase(), elements, where: tail[1]?.trim() };
}

/** Pairs of rows the constraint would reject (self-join on every element's operator). */
function noConflictsCheck(ctx: RecipeContext, ex: Exclusion): Check {
  const t = quoteTable(ctx.engine, ctx.answers.table);
  const cols = ex.elements.map((e, i) => `${e.expr} AS e${i + 1}`).join(", ");
  const side = `(SELECT ctid AS row_id, ${cols} FROM ${t}${ex.where ? ` WHERE ${ex.where}` : ""})`;
  const on = ex.elements.map((e, i) => `a.e${i + 1} ${e.op} b.e${i + 1}`).join(" AND ");
  return {
    description: "No two existing rows conflict under the exclusion constraint",
    sql: `SELECT NOT EXISTS (SELECT 1 FROM ${side} a JOIN ${side} b ON a.row_id < b.row_id AND ${on}) AS ok;`,
  };
}

function needsBtreeGist(ex: Exclusion): boolean {
  return (ex.method ?? "btree") === "gist" && ex.elements.some((e) => e.op === "=");
}

function btreeGist(): Statement {
  return stmt("CREATE EXTENSION IF NOT EXISTS btree_gist;", "none", [], {
    why: "GiST has no `=` for plain scalar types (integers, text, uuid); btree_gist adds it. Needs a role allowed to create extensions.",
  });
}

export const addExclusionConstraint: Recipe = (ctx) => {
  if (ctx.engine === "mysql") {
    throw new PlanError("MySQL has no exclusion constraints: enforce the rule in the application or with triggers and locking reads", "operation");
  }
  const d = ctx.answers.details ?? {};
  if (!d.exclusion) throw new PlanError("add_exclusion_constraint needs the EXCLUDE body, e.g. USING gist (room_id WITH =, during WITH &&)", "details.exclusion");
  const ex = parseExclusion(d.exclusion);
  const name = d.constraint_name ?? constraintName(bareName(ctx.answers.table), "excl");
  return mayBlockForScan(ctx) ? windowPlan(ctx, ex, d.exclusion.trim(), name) : copyAndSwap(ctx, ex, d.exclusion.trim(), name);
};

const NO_ONLINE_PATH =
  "PostgreSQL has no online way to add an exclusion constraint: it builds its index under ACCESS EXCLUSIVE (no reads, no writes) " +
  "and supports neither NOT VALID nor CONCURRENTLY.";

function constraintCheck(table: string, name: string): Check {
  return {
    description: `Exclusion constraint ${name} exists on ${table}`,
    sql: `SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = ${regclass("postgresql", table)} AND conname = ${literal(name)} AND contype = 'x') AS ok;`,
  };
}

function windowPlan(ctx: RecipeContext, ex: Exclusion, body: string, name: string): RecipeResult {
  const table = ctx.answers.table;
  const t = quoteTable("postgresql", table);
  const n = quoteIdent("postgresql", name);
  return {
    summary: `Add exclusion constraint ${name} on ${table} in a short maintenance window`,
    strategy: `${NO_ONLINE_PATH} At this size and tolerance the build is short, so the plan takes a brief window instead of the copy-and-swap.`,
    phases: [
      {
        title: "Confirm no existing rows conflict",
        kind: "verify",
        why: "The build fails on the first conflicting pair, after holding ACCESS EXCLUSIVE for the whole scan. Prove there is none first; the check's inner query lists the pairs to fix.",
        statements: [],
        rollback: [], // read-only: nothing to undo
        checks: [noConflictsCheck(ctx, ex)],
        estimate: estimate.scan(ctx.answers.approx_rows, "twice (a self-join), without blocking writes"),
        deploy: "Make the application handle SQLSTATE 23P01 (exclusion_violation) on writes to this table before the constraint exists.",
      },
      finishPhase(ctx, {
        title: `Add exclusion constraint ${name} (maintenance window)`,
        kind: "expand",
        why: `${NO_ONLINE_PATH} Announce the window: reads and writes on ${table} wait until the index is built.`,
        statements: [
          ...(needsBtreeGist(ex) ? [btreeGist()] : []),
          stmt(`ALTER TABLE ${t} ADD CONSTRAINT ${n} EXCLUDE ${body};`, "ACCESS EXCLUSIVE", [table], {
            scan: true,
            why: "Builds the exclusion index while holding ACCESS EXCLUSIVE.",
          }),
        ],
        rollback: [stmt(`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${n};`, "ACCESS EXCLUSIVE", [table])],
        checks: [constraintCheck(table, name)],
        estimate: estimate.indexBuild(ctx.answers.approx_rows) + " GiST builds are slower than B-tree: count several times that. Reads and writes are blocked for all of it.",
      }),
    ],
    warnings: [NO_ONLINE_PATH],
  };
}

/** The names and quoted pieces every copy-and-swap step shares. */
interface CopySwap {
  table: string;
  /** The table's schema with its dot ("billing."), or "" for an unqualified table. */
  schema: string;
  base: string;
  pkName: string;
  pk: string;
  names: { fresh: string; old: string; sync: string; back: string; cursor: string };
  /** The live table, the copy and the old table after the swap, quoted. */
  t: string;
  fresh: string;
  old: string;
  /** The constraint's name, quoted. */
  n: string;
  q: (n: string) => string;
  ident: (n: string) => string;
  execute: string;
}

function copySwapNames(ctx: RecipeContext, name: string): CopySwap {
  const table = ctx.answers.table;
  const schema = table.includes(".") ? table.slice(0, table.lastIndexOf(".") + 1) : "";
  const base = bareName(table);
  const pkName = ctx.answers.details?.primary_key ?? "id";
  const names = {
    fresh: constraintName(base, "excl_new"),
    old: constraintName(base, "excl_old"),
    sync: constraintName(base, "excl_sync"),
    back: constraintName(base, "excl_back"),
    cursor: constraintName("mw_copy", base, "cursor"),
  };
  const q = (n: string) => quoteTable("postgresql", schema + n);
  const ident = (n: string) => quoteIdent("postgresql", n);
  return {
    table,
    schema,
    base,
    pkName,
    pk: quoteIdent("postgresql", pkName),
    names,
    t: quoteTable("postgresql", table),
    fresh: q(names.fresh),
    old: q(names.old),
    n: ident(name),
    q,
    ident,
    execute: ctx.caps.has("executeFunctionTrigger") ? "EXECUTE FUNCTION" : "EXECUTE PROCEDURE",
  };
}

function mirrorFunction(k: CopySwap, fn: string, target: string): Statement {
  return stmt(
    dollarBody([
      `CREATE OR REPLACE FUNCTION ${k.q(fn)}() RETURNS trigger LANGUAGE plpgsql AS $$`,
      "BEGIN",
      "  IF TG_OP IN ('UPDATE', 'DELETE') THEN",
      `    DELETE FROM ${target} WHERE ${k.pk} = OLD.${k.pk};`,
      "  END IF;",
      "  IF TG_OP IN ('INSERT', 'UPDATE') THEN",
      `    INSERT INTO ${target} OVERRIDING SYSTEM VALUE VALUES (NEW.*);`,
      "  END IF;",
      "  RETURN NULL;",
      "END $$;",
    ].join("\n")),
    "none",
    [],
    { why: `Mirrors every insert, update and delete into ${target}, in the same transaction as the write.` },
  );
}

const mirrorTrigger = (k: CopySwap, fn: string, on: string, onTable: string): Statement =>
  stmt(`CREATE TRIGGER ${k.ident(fn)} AFTER INSERT OR UPDATE OR DELETE ON ${on} FOR EACH ROW ${k.execute} ${k.q(fn)}();`, "SHARE ROW EXCLUSIVE", [onTable]);

const dropTrigger = (k: CopySwap, fn: string, on: string, onTable: string): Statement =>
  stmt(`DROP TRIGGER IF EXISTS ${k.ident(fn)} ON ${on};`, "ACCESS EXCLUSIVE", [onTable]);

const lockBoth = (a: string, b: string, tables: string[]): Statement =>
  stmt(`LOCK TABLE ${a}, ${b} IN ACCESS EXCLUSIVE MODE;`, "ACCESS EXCLUSIVE", tables, {
    why: "Take both locks up front, in a fixed order, so the renames cannot deadlock with the triggers.",
  });

const renameTable = (k: CopySwap, from: string, to: string, tableNow: string): Statement =>
  stmt(`ALTER TABLE ${from} RENAME TO ${k.ident(to)};`, "ACCESS EXCLUSIVE", [tableNow]);

const triggerCheck = (fn: string, onTable: string): Check => ({
  description: `Trigger ${fn} is on ${onTable}`,
  sql: `SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = ${regclass("postgresql", onTable)} AND tgname = ${literal(fn)}) AS ok;`,
});

const GATE_WHY =
  "a new table gets the constraint while empty, a trigger mirrors every write into it, a batched copy fills it, and two renames swap it in. " +
  "Foreign keys and views follow a table by identity, not by name, so after the swap they would still point at the old table: " +
  "this plan requires none (or re-create them on the new table yourself). It also requires no stored generated columns.";

/** Read-only: no conflicting rows, and no foreign key or view that would stay on the old table after the swap. */
function gatePhase(ctx: RecipeContext, k: CopySwap, ex: Exclusion): PhaseDraft {
  const { table } = k;
  const rel = regclass("postgresql", table);
  return {
    title: "Confirm the table can be swapped",
    kind: "verify",
    why: `${NO_ONLINE_PATH} At this size that would block ${table} for the whole build, so this plan copies the table instead: ` + GATE_WHY,
    statements: [],
    rollback: [], // read-only: nothing to undo
    checks: [
      noConflictsCheck(ctx, ex),
      {
        description: `No foreign key references ${table} or is defined on it`,
        sql: `SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE contype = 'f' AND (conrelid = ${rel} OR confrelid = ${rel})) AS ok;`,
      },
      {
        description: `No view depends on ${table}`,
        sql: `SELECT NOT EXISTS (SELECT 1 FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid WHERE d.refobjid = ${rel} AND r.ev_class <> ${rel}) AS ok;`,
      },
    ],
    estimate: estimate.scan(ctx.answers.approx_rows, "for the conflict self-join, without blocking writes (an index on the constrained columns helps)"),
    deploy:
      "Deploy code that handles SQLSTATE 23P01 (exclusion_violation) on writes to this table: from the next phase on, a conflicting write fails " +
      "(the trigger's insert into the new table is rejected).",
  };
}

/** An empty copy with the constraint, and the trigger that mirrors every live write into it. */
function expandPhase(ctx: RecipeContext, k: CopySwap, ex: Exclusion, body: string, name: string) {
  const { table, schema, names, t, fresh } = k;
  return finishPhase(ctx, {
    title: `Create ${names.fresh} with the constraint and mirror writes into it`,
    kind: "expand",
    why:
      "Adding the constraint to an empty copy is instant. The AFTER trigger copies each write made to the live table into the new one, " +
      "so the batched copy only has to move the rows that existed before.",
    statements: [
      ...(needsBtreeGist(ex) ? [btreeGist()] : []),
      stmt(`CREATE TABLE ${fresh} (LIKE ${t} INCLUDING ALL);`, "ACCESS SHARE", [table], {
        why: "Same columns, defaults, identity, indexes and checks as the live table.",
      }),
      stmt(`ALTER TABLE ${fresh} ADD CONSTRAINT ${k.n} EXCLUDE ${body};`, "ACCESS EXCLUSIVE", [schema + names.fresh], {
        why: "The new table is empty and unused: the lock blocks nobody.",
      }),
      mirrorFunction(k, names.sync, fresh),
      mirrorTrigger(k, names.sync, t, table),
    ],
    rollback: [dropTrigger(k, names.sync, t, table), stmt(`DROP FUNCTION IF EXISTS ${k.q(names.sync)}();`, "none", []), stmt(`DROP TABLE IF EXISTS ${fresh};`, "ACCESS EXCLUSIVE", [schema + names.fresh])],
    checks: [constraintCheck(schema + names.fresh, name), triggerCheck(names.sync, table)],
    estimate: estimate.catalogOnly(ctx),
  });
}

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
function copyPhase(ctx: RecipeContext, k: CopySwap) {
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

/**
 * Reads the highest key through the primary-key index (one row, any key type); only a key that owns
 * a sequence (identity, which LIKE copied with a fresh sequence) has its sequence moved.
 */
function resetSequence(k: CopySwap): Statement {
  return stmt(
    [
      "SELECT setval(s.seq, coalesce(m.top::text::bigint, 0) + 1, false)",
      `FROM (SELECT pg_get_serial_sequence(${literal(k.t)}, ${literal(k.pkName)}) AS seq) s`,
      `LEFT JOIN LATERAL (SELECT ${k.pk} AS top FROM ${k.t} ORDER BY ${k.pk} DESC LIMIT 1) m ON true`,
      "WHERE s.seq IS NOT NULL;",
    ].join("\n"),
    "ACCESS SHARE",
    [k.table],
    { why: "An identity column got its own sequence in the copy: move it past the highest key so new rows do not collide." },
  );
}

/** Retried by the migration itself (lock-retry.ts): a lock wait that times out under traffic is tried again, not a failed phase. */
function swapPhase(ctx: RecipeContext, k: CopySwap, name: string) {
  const { table, schema, base, names, t, fresh, old } = k;
  return finishRetriedPhase(ctx, {
    title: `Swap ${names.fresh} in for ${table}`,
    kind: "switch",
    why:
      "In one short transaction: stop mirroring, rename the live table away and the copy into its place, and start mirroring back into the " +
      "old table so this phase can be rolled back without losing writes. The application keeps using the same table name.",
    statements: [
      lockBoth(t, fresh, [table, schema + names.fresh]),
      dropTrigger(k, names.sync, t, table),
      renameTable(k, t, names.old, table),
      renameTable(k, fresh, base, schema + names.fresh),
      resetSequence(k),
      mirrorFunction(k, names.back, old),
      mirrorTrigger(k, names.back, t, table),
    ],
    rollback: [
      lockBoth(t, old, [table, schema + names.old]),
      dropTrigger(k, names.back, t, table),
      renameTable(k, t, names.fresh, table),
      renameTable(k, old, base, schema + names.old),
      mirrorTrigger(k, names.sync, t, table),
    ],
    checks: [constraintCheck(table, name), triggerCheck(names.back, table)],
    estimate: estimate.catalogOnly(ctx),
  });
}

/** Serial sequences owned by the old table's columns go to the new table, then the old table is dropped. */
function handOverSequencesAndDrop(k: CopySwap): Statement {
  return stmt(
    dollarBody([
      "DO $$",
      "DECLARE r record;",
      "BEGIN",
      "  FOR r IN SELECT d.objid::regclass AS seq, a.attname FROM pg_depend d",
      "    JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'",
      "    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid",
      `    WHERE d.refobjid = ${regclass("postgresql", k.schema + k.names.old)} AND d.deptype = 'a'`,
      "  LOOP",
      `    EXECUTE format('ALTER SEQUENCE %s OWNED BY %s.%I', r.seq, ${literal(k.t)}, r.attname);`,
      "  END LOOP;",
      `  DROP TABLE ${k.old};`,
      "END $$;",
    ].join("\n")),
    "ACCESS EXCLUSIVE",
    [k.schema + k.names.old],
    {
      why:
        "Serial sequences belong to the old table's columns and dropping it would take them (and the new table's defaults) along: " +
        "hand them to the new table, then drop the old one, in one statement.",
    },
  );
}

function contractPhase(ctx: RecipeContext, k: CopySwap) {
  const { table, names, t } = k;
  return finishPhase(ctx, {
    title: `Drop the old table ${names.old}`,
    kind: "contract",
    why:
      "Once the new table has run in production long enough to trust it, stop mirroring back and drop the old copy. Sequences owned by " +
      "the old table's serial columns are handed to the new table first, since its column defaults still use them.",
    statements: [
      dropTrigger(k, names.back, t, table),
      stmt(`DROP FUNCTION IF EXISTS ${k.q(names.back)}();`, "none", []),
      stmt(`DROP FUNCTION IF EXISTS ${k.q(names.sync)}();`, "none", []),
      handOverSequencesAndDrop(k),
    ],
    irreversible: `Drops ${names.old}: after this, going back means restoring it from a backup.`,
    checks: [{ description: `${names.old} is gone`, sql: `SELECT to_regclass(${literal(k.old)}) IS NULL AS ok;` }],
    estimate: estimate.catalogOnly(ctx),
  });
}

/**
 * Copy-and-swap: verify, create an empty copy with the constraint, mirror writes with a trigger, copy the
 * existing rows in batches, swap the tables by renaming (with a reverse trigger for rollback), drop the old one later.
 */
function copyAndSwap(ctx: RecipeContext, ex: Exclusion, body: string, name: string): RecipeResult {
  const k = copySwapNames(ctx, name);
  return {
    summary: `Add exclusion constraint ${name} on ${k.table} by copy-and-swap (no long lock)`,
    strategy:
      `${NO_ONLINE_PATH} At this size and tolerance a window is not acceptable, so: verify, create an empty copy with the constraint, ` +
      "mirror writes with a trigger, copy existing rows in batches, swap the tables by renaming, and drop the old table later.",
    phases: [gatePhase(ctx, k, ex), expandPhase(ctx, k, ex, body, name), copyPhase(ctx, k), swapPhase(ctx, k, name), contractPhase(ctx, k)],
    warnings: [
      NO_ONLINE_PATH,
      "Copy-and-swap needs free disk space for a second copy of the table and its indexes, and doubles the write work while the trigger runs.",
      "After the swap the new table's indexes and constraints keep the names LIKE gave them (e.g. with an _excl_new prefix): rename them later if your tooling cares.",
    ],
  };
}
