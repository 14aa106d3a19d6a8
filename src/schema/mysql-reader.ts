/**
 * The MySQL/MariaDB snapshot reader: information_schema of the URL's database, read in one
 * `START TRANSACTION READ ONLY` with a per-statement cap (`max_execution_time` on MySQL,
 * `max_statement_time` on MariaDB) and a short `lock_wait_timeout`, assembled into the same SchemaSnapshot
 * as the PostgreSQL reader. Catalogs and estimates only: no table data is read.
 *
 * Works as a user with nothing but SELECT on the database. Where such a user cannot see something
 * (MariaDB hides REFERENTIAL_CONSTRAINTS from it, triggers need the TRIGGER privilege, view definitions SHOW
 * VIEW), the reader falls back to SHOW CREATE TABLE (ON DELETE rules) or says what it could not read.
 */
import { quoteIdent } from "../plan/sql.js";
import type { ColumnInfo, IndexInfo, SchemaSnapshot, SnapshotSource, TableInfo, TakenName, ViewInfo } from "./model.js";
import { emptyTable } from "./model.js";
import { readForeignKeys } from "./mysql-foreign-keys.js";
import { productOf, type MysqlQuery, type Product } from "./mysql-query.js";
import type { ReadOptions, Row } from "./pg-reader.js";

export { productOf, type MysqlQuery, type Product } from "./mysql-query.js";

const qi = (s: string) => quoteIdent("mysql", s);
/** Always backquoted, as the server prints names inside check clauses and view definitions. */
const bq = (s: string) => `\`${s.replace(/`/g, "``")}\``;
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);


/** The statement cap: MySQL's max_execution_time is in ms (SELECT only), MariaDB's max_statement_time in seconds. */
function capStatement(product: Product, ms: number): string {
  return product === "mariadb" ? `SET SESSION max_statement_time = ${(ms / 1000).toFixed(3)}` : `SET SESSION max_execution_time = ${Math.round(ms)}`;
}

/** Runs `read` inside START TRANSACTION READ ONLY ... ROLLBACK with capped statements; returns it with the product. */
export async function inMysqlReadOnlyTransaction<T>(query: MysqlQuery, opts: ReadOptions, read: (product: Product, version: string) => Promise<T>): Promise<T> {
  const timeout = Math.max(100, Math.round(opts.statementTimeoutMs ?? 5000));
  const version = String((await query("SELECT VERSION() AS version"))[0].version);
  const product = productOf(version);
  await query(capStatement(product, timeout));
  // Metadata locks (SHOW CREATE TABLE, opening a table for its statistics) wait at most this long (s).
  await query("SET SESSION lock_wait_timeout = 5");
  // MySQL 8 caches information_schema statistics for a day by default; ask the storage engine instead.
  if (product === "mysql" && /^(8|9)\./.test(version)) await query("SET SESSION information_schema_stats_expiry = 0");
  await query("START TRANSACTION READ ONLY");
  try {
    return await read(product, version);
  } finally {
    await query("ROLLBACK");
  }
}

/** What the reader reads, in words, for the plan's "read from the database" section. */
export const MYSQL_READ_DESCRIPTIONS = [
  "server version (VERSION())",
  "tables with the server's row estimates and sizes (information_schema.TABLES: TABLE_ROWS, DATA_LENGTH + INDEX_LENGTH)",
  "columns: type, nullability, default, character set and collation, generated expression, AUTO_INCREMENT (information_schema.COLUMNS)",
  "indexes and the primary key (information_schema.STATISTICS)",
  "check constraints (information_schema.CHECK_CONSTRAINTS), foreign keys in both directions with ON DELETE (KEY_COLUMN_USAGE, REFERENTIAL_CONSTRAINTS or SHOW CREATE TABLE)",
  "triggers (information_schema.TRIGGERS), views and the tables they read (information_schema.VIEWS)",
  "every other name taken in the database (tables, views, constraints, triggers, routines)",
];


/** MySQL prints a literal default bare (`active`), MariaDB quoted (`'active'`): both are given as MariaDB prints them. */
function defaultOf(product: Product, c: Row): string | null {
  const d = str(c.COLUMN_DEFAULT);
  if (d === null || (product === "mariadb" && d === "NULL")) return null;
  if (product === "mariadb" || /DEFAULT_GENERATED/i.test(String(c.EXTRA ?? ""))) return d;
  if (/^(tinyint|smallint|mediumint|int|bigint|decimal|float|double|bit)\b/i.test(String(c.COLUMN_TYPE))) return d;
  return `'${d.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

function columnOf(product: Product, c: Row, tableCollation: string | null): ColumnInfo {
  const extra = String(c.EXTRA ?? "");
  const generated = /GENERATED/i.test(extra) && !/DEFAULT_GENERATED/i.test(extra) ? str(c.GENERATION_EXPRESSION) : null;
  const collation = str(c.COLLATION_NAME);
  return {
    name: String(c.COLUMN_NAME),
    type: String(c.COLUMN_TYPE),
    nullable: c.IS_NULLABLE === "YES",
    default: generated === null ? defaultOf(product, c) : null,
    identity: null,
    generated,
    collation: collation !== null && collation !== tableCollation ? collation : null,
    sequence: null,
    charset: str(c.CHARACTER_SET_NAME),
    autoIncrement: /auto_increment/i.test(extra),
  };
}

const nullableNumber = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const tableOf = (schema: string, r: Row): TableInfo => emptyTable(schema, String(r.TABLE_NAME), nullableNumber(r.TABLE_ROWS), nullableNumber(r.SIZE));

/** Key parts as written in an index or key clause: `email`, `name`(10), or an expression (null column). */
const keyPart = (col: string | null, sub: unknown) => (col === null ? "(expression)" : `${qi(col)}${sub === null || sub === undefined ? "" : `(${Number(sub)})`}`);

function readIndexes(rows: Row[], tables: Map<string, TableInfo>): void {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.TABLE_NAME}\u0000${r.INDEX_NAME}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const parts of groups.values()) {
    const t = tables.get(String(parts[0].TABLE_NAME));
    if (!t) continue;
    parts.sort((a, b) => Number(a.SEQ_IN_INDEX) - Number(b.SEQ_IN_INDEX));
    const name = String(parts[0].INDEX_NAME);
    const columns = parts.map((p) => str(p.COLUMN_NAME));
    const unique = Number(parts[0].NON_UNIQUE) === 0;
    const primary = name === "PRIMARY";
    const type = String(parts[0].INDEX_TYPE ?? "BTREE");
    const cols = `(${parts.map((p) => keyPart(str(p.COLUMN_NAME), p.SUB_PART)).join(", ")})`;
    const kind = type === "FULLTEXT" || type === "SPATIAL" ? `${type} ` : unique ? "UNIQUE " : "";
    const definition = primary ? `ALTER TABLE ${qi(t.name)} ADD PRIMARY KEY ${cols}` : `CREATE ${kind}INDEX ${qi(name)} ON ${qi(t.name)} ${cols}${kind ? "" : ` USING ${type}`}`;
    const info: IndexInfo = { name, definition, columns, unique, primary, predicate: null, valid: true, constraint: unique ? name : null };
    t.indexes.push(info);
    if (primary) {
      t.primaryKey = { name, columns: columns as string[] };
      t.constraints.push({ name, kind: "primary_key", definition: `PRIMARY KEY ${cols}`, columns: columns as string[], validated: true });
    } else if (unique) {
      t.constraints.push({ name, kind: "unique", definition: `UNIQUE ${cols}`, columns: columns.filter((c) => c !== null) as string[], validated: true });
    }
  }
}

/** Columns a check clause names (the server prints them backquoted). */
const namedColumns = (clause: string, t: TableInfo) => t.columns.map((c) => c.name).filter((c) => clause.includes(bq(c)));

/** The privileges the current user holds on the whole server or on this database (not through roles). */
async function privileges(query: MysqlQuery, db: string): Promise<Set<string>> {
  const grantee = `CONCAT("'", SUBSTRING_INDEX(CURRENT_USER(), '@', 1), "'@'", SUBSTRING_INDEX(CURRENT_USER(), '@', -1), "'")`;
  const rows = await query(
    `SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ${grantee}
     UNION SELECT PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ${grantee} AND TABLE_SCHEMA = ?`,
    [db],
  );
  return new Set(rows.map((r) => String(r.PRIVILEGE_TYPE)));
}

/** Tables with their estimates and columns; returns every relation row (tables and views) for the taken names. */
async function readTables(query: MysqlQuery, db: string, product: Product, tables: Map<string, TableInfo>): Promise<Row[]> {
  const collations = new Map<string, string | null>();
  const relations = await query(
    `SELECT TABLE_NAME, TABLE_TYPE, TABLE_ROWS, DATA_LENGTH + INDEX_LENGTH AS SIZE, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?`,
    [db],
  );
  for (const r of relations.filter((x) => x.TABLE_TYPE === "BASE TABLE" || x.TABLE_TYPE === "SYSTEM VERSIONED")) {
    tables.set(String(r.TABLE_NAME), tableOf(db, r));
    collations.set(String(r.TABLE_NAME), str(r.TABLE_COLLATION));
  }
  const columns = await query(
    `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, GENERATION_EXPRESSION, CHARACTER_SET_NAME, COLLATION_NAME
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [db],
  );
  for (const c of columns) tables.get(String(c.TABLE_NAME))?.columns.push(columnOf(product, c, collations.get(String(c.TABLE_NAME)) ?? null));
  return relations;
}

/** CHECK_CONSTRAINTS: MariaDB 10.2+ names the table; MySQL 8.0.16+ needs TABLE_CONSTRAINTS for it, older MySQL has none. */
async function readChecks(query: MysqlQuery, db: string, product: Product, version: string, tables: Map<string, TableInfo>): Promise<void> {
  const checks =
    product === "mariadb"
      ? await query(`SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE, 'YES' AS ENFORCED FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?`, [db])
      : /^(5\.|8\.0\.([0-9]|1[0-5])$)/.test(version.replace(/-.*/, ""))
        ? []
        : await query(
            `SELECT tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE, tc.ENFORCED FROM information_schema.CHECK_CONSTRAINTS cc
               JOIN information_schema.TABLE_CONSTRAINTS tc ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK'
              WHERE cc.CONSTRAINT_SCHEMA = ?`,
            [db],
          );
  for (const c of checks) {
    const t = tables.get(String(c.TABLE_NAME));
    const clause = String(c.CHECK_CLAUSE);
    const validated = c.ENFORCED !== "NO";
    t?.constraints.push({ name: String(c.CONSTRAINT_NAME), kind: "check", definition: `CHECK (${clause})${validated ? "" : " NOT ENFORCED"}`, columns: namedColumns(clause, t), validated });
  }
}

/** Triggers (listed only to a user with the TRIGGER privilege: said so in `unread` when that hides them). */
async function readTriggers(query: MysqlQuery, db: string, tables: Map<string, TableInfo>, unread: string[]): Promise<void> {
  const privs = await privileges(query, db);
  const triggers = await query(
    `SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?`,
    [db],
  );
  if (!triggers.length && !privs.has("TRIGGER") && !privs.has("ALL PRIVILEGES")) {
    unread.push("triggers: this user lacks the TRIGGER privilege, without which the server lists none; the plan assumes the tables have none");
  }
  for (const t of triggers) {
    const table = String(t.EVENT_OBJECT_TABLE);
    tables.get(table)?.triggers.push({
      name: String(t.TRIGGER_NAME),
      definition: `CREATE TRIGGER ${qi(String(t.TRIGGER_NAME))} ${t.ACTION_TIMING} ${t.EVENT_MANIPULATION} ON ${qi(table)} FOR EACH ROW ${t.ACTION_STATEMENT}`,
      enabled: true,
    });
  }
}

/** Views, and on each table the views that read it (definitions need SHOW VIEW: said so in `unread` when hidden). */
async function readViews(query: MysqlQuery, db: string, tables: Map<string, TableInfo>, unread: string[]): Promise<ViewInfo[]> {
  const views = (await query(`SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?`, [db])).map((v) => ({
    schema: db,
    name: String(v.TABLE_NAME),
    materialized: false,
    definition: String(v.VIEW_DEFINITION ?? ""),
  }));
  const hidden = views.filter((v) => v.definition === "").map((v) => v.name);
  if (hidden.length) unread.push(`definitions of the views ${hidden.join(", ")} and the tables they read: this user lacks the SHOW VIEW privilege`);
  for (const v of views) {
    // The server prints every table a view reads as `db`.`table`.
    for (const t of tables.values()) if (v.definition.includes(`${bq(db)}.${bq(t.name)}`)) t.dependentViews.push(`${db}.${v.name}`);
  }
  return views.sort(byName);
}

/** Every name taken in the database's shared namespaces: relations, FK and check constraints, triggers, routines. */
function takenNames(db: string, relations: Row[], list: TableInfo[], routines: Row[]): TakenName[] {
  return [
    ...relations.map((r) => ({ schema: db, name: String(r.TABLE_NAME), kind: "relation" as const })),
    ...list.flatMap((t) => t.constraints.filter((c) => c.kind === "foreign_key" || c.kind === "check").map((c) => ({ schema: db, name: c.name, kind: "constraint" as const }))),
    ...list.flatMap((t) => t.triggers.map((x) => ({ schema: db, name: x.name, kind: "trigger" as const }))),
    ...routines.map((r) => ({ schema: db, name: String(r.ROUTINE_NAME), kind: "function" as const })),
  ].sort((a, b) => `${a.kind}.${a.name}`.localeCompare(`${b.kind}.${b.name}`));
}

/** The tables in name order, each one's objects sorted, so two reads of the same schema are equal. */
function sortedTables(tables: Map<string, TableInfo>): TableInfo[] {
  const list = [...tables.values()].sort(byName);
  for (const t of list) {
    t.indexes.sort(byName);
    t.constraints.sort(byName);
    t.triggers.sort(byName);
    t.foreignKeys.sort(byName);
    t.referencedBy.sort((a, b) => `${a.table}.${a.name}`.localeCompare(`${b.table}.${b.name}`));
    t.dependentViews.sort();
  }
  return list;
}

export async function readMysqlSnapshot(query: MysqlQuery, source: SnapshotSource, opts: ReadOptions = {}): Promise<SchemaSnapshot> {
  return inMysqlReadOnlyTransaction(query, opts, async (product, version) => {
    const db = str((await query("SELECT DATABASE() AS db"))[0].db);
    if (db === null) throw new Error("the URL names no database: add it as the path, e.g. mysql://user@host:3306/shop");
    const unread: string[] = [];
    const tables = new Map<string, TableInfo>();
    const relations = await readTables(query, db, product, tables);
    readIndexes(
      await query(`SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART, INDEX_TYPE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?`, [db]),
      tables,
    );
    await readChecks(query, db, product, version, tables);
    await readForeignKeys(query, db, product, tables);
    await readTriggers(query, db, tables, unread);
    const views = await readViews(query, db, tables, unread);
    const routines = await query(`SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?`, [db]);
    const list = sortedTables(tables);
    return {
      engine: product,
      serverVersion: version,
      source,
      read: [...MYSQL_READ_DESCRIPTIONS],
      ...(unread.length ? { unread } : {}),
      schemas: [db],
      tables: list,
      views,
      enums: [],
      sequences: [],
      names: takenNames(db, relations, list, routines),
    };
  });
}
