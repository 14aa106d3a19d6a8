/**
 * With a schema snapshot: the objects that hang on a column (indexes, unique and check constraints, its foreign
 * key, views) rebuilt on the column that replaces it, without blocking writes, so a column-replacing plan
 * (rename_column's expand/contract) leaves nothing for the reader to re-create by hand.
 */
import type { RecipeContext } from "../context.js";
import type { Statement } from "../model.js";
import { quoteIdent, quoteTable } from "../sql.js";
import { PlanError } from "../errors.js";
import { pgRebind } from "./column-swap/pg-rebind.js";
import { derived, renameRefs } from "./column-swap/refs.js";
import { findTable, type TableInfo } from "../../schema/model.js";
import * as estimate from "./estimate.js";
import { finishPhase, literal, stmt, type PhaseDraft } from "./statements.js";
import { effect } from "../effects.js";

export interface ColumnObjects {
  /** The build phase (absent when nothing hangs on the column). */
  phase?: PhaseDraft;
  /** Statements for the contract phase, before the old column is dropped (views re-created on the new column). */
  beforeDrop: Statement[];
  notes: string[];
}

/** An object copied onto the new column: `rename` is how to give it another name (an index, or a constraint of `table`). */
interface Copied {
  table: string;
  original: string;
  copy: string;
  index: boolean;
}

interface Copies {
  statements: Statement[];
  rollback: Statement[];
  copied: Copied[];
}

/** Concurrent copies of the column's indexes, unique constraints, checks and own foreign keys, on `newColumn`. */
function copyObjects(ctx: RecipeContext, table: TableInfo, tableName: string, column: string, newColumn: string): Copies {
  const q = (s: string) => quoteIdent(ctx.engine, s);
  const t = quoteTable(ctx.engine, tableName);
  const n = q(newColumn);
  const statements: Statement[] = [];
  const rollback: Statement[] = [];
  const copied: Copied[] = [];
  const schema = table.schema === "public" ? "" : `${q(table.schema)}.`;
  for (const i of table.indexes.filter((x) => !x.primary)) {
    const name = derived(i.name, column, newColumn);
    const m = /^CREATE (UNIQUE )?INDEX (?:"(?:[^"]|"")+"|\S+) ON (.+?) USING ([\s\S]*)$/.exec(i.definition);
    // A key column, an expression or a predicate that reads the column.
    if (!m || (!i.columns.includes(column) && renameRefs(m[3], column, n) === m[3])) continue;
    statements.push(stmt(`CREATE ${m[1] ?? ""}INDEX CONCURRENTLY ${q(name)} ON ${m[2]} USING ${renameRefs(m[3], column, n)};`, "SHARE UPDATE EXCLUSIVE", [tableName], { transaction: false, why: `A copy of ${i.name} on ${newColumn}, built without blocking writes.` }));
    const kind = table.constraints.find((k) => k.name === i.constraint)?.kind;
    if (kind === "unique") statements.push(stmt(`ALTER TABLE ${t} ADD CONSTRAINT ${q(name)} UNIQUE USING INDEX ${q(name)};`, "SHARE UPDATE EXCLUSIVE", [tableName], { why: `As ${i.constraint} is a constraint, so is its copy; USING INDEX makes it instant.` }));
    rollback.push(
      ...(kind === "unique" ? [stmt(`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${q(name)};`, "ACCESS EXCLUSIVE", [tableName])] : []),
      stmt(`DROP INDEX CONCURRENTLY IF EXISTS ${schema}${q(name)};`, "SHARE UPDATE EXCLUSIVE", [tableName], { transaction: false }),
    );
    copied.push({ table: tableName, original: i.name, copy: name, index: kind !== "unique" });
  }
  for (const k of table.constraints.filter((x) => x.columns.includes(column) && (x.kind === "check" || x.kind === "foreign_key"))) {
    const name = derived(k.name, column, newColumn);
    const def = k.definition.replace(/ NOT VALID$/, "");
    const body = k.kind === "check" ? renameRefs(def, column, n) : def.replace(/^FOREIGN KEY \(([^)]*)\)/, (_, cols: string) => `FOREIGN KEY (${renameRefs(cols, column, n)})`);
    statements.push(
      stmt(`ALTER TABLE ${t} ADD CONSTRAINT ${q(name)} ${body} NOT VALID;`, k.kind === "check" ? "ACCESS EXCLUSIVE" : "SHARE ROW EXCLUSIVE", [tableName], { why: "NOT VALID: no scan under the lock." }),
      stmt(`ALTER TABLE ${t} VALIDATE CONSTRAINT ${q(name)};`, "SHARE UPDATE EXCLUSIVE", [tableName], { scan: true, why: "Checks existing rows without blocking writes.", effects: [effect.validateConstraint(tableName, k.kind, name)] }),
    );
    rollback.unshift(stmt(`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${q(name)};`, "ACCESS EXCLUSIVE", [tableName]));
    copied.push({ table: tableName, original: k.name, copy: name, index: false });
  }
  return { statements, rollback, copied };
}

/** The build phase for the copies, with its validity check. */
function buildPhase(ctx: RecipeContext, tableName: string, column: string, newColumn: string, copies: Copies, extra = ""): PhaseDraft {
  const t = quoteTable(ctx.engine, tableName);
  return finishPhase(ctx, {
    title: `Build ${column}'s indexes and constraints on ${newColumn}`,
    kind: "expand",
    why: `Read from the schema: these are on ${column}. Their copies on ${newColumn} must exist before the application relies on it, built without blocking writes. If a concurrent build fails it leaves an INVALID index: drop it and run the statement again.${extra}`,
    statements: copies.statements,
    rollback: copies.rollback,
    checks: [
      {
        description: `Every index on ${newColumn} is valid`,
        sql: `SELECT coalesce(bool_and(i.indisvalid), true) AS ok FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indrelid = ${literal(t)}::regclass AND a.attname = ${literal(newColumn)};`,
      },
    ],
    estimate: estimate.scan(ctx.answers.approx_rows, "one scan per index and constraint, none blocking writes"),
  });
}

export function columnObjects(ctx: RecipeContext, tableName: string, column: string, newColumn: string): ColumnObjects {
  const table = ctx.snapshot && findTable(ctx.snapshot, tableName);
  if (!table) return { beforeDrop: [], notes: [] };
  const n = quoteIdent(ctx.engine, newColumn);
  const copies = copyObjects(ctx, table, tableName, column, newColumn);
  const notes = table.referencedBy
    .filter((f) => f.refColumns.includes(column))
    .map((f) => `${f.table} references ${column} (${f.name}): re-point it at ${newColumn} (a new foreign key NOT VALID, then VALIDATE) before the contract phase.`);
  const views = ctx.snapshot!.views.filter((v) => table.dependentViews.includes(`${v.schema}.${v.name}`) && !v.materialized);
  const beforeDrop = views.flatMap((v) => {
    const vn = quoteTable(ctx.engine, `${v.schema}.${v.name}`);
    return [stmt(`DROP VIEW ${vn};`, "ACCESS EXCLUSIVE", [v.name]), stmt(`CREATE VIEW ${vn} AS\n${renameRefs(v.definition.trim(), column, n)}`, "ACCESS EXCLUSIVE", [v.name], { why: `Re-created on ${newColumn}: a view would otherwise keep the old column alive (DROP COLUMN refuses).` })];
  });
  if (views.length) notes.push(`The contract phase re-creates ${views.map((v) => v.name).join(", ")} on ${newColumn} (the view's column is renamed too); give its grants again.`);
  if (!copies.statements.length) return { beforeDrop, notes };
  return { phase: buildPhase(ctx, tableName, column, newColumn, copies), beforeDrop, notes };
}

/** What change_column_type's swap needs besides the columns: copies built before, renamed in, and the old ones dropped after. */
export interface SwappedObjects {
  /** The build phase: copies of the indexes and constraints on the new column, and of the foreign keys that reference it. */
  phase?: PhaseDraft;
  /** Other tables whose constraints the swap renames (children), locked with the table. */
  lockTables: string[];
  /** In the swap transaction, after the columns are renamed: the copies take the original names, triggers and views move over. */
  swap: Statement[];
  /** In the swap's rollback, after the columns are renamed back. */
  swapBack: Statement[];
  /** In the contract phase, before the old column is dropped: the old foreign keys in other tables. */
  beforeDrop: Statement[];
  /** What is rebuilt, in words. */
  rebuilt: string[];
}

/**
 * With a schema snapshot, every object on a non-key column whose type changes by a new column and a swap:
 * indexes, unique and check constraints and its own foreign keys are copied onto the new column concurrently;
 * foreign keys in other tables that reference it are copied NOT VALID and validated; in the swap's one short
 * transaction the copies take the original names and what binds the column itself moves (pg-rebind.ts: sequence,
 * identity, triggers, views, column grants). Undefined without a snapshot; a primary key column (one the bigint-key
 * recipe did not take) is refused.
 */
export function swappedColumnObjects(ctx: RecipeContext, k: { table: string; column: string; newColumn: string; oldColumn: string; from: string; to: string }): SwappedObjects | undefined {
  const { table: tableName, column, newColumn, oldColumn, from, to } = k;
  const table = ctx.snapshot && findTable(ctx.snapshot, tableName);
  if (!table) return undefined;
  const pk = table.primaryKey;
  if (pk?.columns.includes(column)) {
    throw new PlanError(
      `${tableName}.${column} is in the primary key ${pk.name} (${pk.columns.join(", ")}), which this plan moves only for a single integer key becoming bigint without USING: change it in one step with a longer downtime tolerance`,
      "columns",
    );
  }
  const q = (s: string) => quoteIdent(ctx.engine, s);
  const n = q(newColumn);
  const copies = copyObjects(ctx, table, tableName, column, newColumn);
  const children: string[] = [];
  for (const f of table.referencedBy.filter((x) => x.refColumns.includes(column))) {
    const def = findTable(ctx.snapshot!, f.table)?.constraints.find((k) => k.name === f.name)?.definition;
    if (!def) continue;
    const name = derived(f.name, column, newColumn);
    const body = def.replace(/ NOT VALID$/, "").replace(/REFERENCES (.+?)\(([^)]*)\)/, (_, ref: string, cols: string) => `REFERENCES ${ref}(${renameRefs(cols, column, n)})`);
    const child = quoteTable(ctx.engine, f.table);
    copies.statements.push(
      stmt(`ALTER TABLE ${child} ADD CONSTRAINT ${q(name)} ${body} NOT VALID;`, "SHARE ROW EXCLUSIVE", [f.table, tableName], { why: `A copy of ${f.name} that references ${newColumn}; NOT VALID: no scan under the lock.` }),
      stmt(`ALTER TABLE ${child} VALIDATE CONSTRAINT ${q(name)};`, "SHARE UPDATE EXCLUSIVE", [f.table], { scan: true, why: "Checks existing rows without blocking writes.", effects: [effect.validateConstraint(f.table, "foreign_key", name)] }),
    );
    copies.rollback.unshift(stmt(`ALTER TABLE ${child} DROP CONSTRAINT IF EXISTS ${q(name)};`, "ACCESS EXCLUSIVE", [f.table, tableName]));
    copies.copied.push({ table: f.table, original: f.name, copy: name, index: false });
    children.push(f.table);
  }
  const rename = (c: Copied, from: string, to: string) => {
    const schema = findTable(ctx.snapshot!, c.table)?.schema ?? "public";
    return c.index
      ? stmt(`ALTER INDEX ${schema === "public" ? "" : `${q(schema)}.`}${q(from)} RENAME TO ${q(to)};`, "ACCESS EXCLUSIVE", [c.table], { why: "Catalog only." })
      : stmt(`ALTER TABLE ${quoteTable(ctx.engine, c.table)} RENAME CONSTRAINT ${q(from)} TO ${q(to)};`, "ACCESS EXCLUSIVE", [c.table], { why: "Catalog only (a unique constraint's index is renamed with it)." });
  };
  const retired = (c: Copied) => derived(c.original, column, oldColumn);
  // Originals out of the way first, then the copies take their names; the rollback does the reverse.
  const swap = [...copies.copied.map((c) => rename(c, c.original, retired(c))), ...copies.copied.map((c) => rename(c, c.copy, c.original))];
  const swapBack = [...copies.copied.map((c) => rename(c, c.original, c.copy)), ...copies.copied.map((c) => rename(c, retired(c), c.original))];
  // After the column renames, so what is re-created binds to whichever column holds the name then.
  const rebind = pgRebind(ctx, ctx.snapshot!, table, { tableName, column, newColumn, oldColumn, from, to });
  const beforeDrop = copies.copied
    .filter((c) => c.table !== tableName && children.includes(c.table))
    .map((c) => stmt(`ALTER TABLE ${quoteTable(ctx.engine, c.table)} DROP CONSTRAINT IF EXISTS ${q(retired(c))};`, "ACCESS EXCLUSIVE", [c.table, tableName], { why: `The old ${c.original}, which references the old column.` }));
  const rebuilt = [
    ...copies.copied.map((c) => `${c.original}${c.table === tableName ? "" : ` (on ${c.table})`}`),
    ...rebind.rebuilt,
  ];
  return {
    ...(copies.statements.length ? { phase: buildPhase(ctx, tableName, column, newColumn, copies, children.length ? ` The foreign keys of ${[...new Set(children)].join(", ")} that reference ${column} are copied to reference ${newColumn} (NOT VALID, then validated).` : "") } : {}),
    lockTables: [...new Set(children)],
    swap: [...rebind.swap, ...swap],
    swapBack: [...rebind.swapBack, ...swapBack],
    beforeDrop,
    rebuilt,
  };
}
