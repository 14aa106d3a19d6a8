/**
 * add_exclusion_constraint. PostgreSQL has no online path: `ADD CONSTRAINT ... EXCLUDE` holds ACCESS EXCLUSIVE
 * for the whole index build, and there is neither NOT VALID nor CONCURRENTLY for it. So either a maintenance
 * window (when size and tolerance allow), or copy-and-swap: a new table with the constraint, kept in sync by
 * a trigger, filled in keyset batches, swapped in by two renames, with a reverse trigger for rollback.
 */
import type { OperationRecipes, RecipeResult } from "../recipe.js";
import { batchKey, type RecipeContext } from "../context.js";
import type { Check, Statement } from "../model.js";
import { PlanError } from "../errors.js";
import { constraintName, quoteIdent, quoteTable } from "../sql.js";
import * as estimate from "../recipes/estimate.js";
import { mayBlockForScan } from "../recipes/size-policy.js";
import { bareName, finishPhase, literal, regclass, stmt, type PhaseDraft } from "../recipes/statements.js";
import { copySwapNames, mirrorFunction, mirrorTrigger, dropTrigger, triggerCheck, type CopySwap } from "../recipes/copy-and-swap/names.js";
import { copyPhase } from "../recipes/copy-and-swap/copy.js";
import { contractPhase, swapPhase } from "../recipes/copy-and-swap/swap.js";

type Ctx = RecipeContext<"add_exclusion_constraint", "postgresql">;

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
function noConflictsCheck(ctx: Ctx, ex: Exclusion): Check {
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

export const addExclusionConstraint: OperationRecipes<"add_exclusion_constraint"> = {
  postgresql: (ctx) => pgPlan(ctx),
  mysql: () => {
    throw new PlanError("MySQL has no exclusion constraints: enforce the rule in the application or with triggers and locking reads", "operation");
  },
};

function pgPlan(ctx: Ctx): RecipeResult {
  const d = ctx.answers.details ?? {};
  if (!d.exclusion) throw new PlanError("add_exclusion_constraint needs the EXCLUDE body, e.g. USING gist (room_id WITH =, during WITH &&)", "details.exclusion");
  const ex = parseExclusion(d.exclusion);
  const name = d.constraint_name ?? constraintName(bareName(ctx.answers.table), "excl");
  return mayBlockForScan(ctx) ? windowPlan(ctx, ex, d.exclusion.trim(), name) : copyAndSwap(ctx, ex, d.exclusion.trim(), name);
}

const NO_ONLINE_PATH =
  "PostgreSQL has no online way to add an exclusion constraint: it builds its index under ACCESS EXCLUSIVE (no reads, no writes) " +
  "and supports neither NOT VALID nor CONCURRENTLY.";

function constraintCheck(table: string, name: string): Check {
  return {
    description: `Exclusion constraint ${name} exists on ${table}`,
    sql: `SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = ${regclass("postgresql", table)} AND conname = ${literal(name)} AND contype = 'x') AS ok;`,
  };
}

function windowPlan(ctx: Ctx, ex: Exclusion, body: string, name: string): RecipeResult {
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

const GATE_WHY =
  "a new table gets the constraint while empty, a trigger mirrors every write into it, a batched copy fills it, and two renames swap it in. " +
  "Foreign keys and views follow a table by identity, not by name, so after the swap they would still point at the old table: " +
  "this plan requires none (or re-create them on the new table yourself). It also requires no stored generated columns.";

/** Read-only: no conflicting rows, and no foreign key or view that would stay on the old table after the swap. */
function gatePhase(ctx: Ctx, k: CopySwap, ex: Exclusion): PhaseDraft {
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
function expandPhase(ctx: Ctx, k: CopySwap, ex: Exclusion, body: string, name: string) {
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

/**
 * Copy-and-swap: verify, create an empty copy with the constraint, mirror writes with a trigger, copy the
 * existing rows in batches, swap the tables by renaming (with a reverse trigger for rollback), drop the old one later.
 */
function copyAndSwap(ctx: Ctx, ex: Exclusion, body: string, name: string): RecipeResult {
  const k = copySwapNames(ctx, "excl", batchKey(ctx.answers.details), name);
  return {
    summary: `Add exclusion constraint ${name} on ${k.table} by copy-and-swap (no long lock)`,
    strategy:
      `${NO_ONLINE_PATH} At this size and tolerance a window is not acceptable, so: verify, create an empty copy with the constraint, ` +
      "mirror writes with a trigger, copy existing rows in batches, swap the tables by renaming, and drop the old table later.",
    phases: [gatePhase(ctx, k, ex), expandPhase(ctx, k, ex, body, name), copyPhase(ctx, k), swapPhase(ctx, k, constraintCheck(k.table, name)), contractPhase(ctx, k)],
    warnings: [
      NO_ONLINE_PATH,
      "Copy-and-swap needs free disk space for a second copy of the table and its indexes, and doubles the write work while the trigger runs.",
      "After the swap the new table's indexes and constraints keep the names LIKE gave them (e.g. with an _excl_new prefix): rename them later if your tooling cares.",
    ],
  };
}
