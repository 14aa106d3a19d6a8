/** PostgreSQL type change in one ALTER: catalog only when binary-coercible, or a rewrite the size and tolerance allow. */
import type { Column } from "../../../answers/schema.js";
import { detailsOf, type RecipeContext } from "../../context.js";
import type { RecipeResult } from "../../recipe.js";
import { thousands } from "../../format.js";
import { quoteIdent, quoteTable } from "../../sql.js";
import * as estimate from "../estimate.js";
import { finishPhase, stmt } from "../statements.js";
import { typeCheck } from "./checks.js";
import { typeShape } from "./type-shape.js";
import { effect } from "../../effects.js";

/** PostgreSQL, binary-coercible change: one catalog-only ALTER (in UTC for timestamp to timestamptz). */
export function pgCatalogOnly(ctx: RecipeContext, column: Column, from: string, to: string, cheap: string): RecipeResult {
  const table = ctx.answers.table;
  const t = quoteTable(ctx.engine, table);
  const c = quoteIdent(ctx.engine, column.name);
  const tz = typeShape(from).base === "timestamp" && typeShape(to).base === "timestamptz";
  return {
    summary: `Change ${table}.${column.name} from ${from} to ${to} (catalog only)`,
    strategy: `Single phase: ${cheap} The ACCESS EXCLUSIVE lock is brief, so only the lock timeout matters.`,
    phases: [
      finishPhase(ctx, {
        title: `Change ${column.name} to ${to}`,
        kind: "expand",
        why: cheap,
        statements: [
          ...(tz ? [{ sql: "SET LOCAL TimeZone = 'UTC';", transaction: true, lock: "none", rewrite: false, setting: true, effects: [effect.setting("TimeZone")], why: "The no-rewrite path only applies in UTC." }] : []),
          stmt(`ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${to};`, "ACCESS EXCLUSIVE", [table], { why: "Binary-coercible: no rewrite, indexes kept.", effects: [effect.alterColumnType(table, column.name)] }),
        ],
        rollback: [stmt(`ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${from};`, "ACCESS EXCLUSIVE", [table], { rewrite: !tz && typeShape(from).base !== "text", why: "Going back may rewrite (narrowing is checked row by row)." })],
        checks: [typeCheck(ctx, column.name, to)],
        estimate: estimate.catalogOnly(ctx),
      }),
    ],
    warnings: tz ? ["timestamp values are interpreted as UTC when they become timestamptz: make sure they were stored in UTC."] : [],
  };
}

/** PostgreSQL, when the size and tolerance allow a rewrite under ACCESS EXCLUSIVE: one ALTER. */
export function pgRewriteInPlace(ctx: RecipeContext, column: Column, from: string, to: string): RecipeResult {
  const table = ctx.answers.table;
  const t = quoteTable(ctx.engine, table);
  const c = quoteIdent(ctx.engine, column.name);
  const using = detailsOf(ctx, "change_column_type").using;
  return {
    summary: `Change ${table}.${column.name} from ${from} to ${to} in one step that rewrites the table`,
    strategy:
      `Single phase accepting a rewrite: ${from} to ${to} rewrites the table and rebuilds its indexes under ACCESS EXCLUSIVE, but at about ` +
      `${thousands(ctx.answers.approx_rows)} rows with "${ctx.answers.downtime_tolerance}" tolerance that is short enough.`,
    phases: [
      finishPhase(ctx, {
        title: `Change ${column.name} to ${to} (rewrites the table)`,
        kind: "expand",
        why: "Reads and writes wait for the whole rewrite.",
        statements: [stmt(`ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${to}${using ? ` USING ${using}` : ""};`, "ACCESS EXCLUSIVE", [table], { rewrite: true, why: "Rewrites every row and rebuilds every index.", effects: [effect.alterColumnType(table, column.name)] })],
        rollback: [stmt(`ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${from} USING ${c}::${from};`, "ACCESS EXCLUSIVE", [table], { rewrite: true })],
        checks: [typeCheck(ctx, column.name, to)],
        estimate: estimate.rewrite(ctx.answers.approx_rows),
      }),
    ],
    warnings: [],
  };
}
