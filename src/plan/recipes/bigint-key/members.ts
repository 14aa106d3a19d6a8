/**
 * What the integer-key conversion touches, read from the schema snapshot: the parent table and key column,
 * its sequence or identity, every index and check on the key, and each child table whose foreign key
 * references it. Each converted column gets a `<col>_new` twin; names come from the snapshot's own objects.
 */
import type { ColumnInfo, ForeignKeyInfo, IndexInfo, SchemaSnapshot, TableInfo } from "../../../schema/model.js";
import { findTable } from "../../../schema/model.js";
import { constraintName } from "../../sql.js";

const INTEGER_TYPES = new Set(["smallint", "integer"]);

/** One column converted to bigint: on the parent (the key) or on a child (a referencing column). */
export interface ConvertedColumn {
  table: TableInfo;
  /** `schema.table` as the answers would spell it (public implied). */
  tableName: string;
  column: ColumnInfo;
  newName: string;
  oldName: string;
  /** The column the batches walk: the table's single-column primary key. */
  batchKey: string;
  /** Indexes (other than the primary key) that include the column: rebuilt on the new column. */
  indexes: IndexInfo[];
  /** CHECK constraint proving the new column has no NULL, when the column is NOT NULL. */
  notNullCheck?: string;
}

export interface ChildKey extends ConvertedColumn {
  fk: ForeignKeyInfo;
  /** Name of the foreign key built on the new column, renamed to `fk.name` at the swap. */
  newFkName: string;
}

export interface BigintKeyMembers {
  parent: ConvertedColumn & { pkName: string; newKeyIndex: string };
  children: ChildKey[];
  /** Views reading the parent or a child: re-created at the swap so they read the new columns. */
  views: { name: string; definition: string }[];
  /** What the conversion does not handle, said in the plan. */
  notes: string[];
}

const tableNameOf = (t: TableInfo) => (t.schema === "public" ? t.name : `${t.schema}.${t.name}`);

function converted(table: TableInfo, column: ColumnInfo): ConvertedColumn | undefined {
  const pk = table.primaryKey?.columns;
  if (!pk || pk.length !== 1) return undefined;
  const name = column.name;
  return {
    table,
    tableName: tableNameOf(table),
    column,
    newName: constraintName(name, "new"),
    oldName: constraintName(name, "old"),
    batchKey: pk[0] === name ? name : pk[0],
    indexes: table.indexes.filter((i) => !i.primary && i.constraint === null && i.columns.includes(name)),
    ...(column.nullable ? {} : { notNullCheck: constraintName(table.name, name, "new", "not_null") }),
  };
}

/** Members of the conversion, or a reason it cannot be planned from this snapshot. */
export function bigintKeyMembers(snapshot: SchemaSnapshot, tableName: string, columnName: string, to: string): BigintKeyMembers | string {
  if (!/^\s*(bigint|int8)\s*$/i.test(to)) return "the new type is not bigint";
  const table = findTable(snapshot, tableName);
  const column = table?.columns.find((c) => c.name === columnName);
  if (!table || !column) return `${tableName}.${columnName} is not in the snapshot`;
  if (!INTEGER_TYPES.has(column.type)) return `${tableName}.${columnName} is ${column.type}, not an integer`;
  if (table.primaryKey?.columns.length !== 1 || table.primaryKey.columns[0] !== columnName) return `${columnName} is not ${tableName}'s single-column primary key`;
  const parent = converted(table, column)!;
  const notes: string[] = [];
  const children: ChildKey[] = [];
  for (const fk of table.referencedBy) {
    const child = snapshot.tables.find((t) => `${t.schema}.${t.name}` === fk.table)!;
    if (fk.columns.length !== 1 || child === table) {
      notes.push(`The foreign key ${fk.name} on ${fk.table} (${fk.columns.join(", ")}) is not converted by this plan: re-create it by hand after the swap.`);
      continue;
    }
    const c = converted(child, child.columns.find((x) => x.name === fk.columns[0])!);
    if (!c) {
      notes.push(`${fk.table} has no single-column primary key to batch its backfill by: convert ${fk.columns[0]} by hand.`);
      continue;
    }
    children.push({ ...c, fk, newFkName: constraintName(fk.name, "new") });
  }
  for (const t of [table, ...children.map((c) => c.table)]) {
    for (const k of t.constraints.filter((x) => x.kind === "unique" || x.kind === "exclusion" || x.kind === "check")) {
      const col = t === table ? columnName : children.find((c) => c.table === t)!.column.name;
      if (k.columns.includes(col)) notes.push(`The ${k.kind} constraint ${k.name} on ${tableNameOf(t)} includes ${col}: re-create it on the new column before the swap.`);
    }
  }
  const viewNames = new Set([table, ...children.map((c) => c.table)].flatMap((t) => t.dependentViews));
  const views = snapshot.views.filter((v) => viewNames.has(`${v.schema}.${v.name}`) && !v.materialized);
  const pkIndex = table.indexes.find((i) => i.primary)!;
  return {
    parent: { ...parent, pkName: table.primaryKey.name, newKeyIndex: constraintName(table.name, columnName, "new", "key") },
    children,
    views: views.map((v) => ({ name: v.schema === "public" ? v.name : `${v.schema}.${v.name}`, definition: v.definition })),
    notes: pkIndex ? notes : [...notes, "The primary key has no index in the snapshot."],
  };
}
