/**
 * The phases before the swap: new bigint columns kept in step by triggers, batched backfills, then the unique
 * index, copies of the other indexes, validated NOT NULL checks and the children's foreign keys, all built
 * without blocking writes.
 */
import { sizeClass, type RecipeContext } from "../../context.js";
import type { Statement } from "../../model.js";
import { quoteIdent, quoteTable } from "../../sql.js";
import { backfillPhase } from "../batched-update.js";
import * as estimate from "../estimate.js";
import { finishPhase, literal, regclass, stmt, type PhaseDraft } from "../statements.js";
import { effect } from "../../effects.js";
import { copySyncTrigger, qualifyColumn } from "../sync-trigger.js";
import type { BigintKeyMembers, ConvertedColumn } from "./members.js";

export const q = (ctx: RecipeContext, name: string) => quoteIdent(ctx.engine, name);

export function syncTriggerOf(ctx: RecipeContext, m: ConvertedColumn) {
  return copySyncTrigger(ctx, m.tableName, m.column.name, m.newName, `NEW.${q(ctx, m.column.name)}`);
}

/** The index definition rebuilt on the new column, concurrently, under a new name. */
export function rebuiltIndexSql(ctx: RecipeContext, m: ConvertedColumn, definition: string, newIndex: string): string {
  const parts = /^CREATE (UNIQUE )?INDEX (?:"(?:[^"]|"")+"|\S+) ON (.+?) USING ([\s\S]*)$/.exec(definition);
  if (!parts) throw new Error(`unexpected index definition: ${definition}`);
  return `CREATE ${parts[1] ?? ""}INDEX CONCURRENTLY ${q(ctx, newIndex)} ON ${parts[2]} USING ${qualifyColumn(parts[3], m.column.name, q(ctx, m.newName))};`;
}

export const copyName = (index: string) => `${index.slice(0, 59)}_new`;
export const all = (mm: BigintKeyMembers): ConvertedColumn[] => [mm.parent, ...mm.children];
/** Children before the parent: the order writers lock them in (the child row, then the parent key check), so DDL and writers never deadlock. */
export const inLockOrder = (mm: BigintKeyMembers): ConvertedColumn[] => [...mm.children, mm.parent];

export function expandPhase(ctx: RecipeContext, mm: BigintKeyMembers): PhaseDraft {
  const statements: Statement[] = [];
  const rollback: Statement[] = [];
  for (const m of inLockOrder(mm)) {
    const t = quoteTable(ctx.engine, m.tableName);
    const trigger = syncTriggerOf(ctx, m);
    statements.push(stmt(`ALTER TABLE ${t} ADD COLUMN ${q(ctx, m.newName)} bigint;`, "ACCESS EXCLUSIVE", [m.tableName], { why: "Catalog only: nullable, no default." }));
    if (m.notNullCheck) {
      statements.push(
        stmt(`ALTER TABLE ${t} ADD CONSTRAINT ${q(ctx, m.notNullCheck)} CHECK (${q(ctx, m.newName)} IS NOT NULL) NOT VALID;`, "ACCESS EXCLUSIVE", [m.tableName], {
          why: "NOT VALID: checked for new writes at once (the trigger fills the column), for old rows after the backfill; no scan now.",
        }),
      );
    }
    statements.push(...trigger.create);
    rollback.push(...trigger.drop, stmt(`ALTER TABLE ${t} DROP COLUMN IF EXISTS ${q(ctx, m.newName)};`, "ACCESS EXCLUSIVE", [m.tableName]));
  }
  return finishPhase(ctx, {
    title: `Add bigint twins of ${mm.parent.tableName}.${mm.parent.column.name}${mm.children.length ? " and the columns that reference it" : ""}`,
    kind: "expand",
    why:
      "Each integer column gets an empty bigint twin (catalog only) and a trigger that copies the value on every insert and update, " +
      "so the twin never falls behind while the backfill runs. The application keeps using the old columns.",
    statements,
    rollback,
    checks: all(mm).map((m) => ({
      description: `${m.tableName}.${m.newName} exists`,
      sql: `SELECT count(*) = 1 AS ok FROM pg_attribute WHERE attrelid = ${regclass(ctx.engine, m.tableName)} AND attname = ${literal(m.newName)} AND NOT attisdropped;`,
    })),
    estimate: estimate.catalogOnly(ctx),
  });
}

export function backfillPhases(ctx: RecipeContext, mm: BigintKeyMembers): PhaseDraft[] {
  return all(mm).map((m) => {
    const n = q(ctx, m.newName);
    const c = q(ctx, m.column.name);
    const rows = m.table.estimatedRows ?? ctx.answers.approx_rows;
    const sub = { ...ctx, size: sizeClass(rows), answers: { ...ctx.answers, approx_rows: rows } };
    return backfillPhase(
      sub,
      { table: m.tableName, primaryKey: m.batchKey, set: `${n} = ${c}`, pending: `${n} IS DISTINCT FROM ${c}`, label: `${m.tableName}.${m.newName}` },
      `Copies the existing values into ${m.newName}, batch by batch along ${m.batchKey}; the trigger already covers new writes.`,
    );
  });
}

export function buildPhase(ctx: RecipeContext, mm: BigintKeyMembers): PhaseDraft {
  const p = mm.parent;
  const pt = quoteTable(ctx.engine, p.tableName);
  const conc = (sql: string, table: string, extra: Partial<Statement> = {}) => stmt(sql, "SHARE UPDATE EXCLUSIVE", [table], { transaction: false, why: "Built without blocking writes; cannot run in a transaction block.", ...extra });
  const statements: Statement[] = [conc(`CREATE UNIQUE INDEX CONCURRENTLY ${q(ctx, p.newKeyIndex)} ON ${pt} (${q(ctx, p.newName)});`, p.tableName, {
    effects: [effect.createIndex({ table: p.tableName, name: p.newKeyIndex, columns: [p.newName], unique: true }, { concurrent: true, plain: true })],
  })];
  const rollback: Statement[] = [];
  for (const m of all(mm)) {
    for (const i of m.indexes) statements.push(conc(rebuiltIndexSql(ctx, m, i.definition, copyName(i.name)), m.tableName));
  }
  for (const m of all(mm)) {
    if (!m.notNullCheck) continue;
    statements.push(
      stmt(`ALTER TABLE ${quoteTable(ctx.engine, m.tableName)} VALIDATE CONSTRAINT ${q(ctx, m.notNullCheck)};`, "SHARE UPDATE EXCLUSIVE", [m.tableName], {
        scan: true,
        why: "Scans the table without blocking writes; afterwards SET NOT NULL needs no scan (PostgreSQL 12+).",
      }),
    );
  }
  for (const c of mm.children) {
    const ct = quoteTable(ctx.engine, c.tableName);
    const actions = `ON DELETE ${c.fk.onDelete.toUpperCase()} ON UPDATE ${c.fk.onUpdate.toUpperCase()}`;
    statements.push(
      stmt(`ALTER TABLE ${ct} ADD CONSTRAINT ${q(ctx, c.newFkName)} FOREIGN KEY (${q(ctx, c.newName)}) REFERENCES ${pt} (${q(ctx, p.newName)}) ${actions} NOT VALID;`, "SHARE ROW EXCLUSIVE", [c.tableName, p.tableName], {
        why: "NOT VALID: enforced for new writes at once, no scan while the strong lock is held.",
      }),
      stmt(`ALTER TABLE ${ct} VALIDATE CONSTRAINT ${q(ctx, c.newFkName)};`, "SHARE UPDATE EXCLUSIVE", [c.tableName], { scan: true, why: "Checks the existing rows without blocking writes.", effects: [effect.validateConstraint(c.tableName, "foreign_key", c.newFkName)] }),
    );
    rollback.push(stmt(`ALTER TABLE ${ct} DROP CONSTRAINT IF EXISTS ${q(ctx, c.newFkName)};`, "ACCESS EXCLUSIVE", [c.tableName, p.tableName]));
  }
  const schemaOf = (m: ConvertedColumn) => (m.table.schema === "public" ? "" : `${q(ctx, m.table.schema)}.`);
  for (const m of all(mm)) {
    for (const i of m.indexes) rollback.push(stmt(`DROP INDEX CONCURRENTLY IF EXISTS ${schemaOf(m)}${q(ctx, copyName(i.name))};`, "SHARE UPDATE EXCLUSIVE", [m.tableName], { transaction: false }));
  }
  rollback.push(stmt(`DROP INDEX CONCURRENTLY IF EXISTS ${schemaOf(p)}${q(ctx, p.newKeyIndex)};`, "SHARE UPDATE EXCLUSIVE", [p.tableName], { transaction: false }));
  return finishPhase(ctx, {
    title: "Build the unique index, index copies, NOT NULL checks and foreign keys on the new columns",
    kind: "expand",
    why:
      `Everything the swap needs is built now, without blocking writes: the unique index that becomes ${p.tableName}'s primary key, a copy of every other index ` +
      "on a converted column, the NOT NULL checks validated, and each child's foreign key re-created on the new columns NOT VALID and then validated. " +
      "If a CONCURRENTLY build fails it leaves an INVALID index: drop it (DROP INDEX CONCURRENTLY) and run the statement again.",
    statements,
    rollback,
    checks: [
      {
        description: `${p.newKeyIndex} and the index copies are valid`,
        sql: `SELECT bool_and(indisvalid) AS ok FROM pg_index WHERE indexrelid::regclass::text IN (${[p.newKeyIndex, ...all(mm).flatMap((m) => m.indexes.map((i) => copyName(i.name)))].map((x) => literal(x)).join(", ")});`,
      },
      ...mm.children.map((c) => ({
        description: `${c.newFkName} is validated`,
        sql: `SELECT convalidated AS ok FROM pg_constraint WHERE conrelid = ${regclass(ctx.engine, c.tableName)} AND conname = ${literal(c.newFkName)};`,
      })),
    ],
    estimate: estimate.scan(ctx.answers.approx_rows, "several scans (one per index, check and foreign key), none blocking writes"),
  });
}
