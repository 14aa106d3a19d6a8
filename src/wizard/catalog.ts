/**
 * What the wizard offers from a schema snapshot: tables and columns to pick from a filtered list instead of
 * typing, the column's current type, the candidate parent tables of a foreign key and whether the child column
 * is indexed. Plain data built once from the snapshot (catalogOf) and pure look-ups on it; no I/O.
 */
import type { SchemaSnapshot } from "../schema/model.js";

export interface CatalogColumn {
  name: string;
  type: string;
  /** Indexes whose first key column this is (they serve a foreign key's lookups). */
  leadingIndexes: string[];
}

export interface CatalogTable {
  /** As the answers spell it: bare in `public` (and for MySQL, in the database read), else schema.table. */
  name: string;
  estimatedRows: number | null;
  columns: CatalogColumn[];
  /** Columns a foreign key can reference: the single-column primary key and unique constraints or indexes. */
  keys: string[];
}

export interface Catalog {
  tables: CatalogTable[];
}

/** One line of a pick list: the value it answers with, and what is shown beside it. */
export interface PickLine {
  value: string;
  detail: string;
}

export function catalogOf(snapshot: SchemaSnapshot): Catalog {
  const home = snapshot.engine === "postgresql" ? "public" : snapshot.schemas[0];
  return {
    tables: snapshot.tables.map((t) => ({
      name: t.schema === home ? t.name : `${t.schema}.${t.name}`,
      estimatedRows: t.estimatedRows,
      columns: t.columns.map((c) => ({
        name: c.name,
        type: c.type,
        leadingIndexes: t.indexes.filter((i) => i.valid && i.columns[0] === c.name && i.predicate === null).map((i) => i.name),
      })),
      keys: [
        ...new Set(
          t.indexes
            .filter((i) => (i.primary || i.unique) && i.valid && i.predicate === null && i.columns.length === 1 && i.columns[0] !== null)
            .sort((a, b) => Number(b.primary) - Number(a.primary))
            .map((i) => i.columns[0] as string),
        ),
      ],
    })),
  };
}

export const tableIn = (catalog: Catalog, name: unknown) => catalog.tables.find((t) => t.name === name);

const rows = (n: number | null) => (n === null ? "rows unknown" : `about ${n.toLocaleString("en-US")} rows`);

/** The list for a question: by the answer it fills and what is answered so far; undefined when there is none. */
export function picksFor(catalog: Catalog, answer: string, answers: Record<string, unknown>): PickLine[] | undefined {
  const operation = answers.operation;
  const details = (answers.details ?? {}) as Record<string, unknown>;
  if (answer === "table") {
    // A new table's name is new: nothing to pick.
    if (operation === "create_table") return undefined;
    return catalog.tables.map((t) => ({ value: t.name, detail: rows(t.estimatedRows) }));
  }
  if (answer === "details.ref_table") {
    return catalog.tables.filter((t) => t.keys.length).map((t) => ({ value: t.name, detail: `key ${t.keys.join(", ")} · ${rows(t.estimatedRows)}` }));
  }
  const columnsOf = (table: unknown) => tableIn(catalog, table)?.columns;
  if (answer === "columns.0.name") {
    // A new column's name is new: nothing to pick.
    if (operation === "add_column" || operation === "create_table") return undefined;
    return columnsOf(answers.table)?.map((c) => ({ value: c.name, detail: c.type }));
  }
  if (answer === "details.ref_column") {
    const parent = tableIn(catalog, details.ref_table);
    return parent?.columns.filter((c) => parent.keys.includes(c.name)).map((c) => ({ value: c.name, detail: `${c.type} · unique` }));
  }
  return undefined;
}

/** The picks whose value contains the typed text (case-insensitive); those that start with it first. */
export function filterPicks(picks: PickLine[], typed: string): PickLine[] {
  const t = typed.trim().toLowerCase();
  if (!t) return picks;
  const hits = picks.filter((p) => p.value.toLowerCase().includes(t));
  return [...hits.filter((p) => p.value.toLowerCase().startsWith(t)), ...hits.filter((p) => !p.value.toLowerCase().startsWith(t))];
}

/** A line read from the schema about the question: the column's current type, the child column's index. */
export function questionNote(catalog: Catalog, answer: string, answers: Record<string, unknown>): string | undefined {
  const table = tableIn(catalog, answers.table);
  const column = table?.columns.find((c) => c.name === (answers.columns as { name?: string }[] | undefined)?.[0]?.name);
  if (!table || !column) return undefined;
  if (answer === "details.new_type") return `${table.name}.${column.name} is ${column.type} now (read from the database).`;
  if (answer === "details.ref_table") {
    return column.leadingIndexes.length
      ? `${table.name}.${column.name} is ${column.type} and already indexed (${column.leadingIndexes.join(", ")}): lookups from the parent stay fast.`
      : `${table.name}.${column.name} is ${column.type} and has no index yet: the plan builds one concurrently first.`;
  }
  return undefined;
}
