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
import type { Statement } from "../model.js";
import type { OperationRecipes, RecipeResult } from "../recipe.js";

type Ctx = RecipeContext<"rename_table">;

/** The names both phases use. */
interface Rename {
  table: string;
  newName: string;
  newTable: string;
  /** The old and new table names, quoted. */
  oldT: string;
  newT: string;
}

/** What the dialects differ in; the phases below are written once. */
interface RenameDialect {
  /** The lock a rename or a DROP VIEW takes, and the one CREATE VIEW takes on the table it reads. */
  lock: string;
  viewLock: string;
  existsSql: (name: string, kind: "table" | "view") => string;
  rename: (k: Rename) => Statement;
  renameBack: (k: Rename) => Statement;
  /** Why the rename and the view are (or are not) atomic. */
  atomicity: string;
  viewGoneSql: (k: Rename) => string;
  warnings: string[];
}

const POSTGRESQL: RenameDialect = {
  lock: "ACCESS EXCLUSIVE",
  viewLock: "ACCESS SHARE",
  existsSql: (name, kind) =>
    `SELECT count(*) = 1 AS ok FROM pg_class WHERE oid = to_regclass(${literal(quoteTable("postgresql", name))}) AND relkind = '${kind === "table" ? "r" : "v"}';`,
  rename: ({ oldT, newName, table }) => stmt(`ALTER TABLE ${oldT} RENAME TO ${quoteIdent("postgresql", newName)};`, "ACCESS EXCLUSIVE", [table], { why: "Catalog only." }),
  renameBack: ({ newT, table, newTable }) => stmt(`ALTER TABLE ${newT} RENAME TO ${quoteIdent("postgresql", bareName(table))};`, "ACCESS EXCLUSIVE", [newTable]),
  atomicity: "Both statements run in one transaction, so no query ever sees the old name missing.",
  viewGoneSql: ({ oldT }) => `SELECT to_regclass(${literal(oldT)}) IS NULL AS ok;`,
  warnings: [],
};

const MYSQL: RenameDialect = {
  lock: "metadata lock",
  viewLock: "metadata lock",
  existsSql: (name, kind) =>
    `SELECT COUNT(*) = 1 AS ok FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(bareName(name))} AND TABLE_TYPE = '${kind === "table" ? "BASE TABLE" : "VIEW"}';`,
  rename: ({ oldT, newT, table }) => stmt(`RENAME TABLE ${oldT} TO ${newT};`, "metadata lock", [table], { why: "Metadata only." }),
  renameBack: ({ newT, oldT, newTable }) => stmt(`RENAME TABLE ${newT} TO ${oldT};`, "metadata lock", [newTable]),
  atomicity:
    "MySQL commits each DDL on its own: for the instant between RENAME TABLE and CREATE VIEW the old name does not exist, so run the two back to back.",
  viewGoneSql: ({ table }) => `SELECT COUNT(*) = 0 AS ok FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(table)};`,
  warnings: ["MySQL commits RENAME TABLE and CREATE VIEW separately: if CREATE VIEW fails, the old name is missing until you run it (or roll back the rename)."],
};

function renameNames(ctx: Ctx): Rename {
  const table = ctx.answers.table;
  const newName = ctx.answers.details?.new_name;
  if (!newName) throw new PlanError("rename_table needs the new name", "details.new_name");
  if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(newName)) throw new PlanError("the new name must be letters, digits and _ (same schema)", "details.new_name");
  const newTable = schemaPrefix(table) + newName;
  return { table, newName, newTable, oldT: quoteTable(ctx.engine, table), newT: quoteTable(ctx.engine, newTable) };
}

// On PostgreSQL each phase's statements run in one retry loop (lock-retry.ts): under traffic the lock waits
// time out now and then, and a rollback that names the view first, then the table (the order old code
// locks them through the view), gives up its attempt rather than failing the migration.
function renamePhase(ctx: Ctx, dialect: RenameDialect, k: Rename): PhaseDraft {
  const { table, newName, newTable, oldT, newT } = k;
  const view = stmt(`CREATE VIEW ${oldT} AS SELECT * FROM ${newT};`, dialect.viewLock, [newTable], {
    why: "Old code keeps working through the view: a single-table view without joins or aggregates is updatable (INSERT, UPDATE, DELETE pass through).",
  });
  const dropView = stmt(`DROP VIEW IF EXISTS ${oldT};`, dialect.lock, [table]);
  return finishRetriedPhase(ctx, {
    title: `Rename ${table} to ${newName}, with a view under the old name`,
    kind: "expand",
    why: dialect.atomicity,
    statements: [dialect.rename(k), view],
    rollback: [dropView, dialect.renameBack(k)],
    checks: [
      { description: `${newName} is the table`, sql: dialect.existsSql(newTable, "table") },
      { description: `${table} is now a view`, sql: dialect.existsSql(table, "view") },
    ],
    estimate: estimate.catalogOnly(ctx),
    deploy: `Deploy the code that uses ${newName}. Old instances keep working through the view until they are gone.`,
  });
}

function dropViewPhase(ctx: Ctx, dialect: RenameDialect, k: Rename): PhaseDraft {
  const { table, newTable, oldT, newT } = k;
  return finishRetriedPhase(ctx, {
    title: `Drop the ${table} view`,
    kind: "contract",
    why: "Once no running code uses the old name, the compatibility view goes.",
    statements: [stmt(`DROP VIEW ${oldT};`, dialect.lock, [table], { why: "Locks only the view." })],
    rollback: [stmt(`CREATE VIEW ${oldT} AS SELECT * FROM ${newT};`, dialect.viewLock, [newTable])],
    checks: [{ description: `No ${table} view is left`, sql: dialect.viewGoneSql(k) }],
    estimate: estimate.catalogOnly(ctx),
  });
}

function plan(ctx: Ctx, dialect: RenameDialect): RecipeResult {
  const k = renameNames(ctx);
  return {
    summary: `Rename table ${k.table} to ${k.newName} behind a compatibility view`,
    strategy:
      "Rename plus a view with the old name, then a deploy, then drop the view: no moment where running code finds its table missing. " +
      "Sequences, indexes and constraints keep their old names (rename them later if you care; that is cosmetic).",
    phases: [renamePhase(ctx, dialect, k), dropViewPhase(ctx, dialect, k)],
    warnings: [
      ...dialect.warnings,
      "A view does not pass through everything: ALTER TABLE, TRUNCATE, triggers that reference the old name, and ORMs that introspect the table (or need its primary key on INSERT ... RETURNING through the view) should be checked against the view on a copy first.",
    ],
  };
}

export const renameTable: OperationRecipes<"rename_table"> = {
  postgresql: (ctx) => plan(ctx, POSTGRESQL),
  mysql: (ctx) => plan(ctx, MYSQL),
};
