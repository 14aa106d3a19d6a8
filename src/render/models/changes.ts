/**
 * The model change each phase asks for: what an ORM's model (Django state, Prisma schema, Drizzle
 * table, Rails' ignored columns) must say after the phase for the ORM to agree with the database.
 * Pure: read from the plan's answers and the names its SQL uses, so the names in the model are the
 * names in the database.
 *
 * Objects the model describes are tracked: the columns the application uses, indexes, unique
 * constraints and foreign keys the answers asked for. Helpers the plan adds and removes on its own
 * (the `_new`/`_old` copies behind a type change, sync triggers, the temporary NOT NULL check) are
 * not: no ORM reads them, and the plan's own files drop them again.
 */
import type { Phase, Plan } from "../../plan/model.js";
import { bareName } from "../../plan/encode.js";

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

const IDENT = String.raw`("(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
const unquote = (s: string) => (s.startsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A column name as SQL may write it: bare or double-quoted. */
const colRe = (name: string) => `(?:${escapeRe(name)}|"${escapeRe(name.replace(/"/g, '""'))}")`;

const sqlOf = (phase: Phase) => phase.statements.map((s) => s.sql).join("\n");
const has = (phase: Phase, re: RegExp) => re.test(sqlOf(phase));

/** The index a phase creates: its name and whether it is unique. */
function createdIndex(phase: Phase): { name: string; unique: boolean } | undefined {
  const m = new RegExp(String.raw`CREATE\s+(UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?${IDENT}`, "i").exec(sqlOf(phase));
  return m ? { name: unquote(m[2]), unique: !!m[1] } : undefined;
}

function addedConstraint(phase: Phase, kind: "FOREIGN KEY" | "UNIQUE"): string | undefined {
  const m = new RegExp(String.raw`ADD\s+CONSTRAINT\s+${IDENT}\s+${kind.replace(" ", "\\s+")}`, "i").exec(sqlOf(phase));
  return m ? unquote(m[1]) : undefined;
}

/**
 * Where the model forgets a column that a later phase drops: the last application deploy before the
 * drop (the code stops using it there), or the drop itself when no deploy comes between.
 */
function forgetPhase(plan: Plan, column: string): { forget: Phase; drop: Phase } | undefined {
  const drop = plan.phases.findIndex((p) => has(p, new RegExp(String.raw`DROP\s+COLUMN\s+(?:IF\s+EXISTS\s+)?${colRe(column)}(?![\w$"])`, "i")));
  if (drop < 0) return undefined;
  return { forget: plan.phases.slice(0, drop).filter((p) => p.statements.length === 0).pop() ?? plan.phases[drop], drop: plan.phases[drop] };
}

/** Model changes keyed by phase id; phases that change no model are absent. */
export function modelChanges(plan: Plan): Map<string, PhaseModel> {
  const a = plan.answers;
  const out = new Map<string, PhaseModel>();
  const table = a.table;
  const col = a.columns?.[0];
  if (!table) return out;
  const at = (phase: Phase | undefined, change: ModelChange) => {
    if (!phase) return;
    const entry = out.get(phase.id) ?? { table, changes: [] };
    entry.changes.push(change);
    out.set(phase.id, entry);
  };
  const d = a.details ?? {};
  const field: FieldSpec | undefined = col && { column: col.name, type: col.type, nullable: col.nullable !== false, default: col.default === undefined || col.default === null ? undefined : String(col.default) };
  const first = (re: RegExp) => plan.phases.find((p) => has(p, re));
  const forget = (f: FieldSpec) => {
    const where = forgetPhase(plan, f.column);
    if (!where) return;
    at(where.forget, { kind: "remove_field", field: f });
    if (where.drop !== where.forget) at(where.drop, { kind: "column_dropped", field: f });
  };

  switch (a.operation) {
    case "add_column":
      if (field) {
        const added = first(new RegExp(String.raw`ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?${colRe(field.column)}\s`, "i"));
        // Added nullable and made NOT NULL in a later phase: the model follows, phase by phase.
        const notNull = field.nullable ? undefined : first(new RegExp(String.raw`ALTER\s+COLUMN\s+${colRe(field.column)}\s+SET\s+NOT\s+NULL`, "i"));
        const later = !!notNull && notNull !== added;
        at(added, { kind: "add_field", field: later ? { ...field, nullable: true } : field });
        if (later) at(notNull, { kind: "alter_field", field });
      }
      break;
    case "drop_column":
      if (field) forget(field);
      break;
    case "rename_column": {
      const to = d.new_name;
      if (!field || !to) break;
      const renamed = { ...field, column: to };
      const inPlace = first(new RegExp(String.raw`RENAME\s+COLUMN\s+${colRe(field.column)}\s+TO\s+${colRe(to)}`, "i"));
      if (inPlace) {
        at(inPlace, { kind: "rename_field", from: field.column, field: renamed });
        break;
      }
      // Expand/contract: the new column joins the model when it is added, the old one leaves before its drop.
      at(first(new RegExp(String.raw`ADD\s+(?:COLUMN\s+)?${colRe(to)}\s`, "i")), { kind: "add_field", field: { ...renamed, nullable: true, default: undefined } });
      forget(field);
      const notNull = first(new RegExp(String.raw`ALTER\s+COLUMN\s+${colRe(to)}\s+SET\s+NOT\s+NULL`, "i"));
      if (notNull) at(notNull, { kind: "alter_field", field: { ...renamed, nullable: false } });
      break;
    }
    case "change_column_type": {
      if (!field || !d.new_type) break;
      const changed = { ...field, type: d.new_type };
      // In place (ALTER COLUMN ... TYPE) or by swapping in the copy: the field's type changes in that phase.
      const swap =
        first(new RegExp(String.raw`RENAME\s+COLUMN\s+${colRe(field.column + "_new")}\s+TO\s+${colRe(field.column)}`, "i")) ??
        first(new RegExp(String.raw`ALTER\s+COLUMN\s+${colRe(field.column)}\s+(?:SET\s+DATA\s+)?TYPE`, "i")) ??
        first(new RegExp(String.raw`MODIFY\s+(?:COLUMN\s+)?${colRe(field.column)}\s`, "i"));
      at(swap, { kind: "alter_field", field: changed });
      break;
    }
    case "set_not_null":
      if (field) at(first(new RegExp(String.raw`ALTER\s+COLUMN\s+${colRe(field.column)}\s+SET\s+NOT\s+NULL|MODIFY\s+(?:COLUMN\s+)?${colRe(field.column)}\s`, "i")), { kind: "alter_field", field: { ...field, nullable: false } });
      break;
    case "add_index":
    case "add_unique_constraint": {
      const phase = plan.phases.find(createdIndex);
      const columns = (a.columns ?? []).map((c) => c.name);
      if (!phase) break;
      const idx = createdIndex(phase)!;
      const constraint = a.operation === "add_unique_constraint" ? plan.phases.find((p) => addedConstraint(p, "UNIQUE")) : undefined;
      if (constraint) at(constraint, { kind: "add_index", name: addedConstraint(constraint, "UNIQUE")!, columns, unique: true });
      else at(phase, { kind: "add_index", name: idx.name, columns, unique: idx.unique || a.operation === "add_unique_constraint" });
      break;
    }
    case "drop_index": {
      const phase = first(/DROP\s+INDEX/i);
      const name = d.index_name;
      if (phase && name) at(phase, { kind: "remove_index", name, columns: (a.columns ?? []).map((c) => c.name) });
      break;
    }
    case "add_foreign_key": {
      if (!field || !d.ref_table) break;
      const idxPhase = plan.phases.find(createdIndex);
      const index = idxPhase ? createdIndex(idxPhase)!.name : undefined;
      if (idxPhase && index) at(idxPhase, { kind: "add_index", name: index, columns: [field.column], unique: false });
      const fkPhase = plan.phases.find((p) => addedConstraint(p, "FOREIGN KEY"));
      if (fkPhase)
        at(fkPhase, {
          kind: "add_foreign_key",
          field,
          name: addedConstraint(fkPhase, "FOREIGN KEY")!,
          refTable: bareName(d.ref_table),
          refColumn: d.ref_column ?? "id",
          onDelete: d.on_delete,
          index,
        });
      break;
    }
  }
  return out;
}
