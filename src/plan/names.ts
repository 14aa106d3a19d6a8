/**
 * Names: the engines' length limits for the names a user gives, and the one allocator for every name
 * a plan derives (archive and copy tables, `_new`/`_old` columns, constraints, indexes, triggers,
 * functions, cursors). A derived name keeps a readable prefix and its last part; when it must be cut
 * to fit, a short stable hash of the whole name takes the cut's place, so two different names never
 * cut to the same one. While a plan is built, every derived name is recorded; the plan is rejected if
 * two differ only after cutting, or if a derived name equals a name from the answers.
 */
import type { Answers, Engine } from "../answers/schema.js";
import type { SchemaSnapshot } from "../schema/model.js";
import { isMysqlFamily } from "../engines/index.js";
import { bareName } from "./encode.js";

/** PostgreSQL: NAMEDATALEN - 1 bytes. MySQL/MariaDB: 64 characters. */
export const NAME_LIMIT = { postgresql: 63, mysql: 64, mariadb: 64 } as const;

/** Derived names fit both engines: at most 63 bytes (ASCII, so 63 characters). */
const DERIVED_LIMIT = 63;

/** How long the name is as the engine counts it. */
export const nameLength = (engine: Engine, name: string) => (engine !== "postgresql" ? [...name].length : Buffer.byteLength(name, "utf8"));

/** 8 hex digits of FNV-1a: stable across runs and machines. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/** The name for parts, without recording it: `orders_total_check`, or `orders_very_lo…_1a2b3c4d_check` cut to fit. */
export function fitName(parts: string[]): string {
  const full = parts.join("_").replace(/\./g, "_");
  if (full.length <= DERIVED_LIMIT) return full;
  const last = parts.length > 1 ? "_" + parts[parts.length - 1].slice(0, 20) : "";
  const hash = "_" + shortHash(full);
  const head = full.slice(0, DERIVED_LIMIT - hash.length - last.length).replace(/_+$/, "");
  return head + hash + last;
}

/** The names of one plan being built. */
export class NameBook {
  private readonly derived = new Map<string, string>();
  constructor(
    private readonly inputs: Map<string, string>,
    /** Whose convention names a table's indexes and constraints: Prisma keeps the table's and columns' case. */
    readonly style: "engine" | "prisma" = "engine",
    /** Index names each table already has, lower-cased by table: MySQL's index names are per table, so the schema-wide check misses them. */
    private readonly tableIndexes: Map<string, Set<string>> = new Map(),
  ) {}

  /** Refuses a table's derived index or constraint name that the table already has as an index. */
  checkIndexName(table: string, name: string): string {
    if (this.tableIndexes.get(bareName(table).toLowerCase())?.has(name.toLowerCase())) {
      throw new NameClash(`the derived name ${name} is already an index of ${table} in the database: choose another name (details.index_name or details.constraint_name)`);
    }
    return name;
  }

  add(parts: string[]): string {
    const name = fitName(parts);
    const full = parts.join("_");
    const key = name.toLowerCase();
    const earlier = this.derived.get(key);
    if (earlier !== undefined && earlier !== full) throw new NameClash(`two derived names are both ${name} (from ${earlier} and ${full})`);
    const input = this.inputs.get(key);
    if (input) throw new NameClash(`the derived name ${name} is the same as ${input}: choose another name there`);
    this.derived.set(key, full);
    return name;
  }
}

export class NameClash extends Error {}

let current: NameBook | undefined;

/** A derived name from parts, recorded in the plan being built (if any). */
export function deriveName(...parts: string[]): string {
  return current ? current.add(parts) : fitName(parts);
}

/**
 * The name a table's index or constraint gets when the answers give none: `orders_customer_id_idx`,
 * `orders_pkey` in PostgreSQL's style (lower case); under Prisma, Prisma's own convention with the
 * names' case kept (`Post_authorId_idx`, `Post_authorId_fkey`, `Post_email_key`, `Post_pkey`), so
 * `prisma migrate diff` finds the names it expects. Cut to fit like every derived name.
 */
export function objectName(table: string, columns: string[], suffix: string): string {
  const parts = [bareName(table), ...columns, suffix];
  const name = deriveName(...(current?.style === "prisma" ? parts : parts.map((p) => p.toLowerCase())));
  return current ? current.checkIndexName(table, name) : name;
}

/** MySQL/MariaDB: each table's index names (the PRIMARY key's too), from the snapshot. */
function tableIndexes(snapshot: SchemaSnapshot | undefined): Map<string, Set<string>> {
  if (!snapshot || !isMysqlFamily(snapshot.engine)) return new Map();
  return new Map(snapshot.tables.map((t) => [t.name.toLowerCase(), new Set(t.indexes.map((i) => i.name.toLowerCase()))]));
}

/** Run `build` with a fresh book of names for these answers (and, read from a MySQL database, its tables' index names). */
export function withNameBook<T>(answers: Answers, build: () => T, snapshot?: SchemaSnapshot): T {
  const saved = current;
  current = new NameBook(inputNames(answers), answers.tool === "prisma" ? "prisma" : "engine", tableIndexes(snapshot));
  try {
    return build();
  } finally {
    current = saved;
  }
}

/** Every name the answers give, lower-cased (MySQL compares column names without case), with where it came from. */
export function inputNames(answers: Answers): Map<string, string> {
  const out = new Map<string, string>();
  const add = (name: unknown, field: string) => {
    if (typeof name === "string" && name) out.set(bareName(name).toLowerCase(), `${field} (${name})`);
  };
  add(answers.table, "table");
  (answers.columns ?? []).forEach((c, i) => add(c.name, `columns.${i}.name`));
  const d = answers.details ?? {};
  for (const key of ["new_name", "index_name", "constraint_name", "enum_type", "ref_table", "ref_column", "primary_key"] as const) add(d[key], `details.${key}`);
  (d.referenced_by ?? []).forEach((r, i) => add(r.replace(/\(.*$/, ""), `details.referenced_by.${i}`));
  return out;
}

/** Name fields to check against the engine's limit, with their answers path. */
function namedFields(answers: Answers): [string, string][] {
  const out: [string, string][] = [];
  if (answers.table) for (const part of answers.table.split(".")) out.push(["table", part]);
  (answers.columns ?? []).forEach((c, i) => out.push([`columns.${i}.name`, c.name]));
  const d = answers.details ?? {};
  for (const key of ["new_name", "index_name", "constraint_name", "enum_type", "ref_column", "primary_key"] as const) {
    if (typeof d[key] === "string") out.push([`details.${key}`, d[key] as string]);
  }
  if (d.ref_table) for (const part of d.ref_table.split(".")) out.push(["details.ref_table", part]);
  return out;
}

/** The first name longer than the engine allows, as [field, message]. */
export function nameTooLong(answers: Answers & { engine: Engine }): [string, string] | undefined {
  const limit = NAME_LIMIT[answers.engine];
  const unit = answers.engine !== "postgresql" ? "characters" : "bytes";
  for (const [field, name] of namedFields(answers)) {
    const n = nameLength(answers.engine, name);
    if (n > limit) return [field, `${name.slice(0, 20)}... is ${n} ${unit}; ${answers.engine} names are at most ${limit} ${unit}`];
  }
  return undefined;
}
