/** Builds a diagnosis' input from the answers: names the user or the error gave, placeholders for the rest. */
import type { Answers } from "../answers/schema.js";
import type { DiagnosisInput, Names } from "./diagnoses/types.js";
import { dialectOf, isMysqlFamily } from "../engines/index.js";
import { batchKey } from "../plan/context.js";

/**
 * PostgreSQL's default constraint names are `<table>_<columns>_key` (unique) and `<table>_<column>_fkey`.
 * Given a default-looking name and one of the two halves, the other half follows.
 */
function splitDefaultName(name: string, suffix: "key" | "fkey", known: { table?: string; column?: string }): { table?: string; column?: string } {
  if (!name.endsWith(`_${suffix}`)) return {};
  const stem = name.slice(0, -suffix.length - 1);
  if (known.table && stem.startsWith(`${known.table}_`)) return { column: stem.slice(known.table.length + 1) };
  if (known.column && stem.endsWith(`_${known.column}`)) return { table: stem.slice(0, -known.column.length - 1) };
  return {};
}

export function buildNames(answers: Answers): Names {
  const placeholders: string[] = [];
  const d = answers.details ?? {};
  let table = answers.table;
  let columns = (answers.columns ?? []).map((c) => c.name).filter(Boolean);
  const guessed: string[] = [];
  const named = d.constraint_name ?? d.index_name;
  if (named) {
    const guess = splitDefaultName(named, named.endsWith("_fkey") ? "fkey" : "key", { table, column: columns[0] });
    if (!table && guess.table) {
      table = guess.table;
      guessed.push(`table ${table} (from ${named})`);
    }
    if (!columns.length && guess.column) {
      columns = [guess.column];
      guessed.push(`column ${guess.column} (from ${named})`);
    }
  }
  // MySQL names a key after its first column unless told otherwise (and 8.0.19+ prints it as table.key).
  if (answers.engine && isMysqlFamily(answers.engine) && !columns.length && d.index_name && d.index_name !== "PRIMARY") {
    columns = [d.index_name];
    guessed.push(`column ${d.index_name} (MySQL names a key after its first column)`);
  }
  const pick = (value: string | undefined, placeholder: string): string => {
    if (value) return value;
    placeholders.push(placeholder);
    return placeholder;
  };
  table = pick(table, "your_table");
  if (!columns.length) columns = [pick(undefined, "your_column")];
  return {
    table,
    columns,
    indexName: d.index_name ?? d.constraint_name ?? `${table.split(".").pop()}_${columns.join("_")}_key`,
    constraintName: d.constraint_name ?? d.index_name ?? `${table.split(".").pop()}_${columns[0]}_fkey`,
    refTable: pick(d.ref_table, "parent_table"),
    refColumn: d.ref_column ?? "id",
    primaryKey: batchKey(d),
    placeholders,
    guessed,
  };
}

export function diagnosisInput(answers: Answers): DiagnosisInput {
  return {
    // MariaDB's diagnoses are MySQL's queries (same catalog, same error numbers).
    engine: answers.engine ? dialectOf(answers.engine) : answers.engine,
    product: answers.engine,
    version: answers.engine_version,
    tool: answers.tool,
    names: buildNames(answers),
    failedVersion: typeof answers.failed_version === "string" ? answers.failed_version : undefined,
    error: answers.error,
  };
}
