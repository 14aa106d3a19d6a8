/**
 * add_primary_key. `ADD PRIMARY KEY (cols)` builds the index under ACCESS EXCLUSIVE and, for nullable
 * columns, scans for NULLs under that lock. Instead: make the columns NOT NULL with the check pattern
 * (recipes/not-null.ts), build the unique index concurrently, then `ADD PRIMARY KEY USING INDEX` (instant).
 */
import type { OperationRecipes, RecipeResult } from "../recipe.js";
import type { RecipeContext } from "../context.js";
import type { Dialect } from "../../engines/index.js";
import type { Check } from "../model.js";
import { PlanError } from "../errors.js";
import { quoteIdent, quoteTable } from "../sql.js";
import { objectName } from "../names.js";
import {
  concurrentIndexWarnings,
  createIndexConcurrently,
  dropIndexConcurrently,
  indexBuildEstimate,
  indexValidCheck,
  invalidIndexAdvice,
  useConcurrently,
  type IndexSpec,
} from "../recipes/concurrent-index.js";
import { columnDefinition } from "../recipes/column-defaults.js";
import { mysqlOnlineDdlWarnings } from "../recipes/mysql-online.js";
import { notNullPhases } from "../recipes/not-null.js";
import { bareName, finishPhase, literal, regclass, stmt, type PhaseDraft } from "../recipes/statements.js";
import * as estimate from "../recipes/estimate.js";

type Ctx<D extends Dialect = Dialect> = RecipeContext<"add_primary_key", D>;

/** The constraint's name (MySQL's primary key is always named PRIMARY, yet the name is taken on both). */
function keyName(ctx: Ctx): string {
  const { answers } = ctx;
  const columns = answers.columns ?? [];
  if (columns.length === 0) throw new PlanError("add_primary_key needs the key column(s)", "columns");
  return answers.details?.constraint_name ?? objectName(answers.table, [], "pkey");
}

export const addPrimaryKey: OperationRecipes<"add_primary_key"> = {
  postgresql: (ctx) => pgPlan(ctx, keyName(ctx)),
  mysql: (ctx) => {
    keyName(ctx);
    return mysqlPlan(ctx);
  },
};

function pkExists(table: string, name: string): Check {
  return {
    description: `${table} has primary key ${name}`,
    sql: `SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = ${regclass("postgresql", table)} AND conname = ${literal(name)} AND contype = 'p') AS ok;`,
  };
}

function pgPlan(ctx: Ctx<"postgresql">, name: string): RecipeResult {
  const { answers } = ctx;
  const table = answers.table;
  const columns = answers.columns ?? [];
  const names = columns.map((c) => c.name);
  const t = quoteTable("postgresql", table);
  const n = quoteIdent("postgresql", name);
  const dropPk = stmt(`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${n};`, "ACCESS EXCLUSIVE", [table], {
    why: "Dropping the primary key drops its index; the columns stay NOT NULL.",
  });
  const list = names.map((c) => quoteIdent("postgresql", c)).join(", ");
  const warnings: string[] = [];

  if (!useConcurrently(ctx)) {
    return {
      summary: `Add primary key ${name} (${names.join(", ")}) to ${table}`,
      strategy: "One phase: the table is small and a short block is acceptable, so ADD PRIMARY KEY runs directly.",
      phases: [
        finishPhase(ctx, {
          title: `Add primary key ${name} (${names.join(", ")})`,
          kind: "expand",
          why:
            "ADD PRIMARY KEY makes the columns NOT NULL (scanning for NULLs) and builds the unique index, all under ACCESS EXCLUSIVE. " +
            "On a table this small that takes milliseconds. It fails if a NULL or a duplicate exists: fix those rows first.",
          statements: [stmt(`ALTER TABLE ${t} ADD CONSTRAINT ${n} PRIMARY KEY (${list});`, "ACCESS EXCLUSIVE", [table], { scan: true })],
          rollback: [dropPk],
          checks: [pkExists(table, name)],
          estimate: indexBuildEstimate("postgresql", answers.approx_rows, false),
        }),
      ],
      warnings,
    };
  }

  // Columns declared `nullable: false` are taken as already NOT NULL in the database.
  const phases: PhaseDraft[] = columns.filter((c) => c.nullable !== false).flatMap((c) => notNullPhases(ctx, table, c));
  if (!ctx.caps.has("notNullFromValidCheck") && phases.length > 0) {
    warnings.push(
      `PostgreSQL ${ctx.version} cannot use a validated CHECK to skip the NOT NULL scan: ADD PRIMARY KEY USING INDEX will scan the table ` +
        `under ACCESS EXCLUSIVE to set NOT NULL (${estimate.scan(answers.approx_rows, "while blocking reads and writes")}). ` +
        "Run that phase in a quiet period, or upgrade to 12+ first, where the scan is skipped.",
    );
  }
  const index: IndexSpec = { table, name, columns: names, unique: true };
  warnings.push(...concurrentIndexWarnings(ctx.caps));
  phases.push(
    finishPhase(ctx, {
      title: `Build the unique index concurrently and attach it as primary key ${name}`,
      kind: "expand",
      why:
        "ADD PRIMARY KEY (cols) would build the index under ACCESS EXCLUSIVE. Building a unique index CONCURRENTLY and attaching it " +
        "with ADD PRIMARY KEY USING INDEX makes the lock a catalog change, because the columns are already NOT NULL. " +
        "The build fails on a duplicate key: remove duplicates first (add_unique_constraint plans a safe dedup). " +
        invalidIndexAdvice(ctx.caps, index),
      statements: [
        createIndexConcurrently(index),
        stmt(`ALTER TABLE ${t} ADD CONSTRAINT ${n} PRIMARY KEY USING INDEX ${n};`, "ACCESS EXCLUSIVE", [table], {
          why: "Attaching a valid unique index over NOT NULL columns: no build, no scan.",
        }),
      ],
      rollback: [dropPk, dropIndexConcurrently(index)],
      checks: [indexValidCheck(index), pkExists(table, name)],
      estimate: indexBuildEstimate("postgresql", answers.approx_rows, true) + " The attach is instant once its lock is granted.",
    }),
  );
  return {
    summary: `Add primary key ${name} (${names.join(", ")}) to ${table} without a long lock`,
    strategy:
      "NOT NULL through the check-constraint pattern, a unique index built concurrently, then ADD PRIMARY KEY USING INDEX: every " +
      "step either blocks nothing or holds its lock for milliseconds.",
    phases,
    warnings,
  };
}

function mysqlPlan(ctx: Ctx<"mysql">): RecipeResult {
  const { answers } = ctx;
  const table = answers.table;
  const names = (answers.columns ?? []).map((c) => c.name);
  const t = quoteTable("mysql", table);
  const warnings = mysqlOnlineDdlWarnings(ctx);
  // InnoDB makes the key's columns NOT NULL; undoing the key makes the ones not declared `nullable: false` nullable again.
  const nullable = (answers.columns ?? []).filter((c) => c.nullable !== false);
  const renullable = nullable.filter((c) => c.type);
  const untyped = nullable.filter((c) => !c.type).map((c) => c.name);
  const nulls: Check = {
    description: `No NULL and no duplicate in (${names.join(", ")})`,
    sql:
      `SELECT (SELECT COUNT(*) FROM ${t} WHERE ${names.map((c) => `${quoteIdent("mysql", c)} IS NULL`).join(" OR ")}) = 0 ` +
      `AND NOT EXISTS (SELECT 1 FROM ${t} GROUP BY ${names.map((c) => quoteIdent("mysql", c)).join(", ")} HAVING COUNT(*) > 1) AS ok;`,
  };
  return {
    summary: `Add primary key (${names.join(", ")}) to ${table}`,
    strategy: "Prove the key is NOT NULL and unique, then add the primary key with an online in-place rebuild.",
    phases: [
      {
        title: "Confirm the key has no NULL and no duplicate",
        kind: "verify",
        why: "InnoDB rebuilds the whole table to change its clustered index; a NULL or duplicate found at the end wastes the whole rebuild.",
        statements: [],
        rollback: [], // read-only: nothing to undo
        checks: [nulls],
        estimate: estimate.scan(answers.approx_rows, "without blocking writes"),
      },
      finishPhase(ctx, {
        title: `Add the primary key (${names.join(", ")})`,
        kind: "expand",
        why:
          "The primary key is InnoDB's clustered index, so the table is rebuilt, in place with LOCK=NONE: reads and writes continue. " +
          "MySQL refuses INPLACE if it has to convert nullable columns to NOT NULL outside strict SQL mode: declare them NOT NULL first in that case.",
        statements: [
          stmt(`ALTER TABLE ${t} ADD PRIMARY KEY (${names.map((c) => quoteIdent("mysql", c)).join(", ")}), ALGORITHM=INPLACE, LOCK=NONE;`, "INPLACE, LOCK=NONE", [table], {
            rewrite: true,
            scan: true,
          }),
        ],
        rollback: [
          stmt(`ALTER TABLE ${t} ${["DROP PRIMARY KEY", ...renullable.map((c) => `MODIFY COLUMN ${columnDefinition("mysql", { ...c, nullable: true })}`)].join(", ")}, ALGORITHM=COPY, LOCK=SHARED;`, "COPY, LOCK=SHARED", [table], {
            rewrite: true,
            why:
              "Dropping a primary key without adding another needs a table copy; writes wait." +
              (renullable.length ? ` Adding the key made ${renullable.map((c) => c.name).join(", ")} NOT NULL: the same copy makes them nullable again.` : "") +
              (untyped.length ? ` ${untyped.join(", ")} stay NOT NULL (their types are not in the answers): MODIFY them back to NULL by hand if they were nullable.` : ""),
          }),
        ],
        checks: [
          {
            description: `${table} has a primary key`,
            sql:
              `SELECT COUNT(*) > 0 AS ok FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND ` +
              `TABLE_NAME = ${literal(bareName(table))} AND CONSTRAINT_TYPE = 'PRIMARY KEY';`,
          },
        ],
        estimate: estimate.rewrite(answers.approx_rows),
      }),
    ],
    warnings,
  };
}
