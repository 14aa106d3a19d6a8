/**
 * change_column_type of an integer primary key to bigint, with a schema snapshot: the recipe GitLab runs in
 * production. Bigint twins kept in step by triggers (the key and every referencing column in child tables),
 * batched backfills, the unique index / index copies / NOT NULL checks / child foreign keys built without
 * blocking writes, one short transaction that swaps everything, and the old columns dropped last.
 */
import type { RecipeContext } from "../../context.js";
import type { RecipeResult } from "../../recipe.js";
import { thousands } from "../../format.js";
import {  } from "../../sql.js";
import * as estimate from "../estimate.js";
import { finishPhase, literal, regclass } from "../statements.js";
import { bigintKeyMembers } from "./members.js";
import { all, backfillPhases, buildPhase, expandPhase } from "./prepare.js";
import { contractStatements, swapRollback, swapStatements } from "./swap.js";

/** The plan, or undefined when there is no snapshot or the column is not an integer primary key (the general recipe applies). */
export function bigintKeyPlan(ctx: RecipeContext, column: string, to: string): RecipeResult | undefined {
  if (!ctx.snapshot || ctx.engine !== "postgresql") return undefined;
  const mm = bigintKeyMembers(ctx.snapshot, ctx.answers.table, column, to);
  if (typeof mm === "string") return undefined;
  const p = mm.parent;
  const typeChecks = all(mm).map((m) => ({
    description: `${m.tableName}.${m.column.name} is bigint`,
    sql: `SELECT atttypid = 'bigint'::regtype AS ok FROM pg_attribute WHERE attrelid = ${regclass(ctx.engine, m.tableName)} AND attname = ${literal(m.column.name)} AND NOT attisdropped;`,
  }));
  const swap = finishPhase(ctx, {
    title: `Swap the bigint columns in: primary key, ${p.column.sequence ? "sequence, " : ""}foreign keys, indexes`,
    kind: "switch",
    why:
      `One short transaction: lock the tables, drop the sync triggers and the old constraints, make ${p.newKeyIndex} the primary key (USING INDEX: no build), ` +
      `move the ${p.column.identity ? "identity" : "sequence and default"} to the new column${p.column.identity ? "" : " and raise the sequence to bigint"}, swap the column names, ` +
      "give the new indexes and foreign keys the old names, and re-create the views. Every statement is catalog-only, so the locks are held for milliseconds.",
    statements: swapStatements(ctx, mm),
    rollback: swapRollback(ctx, mm),
    checks: [
      ...typeChecks,
      {
        description: `${p.pkName} is the primary key on ${p.column.name}`,
        sql: `SELECT count(*) = 1 AS ok FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] WHERE c.conrelid = ${regclass(ctx.engine, p.tableName)} AND c.contype = 'p' AND a.attname = ${literal(p.column.name)} AND a.atttypid = 'bigint'::regtype;`,
      },
    ],
    estimate: estimate.catalogOnly(ctx),
    deploy: `Watch errors for a while (an ORM may cache column types until restarted). The rollback of this phase works while every new ${p.column.name} still fits ${p.column.type}.`,
  });
  const contract = finishPhase(ctx, {
    title: "Drop the old integer columns",
    kind: "contract",
    why: "Nothing uses them any more. This is the step that cannot be undone.",
    statements: contractStatements(ctx, mm),
    irreversible: "The old integer columns and their indexes are dropped; going back means converting again (fix forward).",
    checks: all(mm).map((m) => ({
      description: `${m.tableName}.${m.oldName} is gone`,
      sql: `SELECT count(*) = 0 AS ok FROM pg_attribute WHERE attrelid = ${regclass(ctx.engine, m.tableName)} AND attname = ${literal(m.oldName)} AND NOT attisdropped;`,
    })),
    estimate: estimate.catalogOnly(ctx),
  });
  const warnings = [...mm.notes];
  if (!ctx.caps.has("notNullFromValidCheck")) warnings.push("Before PostgreSQL 12, SET NOT NULL in the swap scans the table under ACCESS EXCLUSIVE even with the validated CHECK.");
  if (mm.views.length) warnings.push(`The swap re-creates ${mm.views.map((v) => v.name).join(", ")}: grants on ${mm.views.length === 1 ? "it" : "them"} must be given again.`);
  const children = mm.children.map((c) => `${c.tableName}.${c.column.name}`);
  return {
    summary: `Convert ${p.tableName}.${p.column.name} from ${p.column.type} to bigint${children.length ? ` with ${children.join(", ")}` : ""} without blocking writes`,
    strategy:
      `${p.column.name} is ${p.tableName}'s primary key${children.length ? `, referenced by ${children.join(", ")}` : ""}; ALTER TYPE would rewrite ` +
      `${children.length ? "each table" : "the table"} and its indexes under ACCESS EXCLUSIVE (about ${thousands(ctx.answers.approx_rows)} rows). ` +
      "Instead, read from the schema: bigint twins kept in step by triggers, batched backfills, the unique index, index copies, NOT NULL checks and " +
      "the children's foreign keys built without blocking writes, one short swap transaction, and the old columns dropped last.",
    phases: [expandPhase(ctx, mm), ...backfillPhases(ctx, mm), buildPhase(ctx, mm), swap, contract],
    warnings,
  };
}
