/**
 * add_foreign_key. A plain `ADD FOREIGN KEY` holds SHARE ROW EXCLUSIVE on both tables (writes blocked)
 * while it scans every row. Instead: index the referencing column concurrently, add the constraint
 * `NOT VALID` (brief lock, new rows checked at once), fix orphans, then `VALIDATE CONSTRAINT` in its own
 * transaction (SHARE UPDATE EXCLUSIVE on the table, ROW SHARE on the referenced one: nothing blocked).
 */
import { probeFinding } from "../../schema/model.js";
import { bareName } from "../encode.js";
import type { OperationRecipes, RecipeResult } from "../recipe.js";
import type { RecipeContext } from "../context.js";
import type { Check, Statement } from "../model.js";
import type { Dialect } from "../../engines/index.js";
import { PlanError } from "../errors.js";
import { effect } from "../effects.js";
import { quoteIdent, quoteTable } from "../sql.js";
import {
  concurrentIndexWarnings,
  createIndexConcurrently,
  defaultName,
  dropIndexConcurrently,
  dropIndexPlain,
  indexBuildEstimate,
  indexValidCheck,
  invalidIndexAdvice,
  mysqlAddIndex,
  mysqlDropIndex,
  mysqlIndexCheck,
  useConcurrently,
  type IndexSpec,
} from "../recipes/concurrent-index.js";
import { mysqlOnlineDdlWarnings } from "../recipes/mysql-online.js";
import { finishPhase, finishRetriedPhase, literal, regclass, stmt, type PhaseDraft } from "../recipes/statements.js";
import * as estimate from "../recipes/estimate.js";
import { lockTablesFirst } from "../recipes/lock-retry.js";

type Ctx<D extends Dialect = Dialect> = RecipeContext<"add_foreign_key", D>;

interface FkSpec {
  table: string;
  column: string;
  refTable: string;
  refColumn: string;
  name: string;
  onDelete?: string;
}

function fkSpec(ctx: Ctx): FkSpec {
  const { answers } = ctx;
  const d = answers.details ?? {};
  const col = answers.columns?.[0];
  if (!col) throw new PlanError("add_foreign_key needs the referencing column", "columns");
  const fromColumn = col.references ? /^\s*([A-Za-z_][\w$.]*)\s*\(\s*([A-Za-z_][\w$]*)\s*\)\s*$/.exec(col.references) : null;
  if (col.references && !fromColumn) throw new PlanError(`"${col.references}" is not table(column), e.g. customers(id)`, "columns.0.references");
  const refTable = d.ref_table ?? fromColumn?.[1];
  if (!refTable) throw new PlanError("add_foreign_key needs the referenced table", "details.ref_table");
  return {
    table: answers.table,
    column: col.name,
    refTable,
    refColumn: d.ref_column ?? fromColumn?.[2] ?? "id",
    name: d.constraint_name ?? defaultName(answers.table, [col.name], "fkey"),
    onDelete: d.on_delete,
  };
}

/** No referencing row points at a missing parent (NULL references are allowed by a foreign key). */
export function noOrphansCheck(ctx: Ctx, fk: FkSpec): Check {
  const q = (n: string) => quoteIdent(ctx.engine, n);
  return {
    description: `Every non-NULL ${fk.table}.${fk.column} has a matching ${fk.refTable}.${fk.refColumn} (no orphans)`,
    sql:
      `SELECT NOT EXISTS (SELECT 1 FROM ${quoteTable(ctx.engine, fk.table)} c WHERE c.${q(fk.column)} IS NOT NULL AND NOT EXISTS ` +
      `(SELECT 1 FROM ${quoteTable(ctx.engine, fk.refTable)} p WHERE p.${q(fk.refColumn)} = c.${q(fk.column)})) AS ok;`,
  };
}

function fkClause(ctx: Ctx, fk: FkSpec): string {
  const q = (n: string) => quoteIdent(ctx.engine, n);
  const onDelete = fk.onDelete ? ` ON DELETE ${fk.onDelete.toUpperCase()}` : "";
  return `CONSTRAINT ${q(fk.name)} FOREIGN KEY (${q(fk.column)}) REFERENCES ${quoteTable(ctx.engine, fk.refTable)} (${q(fk.refColumn)})${onDelete}`;
}

const ORPHAN_FIX =
  "If the orphan check fails, existing rows point at parents that do not exist: delete them, set them to NULL, or " +
  "restore the parents (list them with the check's inner query), then run the check again before validating.";

/** The orphan fix advice, or what the probe found: with every row read and no orphan, there is nothing to fix. */
function orphanAdvice(ctx: Ctx): string {
  const probe = probeFinding(ctx.snapshot, "orphans");
  if (!probe) return ORPHAN_FIX;
  if (!probe.clean) return `${probe.says} ${ORPHAN_FIX}`;
  return (
    `${probe.says} So there is no orphan fix. The run re-checks: the orphan check runs again, and an orphan written after the probe ` +
    "fails it (and the validation) before the key is trusted."
  );
}

/** The key and the index on its referencing column. */
function fkAndIndex(ctx: Ctx): { fk: FkSpec; index: IndexSpec } {
  const fk = fkSpec(ctx);
  return { fk, index: { table: fk.table, name: defaultName(fk.table, [fk.column], "idx"), columns: [fk.column] } };
}

export const addForeignKey: OperationRecipes<"add_foreign_key"> = {
  postgresql: (ctx) => pgPlan(ctx, fkAndIndex(ctx)),
  mysql: (ctx) => mysqlPlan(ctx, fkAndIndex(ctx)),
};

/** What the PostgreSQL steps share: the lock on both tables, the drop for rollback, the validated-key check. */
interface PgKey {
  fk: FkSpec;
  index: IndexSpec;
  t: string;
  both: string[];
  lockBoth: (mode: string) => Statement;
  drop: Statement[];
  exists: Check;
  what: string;
}

function pgKey(fk: FkSpec, index: IndexSpec): PgKey {
  const t = quoteTable("postgresql", fk.table);
  // Referenced table first: the order applications write (parent, then child), taken in one statement.
  const both = [fk.refTable, fk.table];
  const lockBoth = (mode: string) => lockTablesFirst(both, mode);
  const dropOnly = stmt(`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${quoteIdent("postgresql", fk.name)};`, "ACCESS EXCLUSIVE", both, {
    why: "Dropping a foreign key also removes its triggers on the referenced table.",
  });
  const drop = [lockBoth("ACCESS EXCLUSIVE"), dropOnly];
  const exists: Check = {
    description: `Constraint ${fk.name} exists and is validated`,
    sql: `SELECT coalesce(bool_and(convalidated), false) AS ok FROM pg_constraint WHERE conrelid = ${regclass("postgresql", fk.table)} AND conname = ${literal(fk.name)} AND contype = 'f';`,
  };
  return { fk, index, t, both, lockBoth, drop, exists, what: `${fk.table}(${fk.column}) -> ${fk.refTable}(${fk.refColumn})` };
}

function pgPlan(ctx: Ctx<"postgresql">, { fk, index }: { fk: FkSpec; index: IndexSpec }): RecipeResult {
  const k = pgKey(fk, index);
  if (!useConcurrently(ctx)) return pgOneStep(ctx, k);
  return {
    summary: `Add foreign key ${fk.name}: ${k.what}, without blocking writes`,
    strategy:
      "Index the referencing column concurrently, add the constraint NOT VALID (brief lock on both tables), then VALIDATE it " +
      "separately under a lock that blocks nobody.",
    phases: [pgIndexPhase(ctx, k), pgNotValidPhase(ctx, k), pgValidatePhase(ctx, k)],
    warnings: concurrentIndexWarnings(ctx.caps),
  };
}

/** Small table, short block allowed: the index and the validating ADD CONSTRAINT in one phase. */
function pgOneStep(ctx: Ctx<"postgresql">, { fk, index, t, both, lockBoth, drop, exists, what }: PgKey): RecipeResult {
  const rows = ctx.answers.approx_rows;
  return {
    summary: `Add foreign key ${fk.name}: ${what}`,
    strategy: "One phase: the table is small and a short block is acceptable, so the index and the validating ADD CONSTRAINT run directly.",
    phases: [
      finishRetriedPhase(ctx, {
        title: `Index ${fk.column} and add foreign key ${fk.name}`,
        kind: "expand",
        why:
          "At this size the index build and the validating scan take milliseconds, so the NOT VALID / VALIDATE split is not worth its steps. " +
          "The index on the referencing column keeps deletes on the parent table and joins fast. " +
          orphanAdvice(ctx),
        statements: [
          lockBoth("SHARE ROW EXCLUSIVE"),
          stmt(`CREATE INDEX IF NOT EXISTS ${quoteIdent("postgresql", index.name)} ON ${t} (${quoteIdent("postgresql", fk.column)});`, "SHARE", [fk.table], {
            scan: true,
            effects: [effect.createIndex({ table: fk.table, name: index.name, columns: [fk.column] }, { concurrent: false, plain: false })],
            why: "A plain build (SHARE, writes wait briefly); IF NOT EXISTS because a plain build cannot leave an INVALID index.",
          }),
          stmt(`ALTER TABLE ${t} ADD ${fkClause(ctx, fk)};`, "SHARE ROW EXCLUSIVE", both, {
            scan: true,
            effects: [effect.addConstraint(fk.table, "foreign_key", fk.name, true)],
            why: "Validates every row while holding SHARE ROW EXCLUSIVE on both tables.",
          }),
        ],
        rollback: [...drop, dropIndexPlain(index)],
        checks: [exists],
        estimate: estimate.scan(rows, "under SHARE ROW EXCLUSIVE on both tables"),
      }),
    ],
    warnings: [],
  };
}

function pgIndexPhase(ctx: Ctx<"postgresql">, { fk, index }: PgKey): PhaseDraft {
  return finishPhase(ctx, {
    title: `Index ${fk.table}.${fk.column} concurrently`,
    kind: "expand",
    why:
      "PostgreSQL does not index the referencing side of a foreign key. Without it every DELETE or key UPDATE on " +
      `${fk.refTable} scans ${fk.table}, and joins are slow. Build it first, without blocking writes. ` +
      "If an index on this column already exists, skip this phase. " +
      invalidIndexAdvice(ctx.caps, index),
    statements: [createIndexConcurrently(index)],
    rollback: [dropIndexConcurrently(index)],
    checks: [indexValidCheck(index)],
    estimate: indexBuildEstimate("postgresql", ctx.answers.approx_rows, true),
  });
}

function pgNotValidPhase(ctx: Ctx<"postgresql">, { fk, t, both, lockBoth, drop }: PgKey): PhaseDraft {
  return finishRetriedPhase(ctx, {
    title: `Add foreign key ${fk.name} as NOT VALID`,
    kind: "expand",
    why:
      "NOT VALID skips the scan of existing rows, so the SHARE ROW EXCLUSIVE lock on both tables lasts milliseconds; " +
      "from now on every new or updated row is checked. Existing rows are proven in the next phase. " +
      orphanAdvice(ctx),
    statements: [
      lockBoth("SHARE ROW EXCLUSIVE"),
      stmt(`ALTER TABLE ${t} ADD ${fkClause(ctx, fk)} NOT VALID;`, "SHARE ROW EXCLUSIVE", both, {
        effects: [effect.addConstraint(fk.table, "foreign_key", fk.name, false)],
        why: "Catalog change plus the constraint triggers; no scan.",
      }),
    ],
    rollback: drop,
    checks: [noOrphansCheck(ctx, fk)],
    estimate: estimate.catalogOnly(ctx),
  });
}

function pgValidatePhase(ctx: Ctx<"postgresql">, { fk, t, exists }: PgKey): PhaseDraft {
  return finishPhase(ctx, {
    title: `Validate foreign key ${fk.name}`,
    kind: "verify",
    why:
      "VALIDATE CONSTRAINT scans the existing rows holding only SHARE UPDATE EXCLUSIVE on the table and ROW SHARE on the " +
      "referenced table: reads and writes carry on. It runs in its own transaction so the stronger lock of the previous phase " +
      "was released long before. If it fails, an orphan is left: fix it and validate again.",
    statements: [
      stmt(`ALTER TABLE ${t} VALIDATE CONSTRAINT ${quoteIdent("postgresql", fk.name)};`, "SHARE UPDATE EXCLUSIVE", [fk.table], {
        scan: true,
        effects: [effect.validateConstraint(fk.table, "foreign_key", fk.name)],
        why: "The full scan happens here, without blocking the application.",
      }),
    ],
    rollback: [],
    checks: [exists],
    estimate: estimate.scan(ctx.answers.approx_rows, "under SHARE UPDATE EXCLUSIVE (no blocking)"),
  });
}

function mysqlPlan(ctx: Ctx<"mysql">, { fk, index }: { fk: FkSpec; index: IndexSpec }): RecipeResult {
  const t = quoteTable("mysql", fk.table);
  const rows = ctx.answers.approx_rows;
  const phases: PhaseDraft[] = [
    finishPhase(ctx, {
      title: `Index ${fk.table}.${fk.column} online`,
      kind: "expand",
      why:
        "InnoDB needs an index on the referencing column; building it first, online, keeps the foreign key step a pure metadata change. " +
        "If an index starting with this column already exists, skip this phase.",
      statements: [mysqlAddIndex(index)],
      rollback: [mysqlDropIndex(index)],
      checks: [mysqlIndexCheck(index)],
      estimate: indexBuildEstimate("mysql", rows, true),
    }),
    {
      title: "Confirm there are no orphan rows",
      kind: "verify",
      why:
        "The next phase adds the foreign key with foreign_key_checks=0 so that MySQL can do it in place without copying the " +
        "table; with checks off, existing rows are NOT verified, so this check is the proof. " +
        orphanAdvice(ctx),
      statements: [],
      rollback: [], // read-only: nothing to undo
      checks: [noOrphansCheck(ctx, fk)],
      estimate: estimate.scan(rows, "without blocking writes"),
    },
    finishPhase(ctx, {
      title: `Add foreign key ${fk.name}`,
      kind: "expand",
      why:
        "With foreign_key_checks=1 MySQL can only add a foreign key with ALGORITHM=COPY, rebuilding the table while writes are " +
        "blocked. With foreign_key_checks=0 (this session only) it is an in-place metadata change. New rows are checked from then on.",
      statements: [
        stmt("SET SESSION foreign_key_checks = 0;", "none", [], { setting: true, effects: [effect.setting("foreign_key_checks")] }),
        stmt(`ALTER TABLE ${t} ADD ${fkClause(ctx, fk)}, ALGORITHM=INPLACE, LOCK=NONE;`, "INPLACE, LOCK=NONE", [fk.table, fk.refTable], { effects: [effect.addConstraint(fk.table, "foreign_key", fk.name, true)] }),
        stmt("SET SESSION foreign_key_checks = 1;", "none", [], { setting: true, effects: [effect.setting("foreign_key_checks")] }),
      ],
      rollback: [stmt(`ALTER TABLE ${t} DROP FOREIGN KEY ${quoteIdent("mysql", fk.name)}, ALGORITHM=INPLACE, LOCK=NONE;`, "INPLACE, LOCK=NONE", [fk.table, fk.refTable])],
      checks: [
        {
          description: `Foreign key ${fk.name} exists`,
          sql:
            `SELECT COUNT(*) > 0 AS ok FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() ` +
            `AND TABLE_NAME = ${literal(bareName(fk.table))} AND CONSTRAINT_NAME = ${literal(fk.name)} AND CONSTRAINT_TYPE = 'FOREIGN KEY';`,
        },
        noOrphansCheck(ctx, fk),
      ],
      estimate: estimate.catalogOnly(ctx),
    }),
  ];
  return {
    summary: `Add foreign key ${fk.name}: ${fk.table}(${fk.column}) -> ${fk.refTable}(${fk.refColumn})`,
    strategy: "Index online, prove there are no orphans, then add the key in place with foreign_key_checks=0 for that session.",
    phases,
    warnings: [
      ...mysqlOnlineDdlWarnings(ctx),
      "gh-ost cannot migrate tables with foreign keys, and pt-online-schema-change needs --alter-foreign-keys-method: after this change, plan later large ALTERs on these tables accordingly.",
    ],
  };
}
