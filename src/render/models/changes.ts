/**
 * The model change each phase asks for: what an ORM's model (Django state, Prisma schema, Drizzle
 * table, Rails' ignored columns) must say after the phase for the ORM to agree with the database.
 * Pure: read from the plan's answers and its statements' effects (never their SQL text), so the names
 * in the model are the names in the database.
 *
 * Objects the model describes are tracked: the columns the application uses, indexes, unique
 * constraints and foreign keys the answers asked for. Helpers the plan adds and removes on its own
 * (the `_new`/`_old` copies behind a type change, sync triggers, the temporary NOT NULL check) are
 * not: no ORM reads them, and the plan's own files drop them again.
 */
import type { ConstraintKind, Phase, Plan, StatementEffect } from "../../plan/model.js";
import { bareName } from "../../plan/encode.js";
import { dropsColumn, effectsOf, findEffect } from "../../plan/effects.js";
import { isMysqlFamily } from "../../engines/index.js";

export interface FieldSpec {
  column: string;
  /** SQL type as the answers give it; undefined when unknown (no field definition can be written). */
  type?: string;
  nullable: boolean;
  /** SQL default expression, as the answers give it. */
  default?: string;
}

export type ModelChange =
  | { kind: "add_field"; field: FieldSpec }
  | { kind: "remove_field"; field: FieldSpec }
  /** The column the model already forgot is now gone from the table (Rails drops its ignored_columns entry). */
  | { kind: "column_dropped"; field: FieldSpec }
  | { kind: "rename_field"; from: string; field: FieldSpec }
  | { kind: "alter_field"; field: FieldSpec }
  | { kind: "add_index"; name: string; columns: string[]; unique: boolean }
  | { kind: "remove_index"; name: string; columns: string[] }
  | {
      kind: "add_foreign_key";
      field: FieldSpec;
      name: string;
      refTable: string;
      refColumn: string;
      onDelete?: string;
      /** The index the plan builds for the column (it holds the field's index in the model). */
      index?: string;
    };

export interface PhaseModel {
  /** The table the model maps, as in the answers (possibly schema-qualified). */
  table: string;
  changes: ModelChange[];
}

/**
 * The index a phase creates. MySQL's online builds (ALTER TABLE ... ADD INDEX) have never been followed by the
 * model; that stays so here (the files are byte-identical to before), a known gap.
 */
function createdIndex(plan: Plan, phase: Phase): { name: string; unique: boolean } | undefined {
  return isMysqlFamily(plan.engine) ? undefined : effectsOf(phase.statements, "create_index")[0];
}

const addedConstraint = (phase: Phase, kind: ConstraintKind): string | undefined =>
  effectsOf(phase.statements, "add_constraint").find((e) => e.constraint === kind)?.name;

/**
 * Where the model forgets a column that a later phase drops: the last application deploy before the
 * drop (the code stops using it there), or the drop itself when no deploy comes between.
 */
function forgetPhase(plan: Plan, column: string): { forget: Phase; drop: Phase } | undefined {
  const drop = plan.phases.findIndex((p) => dropsColumn(p, column));
  if (drop < 0) return undefined;
  return { forget: plan.phases.slice(0, drop).filter((p) => p.statements.length === 0).pop() ?? plan.phases[drop], drop: plan.phases[drop] };
}

/** Collects model changes by phase. */
class Changes {
  readonly out = new Map<string, PhaseModel>();
  constructor(readonly plan: Plan, readonly table: string) {}
  at(phase: Phase | undefined, change: ModelChange): void {
    if (!phase) return;
    const entry = this.out.get(phase.id) ?? { table: this.table, changes: [] };
    entry.changes.push(change);
    this.out.set(phase.id, entry);
  }
  /** The first phase with an effect of `kind` that passes `test`. */
  first<K extends StatementEffect["kind"]>(kind: K, test: (e: Extract<StatementEffect, { kind: K }>) => boolean): Phase | undefined {
    return findEffect(this.plan.phases, kind, test)?.phase;
  }
  /** The model forgets the field before the phase that drops its column. */
  forget(f: FieldSpec): void {
    const where = forgetPhase(this.plan, f.column);
    if (!where) return;
    this.at(where.forget, { kind: "remove_field", field: f });
    if (where.drop !== where.forget) this.at(where.drop, { kind: "column_dropped", field: f });
  }
}

/** Model changes keyed by phase id; phases that change no model are absent. */
export function modelChanges(plan: Plan): Map<string, PhaseModel> {
  const a = plan.answers;
  if (!a.table) return new Map();
  const c = new Changes(plan, a.table);
  const col = a.columns?.[0];
  const d = a.details ?? {};
  const field: FieldSpec | undefined = col && { column: col.name, type: col.type, nullable: col.nullable !== false, default: col.default === undefined || col.default === null ? undefined : String(col.default) };
  switch (a.operation) {
    case "add_column":
      if (field) addColumn(c, field);
      break;
    case "drop_column":
      if (field) c.forget(field);
      break;
    case "rename_column":
      if (field && d.new_name) renameColumn(c, field, d.new_name);
      break;
    case "change_column_type":
      if (field && d.new_type) changeColumnType(c, field, d.new_type);
      break;
    case "set_not_null":
      if (field) c.at(c.first("set_not_null", (e) => e.column === field.column), { kind: "alter_field", field: { ...field, nullable: false } });
      break;
    case "add_index":
    case "add_unique_constraint":
      addIndex(c, (a.columns ?? []).map((x) => x.name), a.operation === "add_unique_constraint");
      break;
    case "drop_index": {
      const found = findEffect(plan.phases, "drop_index");
      if (found && d.index_name) c.at(found.phase, { kind: "remove_index", name: d.index_name, columns: (a.columns ?? []).map((x) => x.name) });
      break;
    }
    case "add_foreign_key":
      if (field && d.ref_table) addForeignKey(c, field, { refTable: bareName(d.ref_table), refColumn: d.ref_column ?? "id", onDelete: d.on_delete });
      break;
  }
  return c.out;
}

function addColumn(c: Changes, field: FieldSpec): void {
  const added = c.first("add_column", (e) => e.column === field.column);
  // Added nullable and made NOT NULL in a later phase: the model follows, phase by phase.
  const notNull = field.nullable ? undefined : c.first("set_not_null", (e) => e.column === field.column);
  const later = !!notNull && notNull !== added;
  c.at(added, { kind: "add_field", field: later ? { ...field, nullable: true } : field });
  if (later) c.at(notNull, { kind: "alter_field", field });
}

function renameColumn(c: Changes, field: FieldSpec, to: string): void {
  const renamed = { ...field, column: to };
  const inPlace = c.first("rename_column", (e) => e.from === field.column && e.to === to);
  if (inPlace) {
    c.at(inPlace, { kind: "rename_field", from: field.column, field: renamed });
    return;
  }
  // Expand/contract: the new column joins the model when it is added, the old one leaves before its drop.
  c.at(c.first("add_column", (e) => e.column === to), { kind: "add_field", field: { ...renamed, nullable: true, default: undefined } });
  c.forget(field);
  const notNull = c.first("set_not_null", (e) => e.column === to);
  if (notNull) c.at(notNull, { kind: "alter_field", field: { ...renamed, nullable: false } });
}

function changeColumnType(c: Changes, field: FieldSpec, type: string): void {
  // In place (ALTER COLUMN ... TYPE) or by swapping in the copy: the field's type changes in that phase.
  const swap =
    c.first("rename_column", (e) => e.from === field.column + "_new" && e.to === field.column) ??
    c.first("alter_column_type", (e) => e.column === field.column);
  c.at(swap, { kind: "alter_field", field: { ...field, type } });
}

function addIndex(c: Changes, columns: string[], uniqueConstraint: boolean): void {
  const phase = c.plan.phases.find((p) => createdIndex(c.plan, p));
  if (!phase) return;
  const idx = createdIndex(c.plan, phase)!;
  const constraint = uniqueConstraint ? c.plan.phases.find((p) => addedConstraint(p, "unique")) : undefined;
  if (constraint) c.at(constraint, { kind: "add_index", name: addedConstraint(constraint, "unique")!, columns, unique: true });
  else c.at(phase, { kind: "add_index", name: idx.name, columns, unique: idx.unique || uniqueConstraint });
}

function addForeignKey(c: Changes, field: FieldSpec, ref: { refTable: string; refColumn: string; onDelete?: string }): void {
  const idxPhase = c.plan.phases.find((p) => createdIndex(c.plan, p));
  const index = idxPhase ? createdIndex(c.plan, idxPhase)!.name : undefined;
  if (idxPhase && index) c.at(idxPhase, { kind: "add_index", name: index, columns: [field.column], unique: false });
  const fkPhase = c.plan.phases.find((p) => addedConstraint(p, "foreign_key"));
  if (fkPhase) c.at(fkPhase, { kind: "add_foreign_key", field, name: addedConstraint(fkPhase, "foreign_key")!, ...ref, index });
}
