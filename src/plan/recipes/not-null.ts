/**
 * The NOT NULL pattern. `SET NOT NULL` takes ACCESS EXCLUSIVE and scans the whole table. Instead:
 * add `CHECK (c IS NOT NULL) NOT VALID` (instant), `VALIDATE` it in its own transaction (a scan under
 * SHARE UPDATE EXCLUSIVE, which does not block reads or writes), then on PostgreSQL >= 12 `SET NOT NULL`
 * skips its scan because the validated check proves it, and the check can go. On 10 and 11 the validated
 * check stays as the guarantee. PostgreSQL 18 has `NOT NULL ... NOT VALID` itself, so no check is needed.
 * A NOT VALID constraint is still enforced on every later INSERT and UPDATE, so it is added only after
 * the backfill has left no NULL behind.
 */
import type { Column } from "../../answers/schema.js";
import type { RecipeContext } from "../context.js";
import type { Statement } from "../model.js";
import { constraintName, quoteIdent, quoteTable } from "../sql.js";
import { mysqlRestatedDefinition } from "./column-defaults.js";
import * as estimate from "./estimate.js";
import { mayBlockForScan } from "./size-policy.js";
import { bareName, finishPhase, literal, regclass, stmt, type PhaseDraft } from "./statements.js";
import { effect } from "../effects.js";

/**
 * The helper CHECK's name. Not `<table>_<column>_not_null`: from PostgreSQL 18 that is the name of the
 * column's own NOT NULL constraint (a column that is already NOT NULL has it, so the CHECK would fail with
 * 42710, and SET NOT NULL would have to pick `..._not_null1`).
 */
export function notNullCheckName(table: string, column: string): string {
  return constraintName(bareName(table), column, "nn_check");
}

/**
 * The name PostgreSQL 18 gives a column's NOT NULL constraint (`<table>_<column>_not_null`, case kept, the
 * longer part shortened first to fit 63 bytes, as its makeObjectName does). Using the same name makes
 * `ADD CONSTRAINT ... NOT NULL` a no-op on a column that is already NOT NULL, where another name fails (55000).
 */
export function pgNotNullConstraintName(table: string, column: string): string {
  const label = "not_null";
  const name1 = bareName(table);
  let n1 = utf8.encode(name1).length;
  let n2 = utf8.encode(column).length;
  const available = 63 - (label.length + 2);
  while (n1 + n2 > available) {
    if (n1 > n2) n1--;
    else n2--;
  }
  return `${clipBytes(name1, n1)}_${clipBytes(column, n2)}_${label}`;
}

const utf8 = new TextEncoder();

/** The longest prefix of `text` within `bytes` UTF-8 bytes, never splitting a character. */
function clipBytes(text: string, bytes: number): string {
  let out = "";
  let used = 0;
  for (const ch of text) {
    const len = utf8.encode(ch).length;
    if (used + len > bytes) break;
    out += ch;
    used += len;
  }
  return out;
}

function noNullsCheck(ctx: RecipeContext, table: string, column: string) {
  return {
    description: `No NULL left in ${column}`,
    sql: `SELECT count(*) = 0 AS ok FROM ${quoteTable(ctx.engine, table)} WHERE ${quoteIdent(ctx.engine, column)} IS NULL;`,
  };
}

function attnotnullCheck(ctx: RecipeContext, table: string, column: string) {
  return {
    description: `${column} is marked NOT NULL in the catalog`,
    sql: `SELECT attnotnull AS ok FROM pg_attribute WHERE attrelid = ${regclass(ctx.engine, table)} AND attname = ${literal(column)};`,
  };
}

function validatedCheck(ctx: RecipeContext, table: string, name: string) {
  return {
    description: `Constraint ${name} exists and is validated`,
    sql: `SELECT coalesce(bool_and(convalidated), false) AS ok FROM pg_constraint WHERE conrelid = ${regclass(ctx.engine, table)} AND conname = ${literal(name)};`,
  };
}

/** The plan cannot see whether the column was NOT NULL already; if it was, its rollback must keep it so. */
const WAS_NOT_NULL = "Makes the column nullable again. If it was already NOT NULL before this plan ran, skip this statement.";

/** The column being made NOT NULL, with its quoted table and name. */
interface Target {
  table: string;
  column: Column;
  t: string;
  c: string;
}

/** MySQL: an online in-place rebuild with the definition restated as NOT NULL. */
function mysqlNotNullPhase(ctx: RecipeContext, { table, column, t, c }: Target): PhaseDraft {
  const def = `${c} ${mysqlRestatedDefinition(column, { nullable: false })}`;
  return finishPhase(ctx, {
    title: `Make ${column.name} NOT NULL`,
    kind: "contract",
    why:
      "MySQL makes a column NOT NULL by rebuilding the table in place; with LOCK=NONE reads and writes continue during the rebuild " +
      "(strict SQL mode must be on, or the statement is refused). It fails if any NULL is left, so it runs after the backfill.",
    statements: [
      stmt(`ALTER TABLE ${t} MODIFY COLUMN ${def}, ALGORITHM=INPLACE, LOCK=NONE;`, "INPLACE, LOCK=NONE", [table], {
        rewrite: true,
        effects: [effect.setNotNull(table, column.name)],
        why: "Online rebuild: the brief metadata locks at the start and end are the only blocking moments.",
      }),
    ],
    rollback: [
      stmt(`ALTER TABLE ${t} MODIFY COLUMN ${c} ${mysqlRestatedDefinition(column, { nullable: true })}, ALGORITHM=INPLACE, LOCK=NONE;`, "INPLACE, LOCK=NONE", [table], {
        rewrite: true,
      }),
    ],
    checks: [noNullsCheck(ctx, table, column.name)],
    estimate: estimate.rewrite(ctx.answers.approx_rows),
  });
}

/** PostgreSQL, when a short block is acceptable: one SET NOT NULL that scans under ACCESS EXCLUSIVE. */
function scanningSetNotNullPhase(ctx: RecipeContext, { table, column, t, c }: Target): PhaseDraft {
  return finishPhase(ctx, {
    title: `Make ${column.name} NOT NULL`,
    kind: "contract",
    why:
      "SET NOT NULL scans the table under ACCESS EXCLUSIVE to prove there is no NULL. At this size and downtime tolerance the scan " +
      "is short enough to accept, so the check-constraint detour is not worth its extra steps.",
    statements: [
      stmt(`ALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL;`, "ACCESS EXCLUSIVE", [table], {
        scan: true,
        effects: [effect.setNotNull(table, column.name)],
        why: "One statement: blocks reads and writes while it scans the table.",
      }),
    ],
    rollback: [stmt(`ALTER TABLE ${t} ALTER COLUMN ${c} DROP NOT NULL;`, "ACCESS EXCLUSIVE", [table], { why: WAS_NOT_NULL })],
    checks: [attnotnullCheck(ctx, table, column.name)],
    estimate: estimate.scan(ctx.answers.approx_rows, "under ACCESS EXCLUSIVE"),
  });
}

/** VALIDATE CONSTRAINT: the scan, under SHARE UPDATE EXCLUSIVE, in its own transaction. */
function validatePhase(ctx: RecipeContext, { table, column, t }: Target, n: string, name: string, native: boolean): PhaseDraft {
  return finishPhase(ctx, {
    title: `Validate the NOT NULL constraint on ${column.name}`,
    kind: "verify",
    why:
      "VALIDATE CONSTRAINT scans the table to prove no row has a NULL, holding only SHARE UPDATE EXCLUSIVE: reads and writes carry on. " +
      "It runs in its own transaction so the ACCESS EXCLUSIVE lock from adding the constraint was released long before. " +
      "If it fails, a NULL is still there: rerun the backfill and validate again.",
    statements: [
      stmt(`ALTER TABLE ${t} VALIDATE CONSTRAINT ${n};`, "SHARE UPDATE EXCLUSIVE", [table], {
        scan: true,
        why: "The full scan happens here, without blocking the application.",
      }),
    ],
    rollback: [],
    checks: [validatedCheck(ctx, table, name), ...(native ? [attnotnullCheck(ctx, table, column.name)] : [])],
    estimate: estimate.scan(ctx.answers.approx_rows, "under SHARE UPDATE EXCLUSIVE (no blocking)"),
  });
}

const NATIVE_NOT_VALID_WHY =
  "PostgreSQL 18 can add a NOT NULL constraint as NOT VALID: new and updated rows are checked at once, existing rows are " +
  "not scanned, so the ACCESS EXCLUSIVE lock lasts milliseconds. Validation follows separately. The constraint gets the " +
  "name PostgreSQL itself would give it, so on a column that is already NOT NULL this step changes nothing.";

const CHECK_NOT_VALID_WHY =
  "A NOT VALID check constraint is enforced for new and updated rows immediately but does not scan existing rows, so its " +
  "ACCESS EXCLUSIVE lock lasts milliseconds. It is added after the backfill because it rejects any update of a row that is still NULL.";

/** The instant first step: NOT NULL NOT VALID (PostgreSQL 18) or CHECK (c IS NOT NULL) NOT VALID. */
function addNotValidPhase(ctx: RecipeContext, { table, column, t, c }: Target, n: string, native: boolean, dropIt: Statement): PhaseDraft {
  return finishPhase(ctx, {
    title: native ? `Add NOT NULL on ${column.name} as NOT VALID` : `Add CHECK (${column.name} IS NOT NULL) as NOT VALID`,
    kind: "expand",
    why: native ? NATIVE_NOT_VALID_WHY : CHECK_NOT_VALID_WHY,
    statements: [
      stmt(native ? `ALTER TABLE ${t} ADD CONSTRAINT ${n} NOT NULL ${c} NOT VALID;` : `ALTER TABLE ${t} ADD CONSTRAINT ${n} CHECK (${c} IS NOT NULL) NOT VALID;`, "ACCESS EXCLUSIVE", [table], {
        why: "Catalog only: no scan.",
      }),
    ],
    rollback: [dropIt],
    checks: [noNullsCheck(ctx, table, column.name)],
    estimate: estimate.catalogOnly(ctx),
  });
}

/** PostgreSQL 12+: SET NOT NULL without a scan, proven by the validated check, which is then dropped. */
function setNotNullDropCheckPhase(ctx: RecipeContext, { table, column, t, c }: Target, n: string): PhaseDraft {
  return finishPhase(ctx, {
    title: `Set ${column.name} NOT NULL and drop the helper check`,
    kind: "contract",
    why:
      "From PostgreSQL 12, SET NOT NULL skips its table scan when a validated CHECK (c IS NOT NULL) proves there is no NULL, " +
      "so the ACCESS EXCLUSIVE lock is brief. The check is then redundant and is dropped.",
    statements: [
      stmt(`ALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL;`, "ACCESS EXCLUSIVE", [table], {
        effects: [effect.setNotNull(table, column.name)],
        why: "No scan: the validated check proves the column has no NULL.",
      }),
      stmt(`ALTER TABLE ${t} DROP CONSTRAINT ${n};`, "ACCESS EXCLUSIVE", [table], { why: "Redundant now." }),
    ],
    rollback: [
      stmt(`ALTER TABLE ${t} ADD CONSTRAINT ${n} CHECK (${c} IS NOT NULL) NOT VALID;`, "ACCESS EXCLUSIVE", [table]),
      stmt(`ALTER TABLE ${t} ALTER COLUMN ${c} DROP NOT NULL;`, "ACCESS EXCLUSIVE", [table], { why: WAS_NOT_NULL }),
    ],
    checks: [attnotnullCheck(ctx, table, column.name)],
    estimate: estimate.catalogOnly(ctx),
  });
}

const CHECK_STAYS_BEFORE_12 =
  " Before PostgreSQL 12, SET NOT NULL cannot use this check and would scan under ACCESS EXCLUSIVE, so the validated check " +
  "stays as the guarantee. After upgrading to 12 or later, SET NOT NULL becomes a catalog-only step and the check can be dropped.";

/**
 * Phases that make `column` NOT NULL once no NULL is left in it. `column.type` is needed on MySQL,
 * whose MODIFY restates the whole definition.
 */
export function notNullPhases(ctx: RecipeContext, table: string, column: Column): PhaseDraft[] {
  const target: Target = { table, column, t: quoteTable(ctx.engine, table), c: quoteIdent(ctx.engine, column.name) };
  if (ctx.engine === "mysql") return [mysqlNotNullPhase(ctx, target)];
  if (mayBlockForScan(ctx)) return [scanningSetNotNullPhase(ctx, target)];

  const native = ctx.caps.has("notNullNotValid");
  const name = native ? pgNotNullConstraintName(table, column.name) : notNullCheckName(table, column.name);
  const n = quoteIdent(ctx.engine, name);
  const dropIt = stmt(`ALTER TABLE ${target.t} DROP CONSTRAINT IF EXISTS ${n};`, "ACCESS EXCLUSIVE", [table], {
    why: native ? WAS_NOT_NULL : "Removes the helper check.",
  });
  const validate = validatePhase(ctx, target, n, name, native);
  const add = addNotValidPhase(ctx, target, n, native, dropIt);
  if (native) return [add, validate];
  if (!ctx.caps.has("notNullFromValidCheck")) return [add, { ...validate, why: validate.why + CHECK_STAYS_BEFORE_12 }];
  return [add, validate, setNotNullDropCheckPhase(ctx, target, n)];
}
