/**
 * drop_table. Takes ACCESS EXCLUSIVE on the table and on every table whose foreign keys point at it. So:
 * remove the code, deploy, drop the incoming foreign keys one by one (each a short lock on two tables),
 * rename to an archive name when rollback matters (undoable), then drop.
 */
import { schemaPrefix } from "../encode.js";
import { PlanError } from "../errors.js";
import { batchKey, type RecipeContext } from "../context.js";
import { constraintName, quoteIdent, quoteTable } from "../sql.js";
import * as estimate from "../recipes/estimate.js";
import { bareName, finishPhase, finishRetriedPhase, literal, stmt, type PhaseDraft } from "../recipes/statements.js";
import { lockTablesFirst } from "../recipes/lock-retry.js";
import type { Statement } from "../model.js";
import type { OperationRecipes, RecipeResult } from "../recipe.js";
import { mysqlDropForeignKeys } from "../recipes/mysql-ddl.js";

function parseChild(ref: string): { table: string; column: string } {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_$.]*)\s*\(\s*([A-Za-z_][A-Za-z0-9_$]*)\s*\)\s*$/.exec(ref);
  if (!m) throw new PlanError(`referenced_by entries look like table(column), got ${ref}`, "details.referenced_by");
  return { table: m[1], column: m[2] };
}

/** What every step of the drop shares: the table, its archive name, the referencing children. */
interface DropTable {
  table: string;
  t: string;
  pk: string;
  children: { table: string; column: string }[];
  archive: string;
  archiveTable: string;
  /** The archive table, quoted. */
  a: string;
  keepArchive: boolean;
}

type Child = { table: string; column: string };

/** What the dialects differ in; the phases below are written once. */
interface DropDialect {
  /** The lock a rename or drop of the table takes. */
  strong: string;
  /** A child's foreign key: the statement(s) dropping it, and those adding it back on rollback. */
  childForeignKey: (ctx: Ctx, k: DropTable, child: Child) => { drops: Statement[]; readds: Statement[] };
  dropForeignKeysWhy: string;
  /** The statements of the foreign-key phase, with the tables they lock taken first where the dialect does that. */
  lockFirst: (locked: string[], mode: string, list: Statement[]) => Statement[];
  noForeignKeySql: (k: DropTable) => string;
  rename: (k: DropTable) => Statement;
  renameBack: (k: DropTable) => Statement;
  archivedSql: (k: DropTable) => string;
  goneSql: (k: DropTable, target: string) => string;
  /** The warning when no referencing tables are given: how to look for them. */
  unchecked: (k: DropTable) => string;
}

type Ctx = RecipeContext<"drop_table">;

const POSTGRESQL: DropDialect = {
  strong: "ACCESS EXCLUSIVE",
  childForeignKey: (ctx, k, child) => {
    const fk = constraintName(bareName(child.table), child.column, "fkey");
    const ct = quoteTable(ctx.engine, child.table);
    const references = `FOREIGN KEY (${quoteIdent(ctx.engine, child.column)}) REFERENCES ${k.t} (${quoteIdent(ctx.engine, k.pk)})`;
    return {
      drops: [
        stmt(`ALTER TABLE ${ct} DROP CONSTRAINT IF EXISTS ${quoteIdent(ctx.engine, fk)};`, "ACCESS EXCLUSIVE", [child.table, k.table], {
          why: `Briefly locks both ${child.table} and ${k.table}. ${fk} is PostgreSQL's default name: check the real one with \\d ${child.table}.`,
        }),
      ],
      readds: [
        stmt(`ALTER TABLE ${ct} ADD CONSTRAINT ${quoteIdent(ctx.engine, fk)} ${references} NOT VALID;`, "SHARE ROW EXCLUSIVE", [child.table, k.table], {
          why: "NOT VALID: re-attached without scanning existing rows.",
        }),
        stmt(`ALTER TABLE ${ct} VALIDATE CONSTRAINT ${quoteIdent(ctx.engine, fk)};`, "SHARE UPDATE EXCLUSIVE", [child.table, k.table], {
          scan: true,
          // Its own step, after the re-add has committed: in the same transaction the scan would run under the re-add's SHARE ROW EXCLUSIVE.
          transaction: false,
          why: `Scans ${child.table} without blocking its writes, as its own step after the re-add has committed.`,
        }),
      ],
    };
  },
  dropForeignKeysWhy:
    "The foreign keys are dropped in one short transaction that takes its locks first, in one statement and a fixed order, and retries its lock waits, instead of one DROP TABLE ... CASCADE queueing for each table in turn.",
  // Every table the drops (or the re-adds) lock, taken first in one statement, referenced table first (the order
  // applications write parent then child), and the whole transaction retried by the migration itself.
  lockFirst: (locked, mode, list) => [lockTablesFirst(locked, mode), ...list],
  noForeignKeySql: ({ t }) => `SELECT count(*) = 0 AS ok FROM pg_constraint WHERE contype = 'f' AND confrelid = to_regclass(${literal(t)});`,
  rename: ({ t, archive, table }) => stmt(`ALTER TABLE ${t} RENAME TO ${quoteIdent("postgresql", archive)};`, "ACCESS EXCLUSIVE", [table]),
  renameBack: ({ a, table, archiveTable }) => stmt(`ALTER TABLE ${a} RENAME TO ${quoteIdent("postgresql", bareName(table))};`, "ACCESS EXCLUSIVE", [archiveTable]),
  archivedSql: ({ t, a }) => `SELECT to_regclass(${literal(t)}) IS NULL AND to_regclass(${literal(a)}) IS NOT NULL AS ok;`,
  goneSql: (_k, target) => `SELECT to_regclass(${literal(target)}) IS NULL AS ok;`,
  unchecked: ({ t }) =>
    `No referencing tables given (details.referenced_by): check with SELECT conrelid::regclass, conname FROM pg_constraint WHERE confrelid = to_regclass('${t.replace(/'/g, "''")}'); if any exist, DROP TABLE fails (it would need CASCADE, which locks them all at once).`,
};

const MYSQL: DropDialect = {
  strong: "metadata lock",
  childForeignKey: (ctx, k, child) => {
    // Derived as on PostgreSQL, so the names the plan takes are the same; MySQL's own name is read when the phase runs.
    constraintName(bareName(child.table), child.column, "fkey");
    const ct = quoteTable(ctx.engine, child.table);
    const references = `FOREIGN KEY (${quoteIdent(ctx.engine, child.column)}) REFERENCES ${k.t} (${quoteIdent(ctx.engine, k.pk)})`;
    return {
      // MySQL names them <child>_ibfk_<n> unless told otherwise: read the real names when the phase runs.
      drops: mysqlDropForeignKeys(child.table, child.column, k.table),
      readds: [
        stmt(`ALTER TABLE ${ct} ADD ${references}, ALGORITHM=COPY, LOCK=SHARED;`, "COPY, LOCK=SHARED", [child.table, k.table], {
          rewrite: true,
          why: `Unnamed, so MySQL names it ${bareName(child.table)}_ibfk_<n> as before. With foreign_key_checks on, adding a foreign key copies the table (reads go on, writes wait).`,
        }),
      ],
    };
  },
  dropForeignKeysWhy:
    "Each foreign key is dropped on its own, so each statement holds its locks on just two tables for a moment, instead of one DROP TABLE ... CASCADE locking them all at once.",
  lockFirst: (_locked, _mode, list) => list,
  noForeignKeySql: ({ table }) =>
    `SELECT COUNT(*) = 0 AS ok FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME = ${literal(bareName(table))};`,
  rename: ({ t, a, table }) => stmt(`RENAME TABLE ${t} TO ${a};`, "metadata lock", [table]),
  renameBack: ({ a, t, archiveTable }) => stmt(`RENAME TABLE ${a} TO ${t};`, "metadata lock", [archiveTable]),
  archivedSql: ({ archive }) => `SELECT COUNT(*) = 1 AS ok FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(archive)};`,
  goneSql: ({ keepArchive, archiveTable, table }) =>
    `SELECT COUNT(*) = 0 AS ok FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(bareName(keepArchive ? archiveTable : table))};`,
  unchecked: ({ table }) =>
    `No referencing tables given (details.referenced_by): check information_schema.REFERENTIAL_CONSTRAINTS for REFERENCED_TABLE_NAME = '${bareName(table)}' first; MySQL refuses to drop a referenced table.`,
};

function dropTableNames(ctx: Ctx): DropTable {
  const table = ctx.answers.table;
  const children = (ctx.answers.details?.referenced_by ?? []).map(parseChild);
  const archive = constraintName(bareName(table), "archived");
  const archiveTable = schemaPrefix(table) + archive;
  return {
    table,
    t: quoteTable(ctx.engine, table),
    pk: batchKey(ctx.answers.details),
    children,
    archive,
    archiveTable,
    a: quoteTable(ctx.engine, archiveTable),
    keepArchive: ctx.answers.rollback_need !== "none",
  };
}

/** First the application stops using the table. */
const removeCodePhase = (table: string): PhaseDraft => ({
  title: `Remove every use of ${table} from the application`,
  kind: "deploy",
  why: "Dropping a table that running code still queries makes those queries fail. Remove the model, queries, jobs and reports that use it first.",
  statements: [],
  rollback: [],
  checks: [],
  deploy: `Deploy the version without ${table}; check the query logs (or pg_stat_user_tables.seq_scan / idx_scan not moving) that nothing reads it any more.`,
  estimate: estimate.DEPLOY_ESTIMATE,
});

function dropForeignKeysPhase(ctx: Ctx, dialect: DropDialect, k: DropTable): PhaseDraft {
  const { table, children } = k;
  const fks = children.map((child) => dialect.childForeignKey(ctx, k, child));
  const locked = [table, ...children.map((c) => c.table)];
  return finishRetriedPhase(ctx, {
    title: `Drop the foreign keys that point at ${table}`,
    kind: "contract",
    why: dialect.dropForeignKeysWhy,
    statements: dialect.lockFirst(locked, "ACCESS EXCLUSIVE", fks.flatMap((f) => f.drops)),
    rollback: dialect.lockFirst(locked, "SHARE ROW EXCLUSIVE", fks.flatMap((f) => f.readds)),
    checks: [{ description: `No foreign key references ${table}`, sql: dialect.noForeignKeySql(k) }],
    estimate: estimate.catalogOnly(ctx),
  });
}

/** The reversible part: rename to the archive name, kept for a release cycle. */
function archivePhase(ctx: Ctx, dialect: DropDialect, k: DropTable): PhaseDraft {
  const { table, archive } = k;
  return finishPhase(ctx, {
    title: `Rename ${table} to ${archive}`,
    kind: "switch",
    why:
      `Renaming first is a reversible drop: anything that still uses ${table} fails loudly now, while the data is one rename away. ` +
      "Keep it for a while (a release cycle) before dropping.",
    statements: [dialect.rename(k)],
    rollback: [dialect.renameBack(k)],
    checks: [{ description: `${table} is gone and ${archive} exists`, sql: dialect.archivedSql(k) }],
    estimate: estimate.catalogOnly(ctx),
    deploy: "Wait (a release cycle, or as long as your rollback window) and watch for errors naming the old table before dropping.",
  });
}

function finalDropPhase(ctx: Ctx, dialect: DropDialect, k: DropTable): PhaseDraft {
  const { table, keepArchive, archive, archiveTable } = k;
  const target = keepArchive ? k.a : k.t;
  return finishPhase(ctx, {
    title: `Drop ${keepArchive ? archive : table}`,
    kind: "contract",
    why: "Nothing uses the table and no foreign key points at it, so the drop locks only the table itself, briefly.",
    statements: [stmt(`DROP TABLE ${target};`, dialect.strong, [keepArchive ? archiveTable : table], { why: "Removes the table and its indexes; the files are freed at commit." })],
    irreversible: "The table and its data are deleted: only a backup (or point-in-time recovery) brings them back.",
    checks: [{ description: "The table is gone", sql: dialect.goneSql(k, target) }],
    estimate: estimate.catalogOnly(ctx),
  });
}

function dropTableWarnings(ctx: Ctx, dialect: DropDialect, k: DropTable): string[] {
  return [
    ...(k.children.length ? [] : [dialect.unchecked(k)]),
    ctx.answers.rollback_need === "full"
      ? "Take a backup of the table (pg_dump -t / mysqldump) before the final drop: it is the only way back."
      : "The final drop cannot be undone; a backup of the table is cheap insurance.",
  ];
}

function plan(ctx: Ctx, dialect: DropDialect): RecipeResult {
  const k = dropTableNames(ctx);
  const phases: PhaseDraft[] = [removeCodePhase(k.table)];
  if (k.children.length) phases.push(dropForeignKeysPhase(ctx, dialect, k));
  if (k.keepArchive) phases.push(archivePhase(ctx, dialect, k));
  phases.push(finalDropPhase(ctx, dialect, k));
  return {
    summary: `Drop table ${k.table} safely`,
    strategy:
      "Contract step by step: remove the code, drop incoming foreign keys one at a time" +
      (k.keepArchive ? ", rename the table to an archive name (the undoable part), and only later drop it." : ", then drop the table."),
    phases,
    warnings: dropTableWarnings(ctx, dialect, k),
  };
}

export const dropTable: OperationRecipes<"drop_table"> = {
  postgresql: (ctx) => plan(ctx, POSTGRESQL),
  mysql: (ctx) => plan(ctx, MYSQL),
};
