/**
 * MySQL/MariaDB foreign keys around a column type change, from the schema snapshot. Both columns of a foreign key
 * must have the same type and sign (error 3780 on MySQL, 1832/150 on MariaDB), so a type change on a column that
 * a foreign key joins converts the other side too: the foreign keys are dropped, every column is changed, and the
 * foreign keys are added back with their ON DELETE / ON UPDATE rules. Also the byte length of a VARCHAR by charset,
 * which decides whether InnoDB can grow it in place (one length byte up to 255 bytes, two beyond).
 */
import type { Column } from "../../answers/schema.js";
import { findTable, type ColumnInfo, type ForeignKeyInfo, type SchemaSnapshot, type TableInfo } from "../../schema/model.js";
import type { RecipeContext } from "../context.js";
import { PlanError } from "../errors.js";
import { quoteIdent, quoteTable } from "../sql.js";
import { mysqlRestatedDefinition } from "./column-defaults.js";
import { bareName, literal, stmt } from "./statements.js";
import type { Statement } from "../model.js";

/** Bytes per character of the MySQL character sets whose maximum is not 1. */
const MULTI_BYTE: Record<string, number> = {
  utf8mb4: 4, utf8mb3: 3, utf8: 3, utf16: 4, utf16le: 4, utf32: 4, ucs2: 2,
  big5: 2, gbk: 2, gb2312: 2, gb18030: 4, sjis: 2, cp932: 2, euckr: 2, ujis: 3, eucjpms: 3,
};

/** The charset of `table.column` from the snapshot and its bytes per character; utf8mb4 (4) when not read. */
export function mysqlCharsetOf(snapshot: SchemaSnapshot | undefined, table: string, column: Column): { charset: string; bytes: number; read: boolean } {
  const info = snapshot && findTable(snapshot, table)?.columns.find((c) => c.name === column.name);
  const charset = (info?.charset ?? column.charset ?? "").toLowerCase();
  if (!charset) return { charset: "utf8mb4", bytes: 4, read: false };
  return { charset, bytes: MULTI_BYTE[charset] ?? 1, read: true };
}

/**
 * The column as MODIFY COLUMN must restate it, with the charset and collation read from the schema when they differ
 * from the table's (left out, MODIFY would move the column to the table's default charset: a conversion, never in place).
 */
export function mysqlColumnAsRead(snapshot: SchemaSnapshot | undefined, table: string, column: Column): { column: Column; collation?: string } {
  const info = snapshot && findTable(snapshot, table)?.columns.find((c) => c.name === column.name);
  if (!info?.collation || !info.charset || column.charset) return { column };
  return { column: { ...column, charset: info.charset }, collation: info.collation };
}

/** `int(11)` and `INT` alike: lower case, integer display width dropped, spaces removed. */
export function mysqlSameType(a: string, b: string): boolean {
  const norm = (t: string) => t.toLowerCase().replace(/\b(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)/, "$1").replace(/\binteger\b/, "int").replace(/\s+/g, "");
  return norm(a) === norm(b);
}

const RULE = (r: ForeignKeyInfo["onDelete"]) => r.toUpperCase();

/** `db.t` of the snapshot as the plan spells the table: unqualified when it is in the plan table's database. */
function tableName(fkTable: string, home: TableInfo): string {
  return fkTable.startsWith(`${home.schema}.`) ? fkTable.slice(home.schema.length + 1) : fkTable;
}

/** The answers' shape of a snapshot column, for restating its definition in MODIFY COLUMN. */
function asColumn(info: ColumnInfo): Column {
  return { name: info.name, type: info.type, nullable: info.nullable, ...(info.default !== null ? { default: info.default } : {}), ...(info.collation && info.charset ? { charset: info.charset } : {}) };
}

export interface MysqlFkChange {
  /** Statements that drop every foreign key joining the column (rollback: add them back). */
  drop: Statement[];
  add: Statement[];
  /** MODIFY COLUMN of each referencing column in other tables, to the new type and back. */
  children: { forward: Statement[]; back: Statement[] };
  /** `name (child.col -> parent.col)` for each foreign key, for the phase texts. */
  names: string[];
  tables: string[];
  /** Checks that every foreign key exists (after adding) or is gone (after dropping). */
  checks: { description: string; sql: string }[];
  dropChecks: { description: string; sql: string }[];
}

/**
 * The foreign keys on `table.column` from the snapshot, both directions, or undefined when there are none (or no
 * snapshot). Refuses (PlanError) what cannot be done by converting the referencing columns: a composite foreign key,
 * a parent column of another type than the new one, a child column that other foreign keys reference in turn.
 */
export function mysqlColumnFks(ctx: RecipeContext, column: Column, from: string, to: string): MysqlFkChange | undefined {
  const home = ctx.snapshot && findTable(ctx.snapshot, ctx.answers.table);
  if (!home) return undefined;
  const inbound = home.referencedBy.filter((f) => f.refColumns.includes(column.name));
  const outbound = home.foreignKeys.filter((f) => f.columns.includes(column.name));
  if (!inbound.length && !outbound.length) return undefined;
  const e = ctx.engine;
  const all = [...inbound, ...outbound];
  const composite = all.find((f) => f.columns.length > 1);
  if (composite) throw new PlanError(`foreign key ${composite.name} is composite (${composite.columns.join(", ")}): change its columns together by hand, this plan converts single-column foreign keys only`, "columns");
  for (const f of outbound) {
    if (!mysqlSameType(f.refColumnTypes[0], to)) {
      throw new PlanError(`${ctx.answers.table}.${column.name} references ${f.refTable}.${f.refColumns[0]} (${f.refColumnTypes[0]}) through ${f.name}, and both sides must have the same type: change ${f.refTable}.${f.refColumns[0]} to ${to} first (that plan converts this column too)`, "details.new_type");
    }
  }
  const childColumns = inbound.map((f) => {
    const child = findTable(ctx.snapshot!, f.table);
    const info = child?.columns.find((c) => c.name === f.columns[0]);
    if (!child || !info) throw new PlanError(`the snapshot has no column ${f.table}.${f.columns[0]} of foreign key ${f.name}`, "columns");
    const deeper = child.referencedBy.find((g) => g.refColumns.includes(info.name));
    if (deeper) throw new PlanError(`${f.table}.${info.name} is itself referenced by ${deeper.name} on ${deeper.table}: change that chain from its last child up, one plan per level`, "columns");
    if (!mysqlSameType(info.type, from) && !mysqlSameType(info.type, to)) {
      throw new PlanError(`${f.table}.${info.name} is ${info.type}, neither ${from} nor ${to}: align it with ${ctx.answers.table}.${column.name} first`, "columns");
    }
    return { f, info, table: tableName(f.table, home) };
  });
  const online = "ALGORITHM=INPLACE, LOCK=NONE";
  // With foreign_key_checks on, ADD FOREIGN KEY checks every row and only ALGORITHM=COPY does that.
  const copy = "ALGORITHM=COPY, LOCK=SHARED";
  const childOf = (f: ForeignKeyInfo) => tableName(f.table, home);
  const drop = all.map((f) => stmt(`ALTER TABLE ${quoteTable(e, childOf(f))} DROP FOREIGN KEY ${quoteIdent(e, f.name)}, ${online};`, "INPLACE, LOCK=NONE", [childOf(f)]));
  const add = all.map((f) =>
    stmt(
      `ALTER TABLE ${quoteTable(e, childOf(f))} ADD CONSTRAINT ${quoteIdent(e, f.name)} FOREIGN KEY (${quoteIdent(e, f.columns[0])}) REFERENCES ${quoteTable(e, tableName(f.refTable, home))} (${quoteIdent(e, f.refColumns[0])}) ON DELETE ${RULE(f.onDelete)} ON UPDATE ${RULE(f.onUpdate)}, ${copy};`,
      "COPY, LOCK=SHARED",
      [childOf(f)],
      { rewrite: true, why: "With foreign_key_checks on, adding a foreign key checks every existing row, which MySQL does only with a table copy (writes to the child wait, reads continue)." },
    ),
  );
  const modify = (table: string, info: ColumnInfo, type: string) =>
    stmt(`ALTER TABLE ${quoteTable(e, table)} MODIFY COLUMN ${quoteIdent(e, info.name)} ${mysqlRestatedDefinition(asColumn(info), { type, collation: info.collation ?? undefined })}, ${copy};`, "COPY, LOCK=SHARED", [table], { rewrite: true });
  const children = {
    forward: childColumns.map((c) => modify(c.table, c.info, to)),
    back: childColumns.map((c) => modify(c.table, c.info, mysqlSameType(c.info.type, to) ? to : from)),
  };
  const fkCheck = (present: boolean) =>
    all.map((f) => ({
      description: `Foreign key ${f.name} on ${childOf(f)} ${present ? "exists" : "is dropped"}`,
      sql: `SELECT COUNT(*) = ${present ? 1 : 0} AS ok FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(bareName(childOf(f)), e)} AND CONSTRAINT_NAME = ${literal(f.name, e)};`,
    }));
  return {
    drop,
    add,
    children,
    names: all.map((f) => `${f.name} (${childOf(f)}.${f.columns[0]} -> ${tableName(f.refTable, home)}.${f.refColumns[0]}, ON DELETE ${RULE(f.onDelete)})`),
    tables: [...new Set(childColumns.map((c) => c.table))],
    checks: fkCheck(true),
    dropChecks: fkCheck(false),
  };
}

/** AUTO_INCREMENT of the column, read from the snapshot, which MODIFY COLUMN must restate or it is lost. */
export function mysqlAutoIncrement(snapshot: SchemaSnapshot | undefined, table: string, column: string): boolean {
  return !!(snapshot && findTable(snapshot, table)?.columns.find((c) => c.name === column)?.autoIncrement);
}
