/**
 * add_check_constraint. A plain `ADD CONSTRAINT ... CHECK` scans every row under ACCESS EXCLUSIVE.
 * PostgreSQL: add it `NOT VALID` (instant; new rows checked), fix violating rows, `VALIDATE` separately
 * under SHARE UPDATE EXCLUSIVE. MySQL: enforced only from 8.0.16, and adding one rebuilds the table (COPY).
 */
import { probeFinding } from "../../schema/model.js";
import { bareName } from "../encode.js";
import type { OperationRecipes, RecipeResult } from "../recipe.js";
import type { RecipeContext } from "../context.js";
import type { Dialect } from "../../engines/index.js";
import type { Check } from "../model.js";
import { PlanError } from "../errors.js";
import { quoteIdent, quoteTable } from "../sql.js";
import { defaultName } from "../recipes/concurrent-index.js";
import { mysqlOnlineDdlWarnings } from "../recipes/mysql-online.js";
import { mayBlockForScan } from "../recipes/size-policy.js";
import { finishPhase, literal, regclass, stmt } from "../recipes/statements.js";
import * as estimate from "../recipes/estimate.js";

type Ctx<D extends Dialect = Dialect> = RecipeContext<"add_check_constraint", D>;

/** The constraint's name and its boolean expression. */
function checkSpec(ctx: Ctx): { name: string; expr: string } {
  const { answers } = ctx;
  const d = answers.details ?? {};
  if (!d.check?.trim()) throw new PlanError("add_check_constraint needs the boolean expression", "details.check");
  const expr = d.check.trim();
  const columns = (answers.columns ?? []).map((c) => c.name);
  const name = d.constraint_name ?? defaultName(answers.table, columns.length ? columns : ["value"], "check");
  return { name, expr };
}

export const addCheckConstraint: OperationRecipes<"add_check_constraint"> = {
  postgresql: (ctx) => pgPlan(ctx, checkSpec(ctx)),
  mysql: (ctx) => mysqlPlan(ctx, checkSpec(ctx)),
};

/** Rows that break the rule: NOT (expr) is true. Rows where expr is NULL pass a CHECK, as here. */
function noViolationsCheck(ctx: Ctx, expr: string): Check {
  return {
    description: `No existing row breaks CHECK (${expr})`,
    sql: `SELECT NOT EXISTS (SELECT 1 FROM ${quoteTable(ctx.engine, ctx.answers.table)} WHERE NOT (${expr})) AS ok;`,
  };
}

const FIX =
  "If the violation check fails, some existing rows break the rule: correct them (the check's inner query lists them), " +
  "then validate. New and updated rows are already checked.";

/** The fix advice, or what the probe found: with every row read and none breaking the rule, there is nothing to fix. */
function fixAdvice(ctx: Ctx): string {
  const probe = probeFinding(ctx.snapshot, "check_violations");
  if (!probe) return FIX;
  if (!probe.clean) return `${probe.says} ${FIX}`;
  return `${probe.says} So no row needs fixing. The run re-checks: the violation check and the validation fail on a breaking row written after the probe.`;
}

function pgPlan(ctx: Ctx<"postgresql">, { name, expr }: { name: string; expr: string }): RecipeResult {
  const table = ctx.answers.table;
  const t = quoteTable("postgresql", table);
  const n = quoteIdent("postgresql", name);
  const drop = stmt(`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${n};`, "ACCESS EXCLUSIVE", [table]);
  const validated: Check = {
    description: `Constraint ${name} exists and is validated`,
    sql: `SELECT coalesce(bool_and(convalidated), false) AS ok FROM pg_constraint WHERE conrelid = ${regclass("postgresql", table)} AND conname = ${literal(name)} AND contype = 'c';`,
  };
  const rows = ctx.answers.approx_rows;

  if (mayBlockForScan(ctx)) {
    return {
      summary: `Add CHECK (${expr}) as ${name} on ${table}`,
      strategy: "One phase: at this size and tolerance the validating scan under ACCESS EXCLUSIVE is short enough to accept.",
      phases: [
        finishPhase(ctx, {
          title: `Add constraint ${name} CHECK (${expr})`,
          kind: "expand",
          why: "ADD CONSTRAINT ... CHECK scans every row while holding ACCESS EXCLUSIVE; on a table this size that is a brief pause. " + fixAdvice(ctx),
          statements: [stmt(`ALTER TABLE ${t} ADD CONSTRAINT ${n} CHECK (${expr});`, "ACCESS EXCLUSIVE", [table], { scan: true })],
          rollback: [drop],
          checks: [validated],
          estimate: estimate.scan(rows, "under ACCESS EXCLUSIVE"),
        }),
      ],
      warnings: [],
    };
  }
  return {
    summary: `Add CHECK (${expr}) as ${name} on ${table} without a blocking scan`,
    strategy: "Add the constraint NOT VALID (instant, enforced for new rows), then VALIDATE it in its own transaction without blocking.",
    phases: [
      finishPhase(ctx, {
        title: `Add constraint ${name} as NOT VALID`,
        kind: "expand",
        why:
          "NOT VALID skips the scan of existing rows, so the ACCESS EXCLUSIVE lock lasts milliseconds; every new or updated row is " +
          "checked from now on. " +
          fixAdvice(ctx),
        statements: [stmt(`ALTER TABLE ${t} ADD CONSTRAINT ${n} CHECK (${expr}) NOT VALID;`, "ACCESS EXCLUSIVE", [table], { why: "Catalog only: no scan." })],
        rollback: [drop],
        checks: [noViolationsCheck(ctx, expr)],
        estimate: estimate.catalogOnly(ctx),
      }),
      finishPhase(ctx, {
        title: `Validate constraint ${name}`,
        kind: "verify",
        why:
          "VALIDATE CONSTRAINT scans the table holding only SHARE UPDATE EXCLUSIVE: reads and writes carry on. It runs in its own " +
          "transaction so the ACCESS EXCLUSIVE lock of the previous phase was released long before.",
        statements: [stmt(`ALTER TABLE ${t} VALIDATE CONSTRAINT ${n};`, "SHARE UPDATE EXCLUSIVE", [table], { scan: true })],
        rollback: [],
        checks: [validated],
        estimate: estimate.scan(rows, "under SHARE UPDATE EXCLUSIVE (no blocking)"),
      }),
    ],
    warnings: [],
  };
}

function mysqlPlan(ctx: Ctx<"mysql">, { name, expr }: { name: string; expr: string }): RecipeResult {
  if (!ctx.caps.has("checkConstraintsEnforced")) {
    throw new PlanError(
      `MySQL ${ctx.version} parses CHECK constraints but never enforces them (enforcement starts in 8.0.16): upgrade, or enforce the rule in the application or a trigger`,
      "engine_version",
    );
  }
  const table = ctx.answers.table;
  const t = quoteTable("mysql", table);
  const n = quoteIdent("mysql", name);
  const warnings = mysqlOnlineDdlWarnings(ctx);
  if (ctx.size !== "small") {
    warnings.push(
      "Adding a CHECK constraint in MySQL copies the table (ALGORITHM=COPY) with writes blocked for the whole copy. At this size use gh-ost or pt-online-schema-change to add it, or a maintenance window.",
    );
  }
  return {
    summary: `Add CHECK (${expr}) as ${name} on ${table}`,
    strategy: "Prove no row breaks the rule first, then add the constraint (a table copy in MySQL).",
    phases: [
      {
        title: "Confirm no existing row breaks the rule",
        kind: "verify",
        why: "MySQL validates every row while copying the table; a single violation aborts the copy after all that work. " + fixAdvice(ctx),
        statements: [],
        rollback: [], // read-only: nothing to undo
        checks: [noViolationsCheck(ctx, expr)],
        estimate: estimate.scan(ctx.answers.approx_rows, "without blocking writes"),
      },
      finishPhase(ctx, {
        title: `Add constraint ${name} CHECK (${expr})`,
        kind: "expand",
        why: "MySQL has no NOT VALID: the constraint is checked against every row while the table is copied; reads continue, writes wait.",
        statements: [
          stmt(`ALTER TABLE ${t} ADD CONSTRAINT ${n} CHECK (${expr}), ALGORITHM=COPY, LOCK=SHARED;`, "COPY, LOCK=SHARED", [table], {
            rewrite: true,
            scan: true,
          }),
        ],
        // DROP CHECK is MySQL's (8.0.16+, with enforcement); MariaDB drops a CHECK with DROP CONSTRAINT.
        rollback: [stmt(`ALTER TABLE ${t} ${ctx.caps.has("dropCheckSyntax") ? "DROP CHECK" : "DROP CONSTRAINT"} ${n};`, "metadata lock", [table])],
        checks: [
          {
            description: `Constraint ${name} exists and is enforced`,
            sql:
              `SELECT COUNT(*) > 0 AS ok FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND ` +
              `TABLE_NAME = ${literal(bareName(table))} AND CONSTRAINT_NAME = ${literal(name)} AND CONSTRAINT_TYPE = 'CHECK'${ctx.caps.has("enforcedColumn") ? " AND ENFORCED = 'YES'" : ""};`,
          },
        ],
        estimate: estimate.rewrite(ctx.answers.approx_rows),
      }),
    ],
    warnings,
  };
}
