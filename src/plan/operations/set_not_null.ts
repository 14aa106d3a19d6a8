/**
 * set_not_null. `SET NOT NULL` scans the whole table under ACCESS EXCLUSIVE; the NOT NULL pattern
 * (src/plan/recipes/not-null.ts) avoids that. NULLs must be gone first: an optional backfill does it,
 * left out when a probe read every row and found none (the validation still proves it at run time).
 */
import { probeFinding } from "../../schema/model.js";
import { PlanError } from "../errors.js";
import { batchKey, type RecipeContext } from "../context.js";
import { quoteIdent } from "../sql.js";
import { backfillPhase } from "../recipes/batched-update.js";
import { notNullPhases } from "../recipes/not-null.js";
import type { OperationRecipes, RecipeResult } from "../recipe.js";

function plan(ctx: RecipeContext<"set_not_null">): RecipeResult {
  const column = ctx.answers.columns?.[0];
  if (!column) throw new PlanError("set_not_null needs the column in columns[0]", "columns");
  const table = ctx.answers.table;
  const c = quoteIdent(ctx.engine, column.name);
  const probe = probeFinding(ctx.snapshot, "null_count");
  const fill = ctx.answers.details?.set;
  const backfill = fill && !probe?.clean
    ? [
        {
          ...backfillPhase(
            ctx,
            {
              table,
              primaryKey: batchKey(ctx.answers.details),
              set: fill,
              pending: ctx.answers.details?.backfill_where ?? `${c} IS NULL`,
              label: `${table}.${column.name}`,
            },
            `Gives every row that still has NULL in ${column.name} a value, so the constraint can hold.`,
          ),
          rollback: undefined,
          // Without the rollback (the cursor drop) nothing in this phase waits on a strong lock.
          onLockTimeout: undefined,
          irreversible: "The NULLs were replaced; which rows had them is not recorded (restore from a backup to get them back, or fix forward).",
        },
      ]
    : [];
  const phases = notNullPhases(ctx, table, { ...column, nullable: false });
  const warnings =
    fill || probe?.clean
      ? []
      : [`No backfill given (details.set): if ${column.name} still has NULLs, validation fails. Run the first check beforehand, or add details.set.`];
  const probed = probe
    ? ` ${probe.says} ` +
      (probe.clean
        ? "So there is no backfill phase. The run re-checks: a NULL written after the probe makes the validation fail (nothing is changed), and then a backfill is needed."
        : probe.found > 0
          ? fill
            ? "The backfill phase replaces them."
            : "Without a backfill (details.set) the validation will fail."
          : `The rows past the bound were not read, so ${fill ? "the backfill phase stays" : "the first check tells whether a backfill is needed"}.`)
    : "";
  return {
    summary: `Make ${table}.${column.name} NOT NULL${phases.length > 1 ? " without a long lock" : ""}`,
    strategy:
      (phases.length > 1
        ? "The NOT NULL pattern: a NOT VALID constraint (instant), validated separately without blocking traffic, then the real NOT NULL " +
          "where the version allows it without a scan. A plain SET NOT NULL would hold ACCESS EXCLUSIVE for a full-table scan."
        : "One statement: at this size and downtime tolerance the scan under a blocking lock is short (or MySQL does it online).") + probed,
    phases: [...backfill, ...phases],
    warnings,
  };
}

/** One body for both dialects: they differ only in a few clauses. */
export const setNotNull: OperationRecipes<"set_not_null"> = { postgresql: plan, mysql: plan };
