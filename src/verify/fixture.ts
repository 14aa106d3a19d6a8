/**
 * A realistic table to run a plan against, built from the answers: primary key `id bigint`, the
 * columns the operation touches with their types, the tables foreign keys point to, the enum type
 * for add_enum_value, and duplicates or NULLs where the operation has to deal with them. A few
 * thousand rows by default: enough that a rewrite is a real copy.
 */
import type { Column, PlanAnswers } from "../answers/schema.js";
import { quoteIdent } from "../plan/sql.js";
import { bareName } from "../plan/encode.js";
import { batchKey } from "../plan/context.js";

export const DEFAULT_FIXTURE_ROWS = 5000;
/** Rows in a referenced (parent) table. */
const PARENT_ROWS = 1000;

const q = (name: string) => quoteIdent("postgresql", name);

/** How values in a column are spread. */
type Spread =
  | "repeating" // g % 1000: many rows share a value, no NULLs
  | "unique" // g: no duplicates, no NULLs
  | "unique-with-nulls" // g, with some NULLs (NULLs are not duplicates)
  | "duplicates" // every 5th row copies the one before it, plus some NULLs
  | "some-nulls" // g % 1000, with some NULLs
  | "references" // ids 1..PARENT_ROWS of the referenced table, with some NULLs
  | "all-null"; // a column waiting for its backfill

function base(spread: Spread): string {
  switch (spread) {
    case "repeating":
      return "(g % 1000)";
    case "unique":
      return "g";
    case "unique-with-nulls":
      return "(CASE WHEN g % 50 = 3 THEN NULL ELSE g END)";
    case "duplicates":
      return "(CASE WHEN g % 50 = 3 THEN NULL WHEN g % 5 = 0 THEN g - 1 ELSE g END)";
    case "some-nulls":
      return "(CASE WHEN g % 50 = 3 THEN NULL ELSE g % 1000 END)";
    case "references":
      return `(CASE WHEN g % 50 = 3 THEN NULL ELSE 1 + g % ${PARENT_ROWS} END)`;
    case "all-null":
      return "NULL";
  }
}

/** A value of `type` derived from the number `b` (NULL stays NULL). Text values are digits so later casts succeed. */
export function valueExpr(type: string, b: string, enumValues?: { type: string; values: string[] }): string {
  const t = type.trim().toLowerCase();
  if (b === "NULL") return `NULL::${type}`;
  if (enumValues && t === enumValues.type.toLowerCase()) {
    const arr = enumValues.values.map(sqlString).join(", ");
    return `(CASE WHEN ${b} IS NULL THEN NULL ELSE (ARRAY[${arr}])[1 + (${b})::int % ${enumValues.values.length}] END)::${q(enumValues.type)}`;
  }
  if (t.endsWith("[]")) return `(CASE WHEN ${b} IS NULL THEN NULL ELSE ARRAY[${valueExpr(type.slice(0, -2), b)}] END)`;
  if (/^interval/.test(t)) return `((${b}) * interval '1 minute')`;
  if (/^(big|small)?int|^integer|serial$/.test(t)) return `(${b})::${type}`;
  if (/^(numeric|decimal|real|double|float|money)/.test(t)) return `((${b}) / 10.0)::${type}`;
  if (/^(text|varchar|character|char|citext|name|bpchar)/.test(t)) return `(${b})::text::${type}`;
  if (/^bool/.test(t)) return `((${b}) % 2 = 0)`;
  if (/^(timestamp|date|time)/.test(t)) return `(timestamp '2024-01-01' + (${b}) * interval '1 minute')::${type}`;
  if (/^uuid/.test(t)) return `md5((${b})::text)::uuid`;
  if (/^jsonb?/.test(t)) return `json_build_object('n', ${b})::${type}`;
  if (/^(tstzrange|tsrange)/.test(t)) {
    const start = `timestamp '2024-01-01' + (${b}) * interval '1 hour'`;
    return `${t.startsWith("tstz") ? "tstzrange" : "tsrange"}(${start}, ${start} + interval '30 minutes')`;
  }
  if (/^(int4range|int8range)/.test(t)) return `${t.slice(0, 9)}((${b})::int * 10, (${b})::int * 10 + 5)`;
  if (/^inet/.test(t)) return `('10.0.0.0'::inet + (${b})::bigint)`;
  if (/^bytea/.test(t)) return `convert_to((${b})::text, 'UTF8')`;
  return `NULL::${type}`;
}

export function sqlString(s: string): string {
  return "'" + s.replace(/'/g, "''") + "'";
}

interface FixtureColumn {
  name: string;
  type: string;
  notNull: boolean;
  spread: Spread;
}

/** Parent tables referenced as `table(column)`. */
function parseRef(ref: string): { table: string; column: string } | undefined {
  const m = /^\s*([A-Za-z_][\w$.]*)\s*(?:\(\s*([A-Za-z_][\w$]*)\s*\))?\s*$/.exec(ref);
  return m ? { table: bareName(m[1]), column: m[2] ?? "id" } : undefined;
}

/** The enum type add_enum_value works on, with the values it names (before/after) already in it. */
export function enumFixture(answers: PlanAnswers): { type: string; values: string[] } | undefined {
  const d = answers.details ?? {};
  if (answers.operation !== "add_enum_value" || !d.enum_type) return undefined;
  const values = ["active", "inactive"];
  for (const v of [d.before, d.after]) if (v && !values.includes(v)) values.push(v);
  return { type: d.enum_type, values: values.filter((v) => v !== d.enum_value) };
}

/** Columns that exist before the plan runs, and how their values are spread. */
function existingColumns(answers: PlanAnswers): FixtureColumn[] {
  const op = answers.operation;
  const d = answers.details ?? {};
  const cols: Column[] = answers.columns ?? [];
  if (op === "add_column" || op === "create_table") return [];
  const pk = batchKey(d);
  const assigned = /^\s*"?([A-Za-z_][\w$]*)"?\s*=/.exec(d.set ?? "")?.[1];
  return cols
    .filter((c) => c.name !== pk || op === "add_primary_key")
    .map((c, i) => {
      let type = c.type ?? "text";
      let spread: Spread = "repeating";
      const nullable = c.nullable !== false;
      if (op === "add_foreign_key" || c.references) {
        type = c.type ?? "bigint";
        spread = "references";
      } else if (op === "add_unique_constraint") {
        spread = d.dedup && d.dedup !== "none" ? "duplicates" : nullable ? "unique-with-nulls" : "unique";
      } else if (op === "add_primary_key") {
        spread = "unique";
      } else if (op === "add_index" && d.unique) {
        spread = nullable ? "unique-with-nulls" : "unique";
      } else if (op === "set_not_null" && i === 0) {
        // NULLs only when the plan has something to fill them with (details.set).
        spread = d.set ? "some-nulls" : "repeating";
      } else if (op === "backfill" && c.name === assigned) {
        spread = "all-null";
      } else if (op === "add_exclusion_constraint" && /range/i.test(type)) {
        // Ranges that never overlap: existing rows satisfy the constraint, whatever it pairs them with.
        spread = "unique";
      } else if (op === "add_enum_value") {
        type = c.type ?? d.enum_type ?? "text";
      }
      // add_primary_key: a key column declared NOT NULL (nullable: false) is created NOT NULL.
      const keepNullable = op === "set_not_null" || (op === "add_primary_key" ? nullable : spread !== "repeating");
      return { name: c.name, type, notNull: !nullable && !keepNullable, spread };
    });
}

/** The SQL that builds the fixture, in order. `rows` rows in the main table. */
export function fixtureSql(answers: PlanAnswers, rows = DEFAULT_FIXTURE_ROWS): string[] {
  const op = answers.operation;
  const d = answers.details ?? {};
  const table = bareName(answers.table);
  const pk = batchKey(d);
  const out: string[] = [];

  const parents = new Map<string, string>();
  for (const c of answers.columns ?? []) {
    const ref = c.references ? parseRef(c.references) : undefined;
    if (ref) parents.set(ref.table, ref.column);
  }
  if (op === "add_foreign_key" && d.ref_table) parents.set(bareName(d.ref_table), d.ref_column ?? "id");
  for (const [parent, column] of parents) {
    if (parent === table) continue;
    out.push(`CREATE TABLE ${q(parent)} (${q(column)} bigint PRIMARY KEY, label text)`);
    out.push(`INSERT INTO ${q(parent)} SELECT g, 'row ' || g FROM generate_series(1, ${PARENT_ROWS}) AS g`);
  }

  const en = enumFixture(answers);
  if (en) out.push(`CREATE TYPE ${q(en.type)} AS ENUM (${en.values.map(sqlString).join(", ")})`);
  if (op === "create_table") return out;

  let cols = existingColumns(answers);
  if (op === "add_enum_value" && en && !cols.some((c) => c.type.toLowerCase() === en.type.toLowerCase())) {
    cols = [...cols, { name: "status", type: en.type, notNull: false, spread: "repeating" }];
  }
  // add_primary_key: a key column that is still nullable (the case the NOT NULL pattern exists for), unless declared NOT NULL.
  // Keys come from an identity sequence, as in most applications' tables.
  const pkNotNull = (answers.columns ?? []).some((c) => c.name === pk && c.nullable === false);
  const pkDef = op === "add_primary_key" ? `${q(pk)} bigint${pkNotNull ? " NOT NULL" : ""}` : `${q(pk)} bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY`;
  const defs = [pkDef, ...cols.filter((c) => c.name !== pk).map((c) => `${q(c.name)} ${c.type}${c.notNull ? " NOT NULL" : ""}`)];
  out.push(`CREATE TABLE ${q(table)} (${defs.join(", ")})`);
  const filled = cols.filter((c) => c.name !== pk);
  const names = [q(pk), ...filled.map((c) => q(c.name))];
  const values = ["g", ...filled.map((c) => valueExpr(c.type, base(c.spread), en))];
  out.push(`INSERT INTO ${q(table)} (${names.join(", ")}) SELECT ${values.join(", ")} FROM generate_series(1, ${rows}) AS g`);
  if (op !== "add_primary_key") out.push(`SELECT setval(pg_get_serial_sequence(${sqlString(table)}, ${sqlString(pk)}), ${rows})`);

  // Foreign keys from the fixture's own columns (a plan adding the FK creates it itself).
  if (op !== "add_foreign_key") {
    for (const c of answers.columns ?? []) {
      const ref = c.references ? parseRef(c.references) : undefined;
      if (ref && ref.table !== table) out.push(`ALTER TABLE ${q(table)} ADD FOREIGN KEY (${q(c.name)}) REFERENCES ${q(ref.table)} (${q(ref.column)})`);
    }
  }

  if (op === "drop_index" && d.index_name) {
    const on = (answers.columns ?? []).map((c) => q(c.name)).join(", ") || q(pk);
    out.push(`CREATE ${d.unique ? "UNIQUE " : ""}INDEX ${q(d.index_name)} ON ${q(table)} (${on})`);
  }

  // Child tables that point at this one: dedup must re-point them, drop_table must drop their FKs.
  for (const child of d.referenced_by ?? []) {
    const ref = parseRef(child);
    if (!ref || ref.table === table) continue;
    out.push(`CREATE TABLE ${q(ref.table)} (id bigint PRIMARY KEY, ${q(ref.column)} bigint REFERENCES ${q(table)} (${q(pk)}))`);
    // Every 5th row of the parent is a duplicate copy: point children at both copies.
    out.push(`INSERT INTO ${q(ref.table)} SELECT g, 1 + (g * 7) % ${rows} FROM generate_series(1, ${Math.max(1, Math.floor(rows / 5))}) AS g`);
  }
  out.push(`ANALYZE ${q(table)}`);
  return out;
}
