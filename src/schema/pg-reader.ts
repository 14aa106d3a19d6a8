/**
 * The PostgreSQL snapshot reader: catalog queries (pg-catalog.ts) in one READ ONLY transaction with short
 * statement and lock timeouts, assembled into a SchemaSnapshot. The same code reads a live server (pg) and a
 * schema dump loaded into PGlite, so the two sources cannot drift apart.
 */
import type { ColumnInfo, ConstraintInfo, ConstraintKind, ForeignKeyInfo, IndexInfo, SchemaSnapshot, SnapshotSource, TableInfo } from "./model.js";
import { emptyTable } from "./model.js";
import { Q, READ_DESCRIPTIONS } from "./pg-catalog.js";

export type Row = Record<string, unknown>;
/** Runs one SQL text, returns the rows of its (last) result. */
export type Query = (sql: string) => Promise<Row[]>;

export interface ReadOptions {
  /** Cap on each catalog query (ms). */
  statementTimeoutMs?: number;
}

const ACTIONS: Record<string, ForeignKeyInfo["onDelete"]> = { a: "no action", r: "restrict", c: "cascade", n: "set null", d: "set default" };
const KINDS: Record<string, ConstraintKind> = { p: "primary_key", u: "unique", c: "check", x: "exclusion", f: "foreign_key" };

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
const arr = (v: unknown) => (Array.isArray(v) ? v.map((x) => (x === null ? null : String(x))) : []);
const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Runs `read` inside BEGIN READ ONLY ... ROLLBACK, so nothing it does can change the database. */
export async function inReadOnlyTransaction<T>(query: Query, opts: ReadOptions, read: () => Promise<T>): Promise<T> {
  const timeout = Math.max(100, Math.round(opts.statementTimeoutMs ?? 5000));
  await query("BEGIN READ ONLY");
  try {
    await query(`SET LOCAL statement_timeout = '${timeout}ms'`);
    await query("SET LOCAL lock_timeout = '1s'");
    // Definitions print names relative to the search path: pin it so every source prints them alike.
    await query("SET LOCAL search_path TO public");
    return await read();
  } finally {
    await query("ROLLBACK");
  }
}

export async function readPgSnapshot(query: Query, source: SnapshotSource, opts: ReadOptions = {}): Promise<SchemaSnapshot> {
  return inReadOnlyTransaction(query, opts, async () => {
    const version = String((await query(Q.version))[0].version).split(/\s/)[0];
    const tables = await readTables(query, source.kind === "schema-dump");
    const views = await query(Q.views);
    const viewName = new Map(views.map((v) => [String(v.oid), `${v.schema}.${v.name}`]));
    for (const d of await query(Q.viewDependencies)) {
      const t = tables.get(String(d.rel));
      const v = viewName.get(String(d.view));
      if (t && v && !t.dependentViews.includes(v)) t.dependentViews.push(v);
    }
    const list = [...tables.values()].sort((a, b) => `${a.schema}.${a.name}`.localeCompare(`${b.schema}.${b.name}`));
    for (const t of list) t.dependentViews.sort();
    return {
      engine: "postgresql",
      serverVersion: version,
      source,
      read: [...READ_DESCRIPTIONS],
      schemas: (await query(Q.schemas)).map((r) => String(r.name)),
      tables: list,
      views: views
        .map((v) => ({ schema: String(v.schema), name: String(v.name), materialized: v.materialized === true, definition: String(v.definition) }))
        .sort((a, b) => `${a.schema}.${a.name}`.localeCompare(`${b.schema}.${b.name}`)),
      enums: (await query(Q.enums))
        .map((e) => ({ schema: String(e.schema), name: String(e.name), values: arr(e.values) as string[] }))
        .sort((a, b) => `${a.schema}.${a.name}`.localeCompare(`${b.schema}.${b.name}`)),
      sequences: (await query(Q.sequences))
        .map((s) => ({ schema: String(s.schema), name: String(s.name), dataType: String(s.type), maxValue: String(s.max), ownedBy: str(s.owned_by) }))
        .sort((a, b) => `${a.schema}.${a.name}`.localeCompare(`${b.schema}.${b.name}`)),
      names: (await query(Q.names))
        .map((r) => ({ schema: String(r.schema), name: String(r.name), kind: r.kind as "relation" }))
        .sort((a, b) => `${a.schema}.${a.kind}.${a.name}`.localeCompare(`${b.schema}.${b.kind}.${b.name}`)),
    };
  });
}

async function readTables(query: Query, fromDump: boolean): Promise<Map<string, TableInfo>> {
  const tables = new Map<string, TableInfo>();
  for (const r of await query(Q.tables)) {
    const rows = Number(r.reltuples);
    // -1 (PostgreSQL 14+) or 0 pages with 0 tuples: never analysed, so no estimate.
    const estimate = fromDump || rows < 0 || (rows === 0 && Number(r.relpages) === 0) ? null : Math.round(rows);
    tables.set(String(r.oid), emptyTable(String(r.schema), String(r.name), estimate, fromDump ? null : Number(r.size)));
  }
  for (const c of await query(Q.columns)) tables.get(String(c.rel))?.columns.push(columnOf(c));
  for (const i of await query(Q.indexes)) tables.get(String(i.rel))?.indexes.push(indexOf(i));
  await readConstraints(query, tables);
  for (const t of await query(Q.triggers)) {
    tables.get(String(t.rel))?.triggers.push({ name: String(t.name), definition: String(t.definition), enabled: t.enabled === true });
  }
  for (const t of tables.values()) {
    t.indexes.sort(byName);
    t.constraints.sort(byName);
    t.triggers.sort(byName);
    t.foreignKeys.sort(byName);
    t.referencedBy.sort((a, b) => `${a.table}.${a.name}`.localeCompare(`${b.table}.${b.name}`));
  }
  return tables;
}

function columnOf(c: Row): ColumnInfo {
  const generated = c.generated === "s" ? str(c.expr) : null;
  return {
    name: String(c.name),
    type: String(c.type),
    nullable: c.notnull !== true,
    default: generated === null ? str(c.expr) : null,
    identity: c.identity === "a" ? "always" : c.identity === "d" ? "by default" : null,
    generated,
    collation: str(c.collation),
    sequence: str(c.seq),
  };
}

function indexOf(i: Row): IndexInfo {
  return {
    name: String(i.name),
    definition: String(i.definition),
    columns: arr(i.columns),
    unique: i.unique === true,
    primary: i.primary === true,
    predicate: str(i.predicate),
    valid: i.valid === true,
    constraint: str(i.constraint),
  };
}

async function readConstraints(query: Query, tables: Map<string, TableInfo>): Promise<void> {
  for (const c of await query(Q.constraints)) {
    const table = tables.get(String(c.rel));
    if (!table) continue;
    const info: ConstraintInfo = {
      name: String(c.name),
      kind: KINDS[String(c.type)],
      definition: String(c.definition),
      columns: arr(c.columns) as string[],
      validated: c.validated === true,
    };
    table.constraints.push(info);
    if (info.kind === "primary_key") table.primaryKey = { name: info.name, columns: info.columns };
    if (info.kind !== "foreign_key") continue;
    const parent = tables.get(String(c.refrel));
    const typeOf = (t: TableInfo | undefined, col: string) => t?.columns.find((x) => x.name === col)?.type ?? "unknown";
    const refColumns = arr(c.refcolumns) as string[];
    const fk: ForeignKeyInfo = {
      name: info.name,
      table: `${table.schema}.${table.name}`,
      columns: info.columns,
      columnTypes: info.columns.map((col) => typeOf(table, col)),
      nullable: info.columns.map((col) => table.columns.find((x) => x.name === col)?.nullable ?? true),
      refTable: parent ? `${parent.schema}.${parent.name}` : String(c.refrel),
      refColumns,
      refColumnTypes: refColumns.map((col) => typeOf(parent, col)),
      onDelete: ACTIONS[String(c.ondelete)] ?? "no action",
      onUpdate: ACTIONS[String(c.onupdate)] ?? "no action",
      validated: info.validated,
    };
    table.foreignKeys.push(fk);
    parent?.referencedBy.push(fk);
  }
}
