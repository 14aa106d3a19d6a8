/**
 * rename_table. The rename is catalog only but breaks every running query that names the old table. Rename
 * and create a view with the old name in the same transaction: a simple view is updatable, so old code keeps
 * reading and writing through it while the new code is deployed; then drop the view.
 */
import { bareName, schemaPrefix } from "../encode.js";
import { PlanError } from "../errors.js";
import type { RecipeContext } from "../context.js";
import { quoteIdent, quoteTable } from "../sql.js";
import * as estimate from "../recipes/estimate.js";
import { finishRetriedPhase, literal, stmt, type PhaseDraft } from "../recipes/statements.js";
import type { OperationRecipes, RecipeResult } from "../recipe.js";

function plan(ctx: RecipeContext<"rename_table">): RecipeResult {
  const table = ctx.answers.table;
  const newName = ctx.answers.details?.new_name;
  if (!newName) throw new PlanError("rename_table needs the new name", "details.new_name");
  if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(newName)) throw new PlanError("the new name must be letters, digits and _ (same schema)", "details.new_name");
  const schema = schemaPrefix(table);
  const newTable = schema + newName;
  const oldT = quoteTable(ctx.engine, table);
  const newT = quoteTable(ctx.engine, newTable);
  const pg = ctx.engine === "postgresql";

  const exists = (name: string, kind: "table" | "view") =>
    pg
      ? `SELECT count(*) = 1 AS ok FROM pg_class WHERE oid = to_regclass(${literal(quoteTable(ctx.engine, name))}) AND relkind = '${kind === "table" ? "r" : "v"}';`
      : `SELECT COUNT(*) = 1 AS ok FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(bareName(name))} AND TABLE_TYPE = '${kind === "table" ? "BASE TABLE" : "VIEW"}';`;
  const lock = pg ? "ACCESS EXCLUSIVE" : "metadata lock";
  const rename = pg
    ? stmt(`ALTER TABLE ${oldT} RENAME TO ${quoteIdent(ctx.engine, newName)};`, lock, [table], { why: "Catalog only." })
    : stmt(`RENAME TABLE ${oldT} TO ${newT};`, lock, [table], { why: "Metadata only." });
  const view = stmt(`CREATE VIEW ${oldT} AS SELECT * FROM ${newT};`, pg ? "ACCESS SHARE" : "metadata lock", [newTable], {
    why: "Old code keeps working through the view: a single-table view without joins or aggregates is updatable (INSERT, UPDATE, DELETE pass through).",
  });
  const dropView = stmt(`DROP VIEW IF EXISTS ${oldT};`, pg ? "ACCESS EXCLUSIVE" : "metadata lock", [table]);
  const renameBack = pg
    ? stmt(`ALTER TABLE ${newT} RENAME TO ${quoteIdent(ctx.engine, bareName(table))};`, lock, [newTable])
    : stmt(`RENAME TABLE ${newT} TO ${oldT};`, lock, [newTable]);

  const phases: PhaseDraft[] = [
    // On PostgreSQL each phase's statements run in one retry loop (lock-retry.ts): under traffic the lock waits
    // time out now and then, and a rollback that names the view first, then the table (the order old code
    // locks them through the view), gives up its attempt rather than failing the migration.
    finishRetriedPhase(ctx, {
      title: `Rename ${table} to ${newName}, with a view under the old name`,
      kind: "expand",
      why: pg
        ? "Both statements run in one transaction, so no query ever sees the old name missing."
        : "MySQL commits each DDL on its own: for the instant between RENAME TABLE and CREATE VIEW the old name does not exist, so run the two back to back.",
      statements: [rename, view],
      rollback: [dropView, renameBack],
      checks: [
        { description: `${newName} is the table`, sql: exists(newTable, "table") },
        { description: `${table} is now a view`, sql: exists(table, "view") },
      ],
      estimate: estimate.catalogOnly(ctx),
      deploy: `Deploy the code that uses ${newName}. Old instances keep working through the view until they are gone.`,
    }),
    finishRetriedPhase(ctx, {
      title: `Drop the ${table} view`,
      kind: "contract",
      why: "Once no running code uses the old name, the compatibility view goes.",
      statements: [stmt(`DROP VIEW ${oldT};`, pg ? "ACCESS EXCLUSIVE" : "metadata lock", [table], { why: "Locks only the view." })],
      rollback: [stmt(`CREATE VIEW ${oldT} AS SELECT * FROM ${newT};`, pg ? "ACCESS SHARE" : "metadata lock", [newTable])],
      checks: [
        {
          description: `No ${table} view is left`,
          sql: pg
            ? `SELECT to_regclass(${literal(oldT)}) IS NULL AS ok;`
            : `SELECT COUNT(*) = 0 AS ok FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(table)};`,
        },
      ],
      estimate: estimate.catalogOnly(ctx),
    }),
  ];
  return {
    summary: `Rename table ${table} to ${newName} behind a compatibility view`,
    strategy:
      "Rename plus a view with the old name, then a deploy, then drop the view: no moment where running code finds its table missing. " +
      "Sequences, indexes and constraints keep their old names (rename them later if you care; that is cosmetic).",
    phases,
    warnings: [
      ...(pg ? [] : ["MySQL commits RENAME TABLE and CREATE VIEW separately: if CREATE VIEW fails, the old name is missing until you run it (or roll back the rename)."]),
      "A view does not pass through everything: ALTER TABLE, TRUNCATE, triggers that reference the old name, and ORMs that introspect the table (or need its primary key on INSERT ... RETURNING through the view) should be checked against the view on a copy first.",
    ],
  };
}

/** One body for both dialects: they differ only in a few clauses. */
export const renameTable: OperationRecipes<"rename_table"> = { postgresql: plan, mysql: plan };
