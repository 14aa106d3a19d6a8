/**
 * MySQL/MariaDB, with a schema snapshot: the secondary indexes and unique keys that contain a column whose type
 * changes by a new column and a swap. Each is built on the new column before the swap (prefix lengths kept,
 * ALGORITHM=INPLACE, LOCK=NONE); the swap's ALTER renames the originals out of the way and the next statement
 * gives the copies the original names, so afterwards the live column has every index under its original name;
 * the contract phase drops the originals before the old column goes. Two statements because MySQL refuses a
 * RENAME INDEX to a name an index still has in the same ALTER (MariaDB 10.11 accepts it).
 */
import type { RecipeContext } from "../../context.js";
import { PlanError } from "../../errors.js";
import type { Statement } from "../../model.js";
import { quoteIdent } from "../../sql.js";
import { findTable, type IndexInfo, type TableInfo } from "../../../schema/model.js";
import { mysqlCharsetOf } from "../mysql-fk.js";
import { derived } from "./refs.js";
import * as estimate from "../estimate.js";
import { bareName, finishPhase, literal, stmt, type PhaseDraft } from "../statements.js";
import type { SwapNames } from "./names.js";
import { typeShape } from "./type-shape.js";

const ONLINE = "ALGORITHM=INPLACE, LOCK=NONE";

/** The rename of the indexes in the swap (and its rollback): clauses joining the column renames' ALTER, then one ALTER. */
export interface IndexRenames {
  clauses: string[];
  after: Statement[];
}

export interface MysqlSwappedIndexes {
  /** The build phase: a copy of each index on the new column (absent when the column has none). */
  phase?: PhaseDraft;
  swap: IndexRenames;
  swapBack: IndexRenames;
  /** In the contract phase, before the old column is dropped: the originals, by their retired names. */
  beforeDrop: Statement[];
  /** The live column's indexes after the swap, by name, for the swap's check. */
  names: string[];
  /** Indexes whose key is an expression: the snapshot cannot show whether they read the column. */
  notes: string[];
}

interface KeyPart {
  column: string;
  prefix?: number;
}

const KEY_PART = /(`(?:[^`]|``)+`|[^\s,()`]+)(?:\((\d+)\))?/g;
const unquote = (s: string) => (s.startsWith("`") ? s.slice(1, -1).replace(/``/g, "`") : s);

/** The key parts of a snapshot index, from its definition (`CREATE UNIQUE INDEX x ON t (a, b(10))`). */
function keyParts(table: TableInfo, index: IndexInfo): KeyPart[] {
  const on = ` ON ${quoteIdent("mysql", table.name)} (`;
  const list = index.definition.slice(index.definition.indexOf(on) + on.length).replace(/\)( USING \w+)?$/, "");
  return [...list.matchAll(KEY_PART)].map((m) => ({ column: unquote(m[1]), ...(m[2] ? { prefix: Number(m[2]) } : {}) }));
}

const STRING = /^(var)?(char|binary)$/;
const LOB = /^(tiny|medium|long)?(text|blob)$/;

/** InnoDB's longest index key part (DYNAMIC and COMPRESSED row formats, the default since MySQL 5.7.9 and MariaDB 10.2.2). */
const MAX_KEY_BYTES = 3072;

/** The key part on the new column: its prefix kept, or a one-line refusal when the new type cannot be indexed so. */
function newKeyPart(part: KeyPart, index: string, k: SwapNames, bytesPerChar: number): string {
  const { base, args } = typeShape(k.to);
  const n = quoteIdent("mysql", k.newName);
  if (part.prefix === undefined) {
    if (LOB.test(base)) throw new PlanError(`index ${index} holds ${k.column.name} whole, and a ${k.to} column can only be indexed by a prefix: give the index a prefix length first`, "details.new_type");
    const bytes = /^var(char|binary)$|^char$/.test(base) ? (args[0] ?? 1) * (base.endsWith("binary") ? 1 : bytesPerChar) : 0;
    if (bytes > MAX_KEY_BYTES) throw new PlanError(`index ${index} holds ${k.column.name} whole, and ${k.to} can take ${bytes} bytes, more than InnoDB's ${MAX_KEY_BYTES}-byte key: give the index a prefix length first`, "details.new_type");
    return n;
  }
  if (LOB.test(base) || (STRING.test(base) && (args[0] ?? 1) >= part.prefix)) return `${n}(${part.prefix})`;
  throw new PlanError(`index ${index} holds the first ${part.prefix} characters of ${k.column.name}, which a ${k.to} column cannot keep: change that index first`, "details.new_type");
}

interface Copy {
  original: string;
  copy: string;
  retired: string;
  clause: string;
}

function copyOf(ctx: RecipeContext, table: TableInfo, index: IndexInfo, k: SwapNames, taken: Set<string>): Copy {
  if (/^CREATE (FULLTEXT|SPATIAL) /.test(index.definition)) {
    throw new PlanError(`${index.definition.split(" ")[1]} index ${index.name} on ${k.column.name} cannot be built without blocking writes: change the column with a table copy (a longer downtime tolerance) or gh-ost`, "downtime_tolerance");
  }
  const copy = derived(index.name, k.column.name, k.newName);
  const retired = derived(index.name, k.column.name, k.oldName);
  for (const name of [copy, retired]) {
    if (taken.has(name.toLowerCase())) throw new PlanError(`${k.table} already has an index named ${name}, the name this plan gives the copy of ${index.name}: rename that index first`, "details");
  }
  const bytesPerChar = mysqlCharsetOf(ctx.snapshot, k.table, k.column).bytes;
  const parts = keyParts(table, index).map((p) => (p.column === k.column.name ? newKeyPart(p, index.name, k, bytesPerChar) : `${quoteIdent(ctx.engine, p.column)}${p.prefix ? `(${p.prefix})` : ""}`));
  return { original: index.name, copy, retired, clause: `ADD ${index.unique ? "UNIQUE " : ""}INDEX ${quoteIdent(ctx.engine, copy)} (${parts.join(", ")})` };
}

export function mysqlIndexCheck(table: string, column: string, names: string[], present: boolean) {
  return {
    description: `${names.join(", ")} ${present ? `are on ${column}` : "are gone"}`,
    sql: `SELECT COUNT(DISTINCT INDEX_NAME) = ${present ? names.length : 0} AS ok FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(bareName(table))}${present ? ` AND COLUMN_NAME = ${literal(column)}` : ""} AND INDEX_NAME IN (${names.map((n) => literal(n)).join(", ")});`,
  };
}

function buildPhase(ctx: RecipeContext, k: SwapNames, copies: Copy[]): PhaseDraft {
  const q = (s: string) => quoteIdent(ctx.engine, s);
  return finishPhase(ctx, {
    title: `Build ${k.column.name}'s indexes on ${k.newName}`,
    kind: "expand",
    why:
      `Read from the schema: ${copies.map((c) => c.original).join(", ")} contain ${k.column.name}. A copy of each, with the same columns and prefix lengths, ` +
      `is built on ${k.newName} in place while reads and writes go on, so the swap only renames. A unique copy fails (changing nothing) if the converted values collide.`,
    statements: [stmt(`ALTER TABLE ${k.t} ${copies.map((c) => c.clause).join(", ")}, ${ONLINE};`, "INPLACE, LOCK=NONE", [k.table], { why: "Secondary indexes are built in place without a table rebuild; writes continue." })],
    rollback: [stmt(`ALTER TABLE ${k.t} ${copies.map((c) => `DROP INDEX ${q(c.copy)}`).join(", ")}, ${ONLINE};`, "INPLACE, LOCK=NONE", [k.table], { why: "Dropping an index is metadata only." })],
    checks: [mysqlIndexCheck(k.table, k.newName, copies.map((c) => c.copy), true)],
    estimate: estimate.scan(ctx.answers.approx_rows, "one sort per index, writes continue"),
  });
}

/**
 * The moves for every index containing the column, read from the snapshot; undefined without a snapshot, for a
 * primary key column (its own route) or where RENAME INDEX is missing (the plan's warning then applies).
 */
export function mysqlSwappedIndexes(ctx: RecipeContext, k: SwapNames): MysqlSwappedIndexes | undefined {
  const table = ctx.snapshot && findTable(ctx.snapshot, k.table);
  if (!table || table.primaryKey?.columns.includes(k.column.name) || !ctx.caps.has("renameIndexSyntax")) return undefined;
  const q = (s: string) => quoteIdent(ctx.engine, s);
  const taken = new Set(table.indexes.map((i) => i.name.toLowerCase()));
  const copies = table.indexes.filter((i) => !i.primary && i.columns.includes(k.column.name)).map((i) => copyOf(ctx, table, i, k, taken));
  const rename = (pairs: [string, string][]) => pairs.map(([a, b]) => `RENAME INDEX ${q(a)} TO ${q(b)}`);
  const renameAlter = (pairs: [string, string][], why: string) =>
    pairs.length ? [stmt(`ALTER TABLE ${k.t} ${rename(pairs).join(", ")}, ${ONLINE};`, "INPLACE, LOCK=NONE", [k.table], { why })] : [];
  const expressions = table.indexes.filter((i) => i.columns.includes(null)).map((i) => i.name);
  return {
    ...(copies.length ? { phase: buildPhase(ctx, k, copies) } : {}),
    swap: {
      clauses: rename(copies.map((c) => [c.original, c.retired])),
      after: renameAlter(copies.map((c) => [c.copy, c.original]), `The copies on ${k.column.name} take the original names (metadata only).`),
    },
    swapBack: {
      clauses: rename(copies.map((c) => [c.original, c.copy])),
      after: renameAlter(copies.map((c) => [c.retired, c.original]), `The originals, back on ${k.column.name}, take their names again (metadata only).`),
    },
    beforeDrop: copies.length ? [stmt(`ALTER TABLE ${k.t} ${copies.map((c) => `DROP INDEX ${q(c.retired)}`).join(", ")}, ${ONLINE};`, "INPLACE, LOCK=NONE", [k.table], { why: `The original indexes, on ${k.oldName} since the swap (metadata only).` })] : [],
    names: copies.map((c) => c.original),
    notes: expressions.length ? [`${expressions.join(", ")} ${expressions.length > 1 ? "have" : "has"} an expression key the schema read cannot show: if it reads ${k.column.name}, re-create it on ${k.column.name} after the swap.`] : [],
  };
}
