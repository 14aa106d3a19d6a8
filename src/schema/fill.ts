/**
 * Answers + snapshot -> answers with what the database can tell filled in, and a record of which facts
 * were read from the database and which are still the user's assumptions. Pure.
 */
import type { Answers, Column } from "../answers/schema.js";
import { findTable, type SchemaSnapshot, type TableInfo } from "./model.js";

export interface SnapshotFacts {
  /** Where the snapshot came from, in words. */
  source: string;
  /** Facts the plan takes from the database. */
  read: string[];
  /** Facts the plan takes from the answers (the database could not tell, or the answers overrode it). */
  assumed: string[];
}

export class SnapshotMismatch extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/** `15.8` from `15.8`, `16.2 (Debian ...)`; at most major.minor.patch digits, as the answers contract spells versions. */
export function versionOf(server: string): string {
  return /^\d+(\.\d+){0,2}/.exec(server)?.[0] ?? server;
}

const PRODUCT: Record<SchemaSnapshot["engine"], string> = { postgresql: "PostgreSQL", mysql: "MySQL", mariadb: "MariaDB" };

/** Where each engine's reader takes the version and the row estimate from, for the facts' wording. */
const ORIGIN: Record<SchemaSnapshot["engine"], { version: string; rows: string }> = {
  postgresql: { version: "server_version", rows: "the planner's estimate, pg_class.reltuples" },
  mysql: { version: "VERSION()", rows: "InnoDB's estimate, information_schema.TABLES.TABLE_ROWS" },
  mariadb: { version: "VERSION()", rows: "InnoDB's estimate, information_schema.TABLES.TABLE_ROWS" },
};

const describeSource = (s: SchemaSnapshot) =>
  s.source.kind === "database-url" ? `the database at ${s.source.where} (${PRODUCT[s.engine]} ${s.serverVersion})` : `the schema dump ${s.source.where}`;

/**
 * The top-level keys a snapshot can supply before the answers are validated: the engine, and the version
 * when a live server said it (a dump does not record its server's version).
 */
export function snapshotDefaults(snapshot: SchemaSnapshot): Partial<Answers> {
  return { engine: snapshot.engine, ...(snapshot.source.kind === "database-url" ? { engine_version: versionOf(snapshot.serverVersion) } : {}) };
}

/** `defaulted`: keys snapshotDefaults supplied because the answers left them out. */
export function fillFromSnapshot(answers: Answers, snapshot: SchemaSnapshot, defaulted: string[] = []): { answers: Answers; facts: SnapshotFacts } {
  const facts: SnapshotFacts = { source: describeSource(snapshot), read: [], assumed: [] };
  const out: Answers = { ...answers };
  if (out.engine !== undefined && out.engine !== snapshot.engine) {
    throw new SnapshotMismatch(`the answers say ${out.engine}, but the schema read is ${PRODUCT[snapshot.engine]}`, "engine");
  }
  if (out.engine === undefined) out.engine = snapshot.engine;
  // What the reader could not see (a privilege the user lacks) is an assumption the plan makes.
  facts.assumed.push(...(snapshot.unread ?? []));
  if (defaulted.includes("engine_version")) (out as Partial<Answers>).engine_version = undefined;
  fillVersion(out, snapshot, facts);
  if (!out.table) return { answers: out, facts };
  const table = findTable(snapshot, out.table);
  if (!table) {
    if (out.operation === "create_table") return { answers: out, facts };
    const known = snapshot.tables.map((t) => (t.schema === "public" ? t.name : `${t.schema}.${t.name}`));
    throw new SnapshotMismatch(`table ${out.table} is not in ${facts.source}; it has: ${known.join(", ") || "no tables"}`, "table");
  }
  if (out.operation === "create_table") throw new SnapshotMismatch(`table ${out.table} already exists in ${facts.source}`, "table");
  fillRows(out, table, facts, ORIGIN[snapshot.engine].rows);
  out.columns = out.columns?.map((c) => fillColumn(out, table, c, facts));
  const pk = table.primaryKey?.columns;
  if (pk?.length === 1 && out.details?.primary_key === undefined && out.operation !== "add_primary_key") {
    out.details = { ...out.details, primary_key: pk[0] };
    facts.read.push(`primary key of ${out.table}: ${pk[0]}`);
  }
  facts.read.push(...dependents(table, snapshot.engine === "postgresql" ? "public" : snapshot.schemas[0]));
  for (const p of snapshot.probes ?? []) facts.read.push(`probe: ${p.text}${p.exact || p.rowsRead === undefined ? "" : " (sampled: the table has more rows than the probe's bound)"}`);
  return { answers: out, facts };
}

/** What hangs on the table, so the reader sees what the plan rebuilds. */
function dependents(t: TableInfo, home: string): string[] {
  const out: string[] = [];
  const name = t.schema === home ? t.name : `${t.schema}.${t.name}`;
  if (t.referencedBy.length) out.push(`referenced by ${t.referencedBy.map((f) => `${f.table}.${f.columns.join(", ")} (${f.columnTypes.join(", ")}, ON DELETE ${f.onDelete})`).join("; ")}`);
  if (t.indexes.length) out.push(`indexes on ${name}: ${t.indexes.map((i) => `${i.name}${i.valid ? "" : " (INVALID)"}`).join(", ")}`);
  if (t.triggers.length) out.push(`triggers on ${name}: ${t.triggers.map((x) => x.name).join(", ")}`);
  if (t.dependentViews.length) out.push(`views reading ${name}: ${t.dependentViews.join(", ")}`);
  return out;
}

function fillVersion(out: Answers, snapshot: SchemaSnapshot, facts: SnapshotFacts): void {
  const server = versionOf(snapshot.serverVersion);
  if (snapshot.source.kind === "schema-dump") {
    // PGlite's version is not the user's: a dump does not record the server's.
    if (out.engine_version === undefined) return;
    facts.assumed.push(`engine version ${out.engine_version} (from the answers; a schema dump does not say which server it came from)`);
    return;
  }
  if (out.engine_version === undefined) {
    out.engine_version = server;
    facts.read.push(`engine version ${server} (${ORIGIN[snapshot.engine].version})`);
  } else if (out.engine_version !== server && !server.startsWith(`${out.engine_version}.`)) {
    facts.assumed.push(`engine version ${out.engine_version} from the answers, although the server reports ${server}: the SQL is written for ${out.engine_version}`);
  } else {
    facts.read.push(`engine version ${server} (${ORIGIN[snapshot.engine].version}), as the answers say`);
  }
}

function fillRows(out: Answers, table: TableInfo, facts: SnapshotFacts, origin: string): void {
  const est = table.estimatedRows;
  if (out.approx_rows === undefined && est !== null) {
    out.approx_rows = est;
    facts.read.push(`about ${est.toLocaleString("en-US")} rows in ${out.table} (${origin}; nothing was counted)`);
  } else if (out.approx_rows !== undefined) {
    const why = est === null ? "the source has no statistics" : `the server estimates ${est.toLocaleString("en-US")}`;
    facts.assumed.push(`about ${out.approx_rows.toLocaleString("en-US")} rows in ${out.table} (from the answers; ${why})`);
  }
}

function fillColumn(out: Answers, table: TableInfo, c: Column, facts: SnapshotFacts): Column {
  const col = table.columns.find((x) => x.name === c.name);
  if (!col) {
    if (out.operation === "add_column" || out.operation === "create_table") return c;
    throw new SnapshotMismatch(`column ${c.name} is not in ${out.table}; its columns are: ${table.columns.map((x) => x.name).join(", ")}`, "columns");
  }
  if (out.operation === "add_column") throw new SnapshotMismatch(`column ${c.name} already exists in ${out.table}`, "columns");
  const filled: Column = { ...c };
  if (c.type === undefined) {
    filled.type = col.type;
    facts.read.push(`${out.table}.${c.name} is ${col.type}`);
  } else if (c.type !== col.type) {
    facts.assumed.push(`${out.table}.${c.name} is ${c.type} (from the answers; the database says ${col.type})`);
  }
  if (c.nullable === undefined) {
    filled.nullable = col.nullable;
    facts.read.push(`${out.table}.${c.name} is ${col.nullable ? "nullable" : "NOT NULL"}`);
  }
  if (c.default === undefined && col.default !== null && out.operation === "change_column_type") {
    filled.default = col.default;
    facts.read.push(`${out.table}.${c.name} defaults to ${col.default}`);
  }
  return filled;
}
