/**
 * What statements do, as data (`Statement.effects`): built here where recipes build statements, read
 * here by renderers, which never parse SQL text. Phase-level facts (drops a column, validates a
 * foreign key) are derived from the statements' effects by the readers below.
 */
import { splitQualified } from "./encode.js";
import type { ConstraintKind, Phase, Statement, StatementEffect, TableRef } from "./model.js";

/** `billing.orders` -> `{ table: "orders", schema: "billing" }`. */
export function tableRef(name: string): TableRef {
  const parts = splitQualified(name);
  const table = parts[parts.length - 1];
  return parts.length > 1 ? { table, schema: parts.slice(0, -1).join(".") } : { table };
}

/** The table as the answers write it: `billing.orders`. */
export const qualifiedName = (r: TableRef): string => (r.schema ? `${r.schema}.${r.table}` : r.table);

type Of<K extends StatementEffect["kind"]> = Extract<StatementEffect, { kind: K }>;

/** Builders, one per effect kind; `table` as the answers write it (possibly schema-qualified). */
export const effect = {
  createIndex(
    spec: { table: string; name: string; columns: string[]; unique?: boolean },
    how: { concurrent: boolean; plain: boolean },
  ): Of<"create_index"> {
    return { kind: "create_index", ...tableRef(spec.table), name: spec.name, columns: [...spec.columns], unique: !!spec.unique, ...how };
  },
  dropIndex(spec: { table: string; name: string }, concurrent: boolean): Of<"drop_index"> {
    return { kind: "drop_index", ...tableRef(spec.table), name: spec.name, concurrent };
  },
  addColumn: (table: string, column: string): Of<"add_column"> => ({ kind: "add_column", ...tableRef(table), column }),
  dropColumn: (table: string, column: string): Of<"drop_column"> => ({ kind: "drop_column", ...tableRef(table), column }),
  renameColumn: (table: string, from: string, to: string): Of<"rename_column"> => ({ kind: "rename_column", ...tableRef(table), from, to }),
  alterColumnType: (table: string, column: string): Of<"alter_column_type"> => ({ kind: "alter_column_type", ...tableRef(table), column }),
  setNotNull: (table: string, column: string): Of<"set_not_null"> => ({ kind: "set_not_null", ...tableRef(table), column }),
  addConstraint: (table: string, constraint: ConstraintKind, name: string, validated: boolean): Of<"add_constraint"> => ({
    kind: "add_constraint",
    ...tableRef(table),
    constraint,
    name,
    validated,
  }),
  validateConstraint: (table: string, constraint: ConstraintKind, name: string): Of<"validate_constraint"> => ({
    kind: "validate_constraint",
    ...tableRef(table),
    constraint,
    name,
  }),
  setting: (name: string): Of<"setting"> => ({ kind: "setting", name: name.toLowerCase() }),
};

const isKind =
  <K extends StatementEffect["kind"]>(kind: K) =>
  (e: StatementEffect): e is Of<K> =>
    e.kind === kind;

/** The statement's effect when it does exactly one thing and that is of `kind` (what a tool's helper can stand for). */
export function soleEffect<K extends StatementEffect["kind"]>(s: Statement | undefined, kind: K): Of<K> | undefined {
  const [only, more] = s?.effects ?? [];
  return only && !more && isKind(kind)(only) ? only : undefined;
}

/** Every effect of `kind` among the statements, in order. */
export function effectsOf<K extends StatementEffect["kind"]>(statements: Statement[], kind: K): Of<K>[] {
  return statements.flatMap((s) => (s.effects ?? []).filter(isKind(kind)));
}

/** The first phase (in order) whose statements have an effect of `kind` that passes `test`, with that effect. */
export function findEffect<K extends StatementEffect["kind"]>(
  phases: Phase[],
  kind: K,
  test: (e: Of<K>) => boolean = () => true,
): { phase: Phase; effect: Of<K> } | undefined {
  for (const phase of phases) {
    const found = effectsOf(phase.statements, kind).find(test);
    if (found) return { phase, effect: found };
  }
  return undefined;
}

/** Whether the phase drops `column` (any column when not given). */
export const dropsColumn = (phase: Phase, column?: string): boolean =>
  effectsOf(phase.statements, "drop_column").some((e) => column === undefined || e.column === column);
