/**
 * Django's side of a model change: the field definitions, the migration state operations that keep
 * Django's model state equal to the database, and the models.py change shown in PLAN.md. The state
 * operations and the snippet are written from the same definitions, so a models.py changed as the
 * snippet says matches the state and `makemigrations --check` finds nothing.
 */
import { commentText, pyString } from "../../plan/encode.js";
import type { FieldSpec, ModelChange, PhaseModel } from "./changes.js";
import { modelClassName } from "./naming.js";

const PY_KEYWORDS = new Set(
  "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield".split(" "),
);

/** The Python attribute for a column, and the `db_column` it needs when the two differ. */
function fieldName(column: string): { name: string; dbColumn?: string } {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(column) && !PY_KEYWORDS.has(column) && !column.includes("__")) return { name: column };
  const name = column.replace(/[^A-Za-z0-9_]+/g, "_").replace(/_{2,}/g, "_").replace(/^(?=\d)|^$/, "f_");
  return { name: PY_KEYWORDS.has(name) ? name + "_" : name, dbColumn: column };
}

/** The Django field class and its arguments for an SQL type; undefined for a type with no plain field. */
function fieldClass(type: string): { cls: string; args: string[] } | undefined {
  const t = type.trim().toLowerCase().replace(/\s+/g, " ");
  const n = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(t);
  const base = t.replace(/\s*\(.*\)/, "");
  if (["text", "longtext", "mediumtext", "citext"].includes(base)) return { cls: "TextField", args: [] };
  if (["varchar", "character varying", "char", "character"].includes(base))
    return n ? { cls: "CharField", args: [`max_length=${n[1]}`] } : { cls: "TextField", args: [] };
  if (["integer", "int", "int4"].includes(base)) return { cls: "IntegerField", args: [] };
  if (["bigint", "int8"].includes(base)) return { cls: "BigIntegerField", args: [] };
  if (["smallint", "int2"].includes(base)) return { cls: "SmallIntegerField", args: [] };
  if (["boolean", "bool"].includes(base)) return { cls: "BooleanField", args: [] };
  if (/^timestamp/.test(base) || base === "timestamptz" || base === "datetime") return { cls: "DateTimeField", args: [] };
  if (base === "date") return { cls: "DateField", args: [] };
  if (/^time( |$)|^timetz$/.test(base)) return { cls: "TimeField", args: [] };
  if (["numeric", "decimal"].includes(base) && n) return { cls: "DecimalField", args: [`max_digits=${n[1]}`, `decimal_places=${n[2] ?? 0}`] };
  if (["double precision", "float8", "real", "float4", "double", "float"].includes(base)) return { cls: "FloatField", args: [] };
  if (["json", "jsonb"].includes(base)) return { cls: "JSONField", args: [] };
  if (base === "uuid") return { cls: "UUIDField", args: [] };
  if (["bytea", "blob", "longblob"].includes(base)) return { cls: "BinaryField", args: [] };
  if (base === "interval") return { cls: "DurationField", args: [] };
  return undefined;
}

/** A Python value for a plain SQL default ('text', a number, true/false); undefined for an expression. */
function pyDefault(sql: string | undefined): string | undefined {
  if (sql === undefined) return undefined;
  const s = sql.trim();
  const str = /^'((?:[^']|'')*)'(?:::[\w ]+)?$/.exec(s);
  if (str) return pyString(str[1].replace(/''/g, "'"));
  if (/^-?\d+(\.\d+)?$/.test(s)) return s;
  if (/^(true|false)$/i.test(s)) return s.toLowerCase() === "true" ? "True" : "False";
  return undefined;
}

export interface DjangoNames {
  /** The app label, for references to other models (`shop.Customer`). */
  app: string;
}

/** `models.TextField(null=True)`, or undefined when the type has no field here. */
export function djangoField(f: FieldSpec): string | undefined {
  const c = f.type ? fieldClass(f.type) : undefined;
  if (!c) return undefined;
  const { dbColumn } = fieldName(f.column);
  const def = pyDefault(f.default);
  const args = [...c.args, ...(def !== undefined ? [`default=${def}`] : []), ...(dbColumn ? [`db_column=${pyString(dbColumn)}`] : []), ...(f.nullable ? ["null=True"] : [])];
  return `models.${c.cls}(${args.join(", ")})`;
}

const ON_DELETE: Record<string, string> = { cascade: "CASCADE", "set null": "SET_NULL", "set default": "SET_DEFAULT", restrict: "RESTRICT", "no action": "DO_NOTHING" };

/** The ForeignKey that replaces the plain column field: its attribute name (`customer` for `customer_id`) and definition. */
function foreignKey(c: Extract<ModelChange, { kind: "add_foreign_key" }>, names: DjangoNames): { name: string; def: string } {
  const stem = /^[A-Za-z_]\w*_id$/.test(c.field.column) && !PY_KEYWORDS.has(c.field.column.slice(0, -3)) ? c.field.column.slice(0, -3) : undefined;
  const name = stem ?? fieldName(c.field.column).name;
  const args = [
    pyString(`${names.app}.${modelClassName(c.refTable)}`),
    `on_delete=models.${ON_DELETE[c.onDelete ?? "no action"] ?? "DO_NOTHING"}`,
    ...(stem ? [] : [`db_column=${pyString(c.field.column)}`]),
    ...(c.refColumn !== "id" ? [`to_field=${pyString(c.refColumn)}`] : []),
    // The plan builds and names the column's index itself (Meta.indexes); Django must not add its own.
    "db_index=False",
    ...(c.field.nullable ? ["null=True"] : []),
  ];
  return { name, def: `models.ForeignKey(${args.join(", ")})` };
}

export const indexExpr = (fields: string[], name: string, unique: boolean) =>
  `models.${unique ? "UniqueConstraint" : "Index"}(fields=[${fields.map((f) => pyString(f)).join(", ")}], name=${pyString(name)})`;

/** What a change does to models.py, line by line (the snippet) and to Django's state (the operations). */
interface Edit {
  /** Field lines in the model class: `+`/`-` and the line. */
  fields: [sign: "+" | "-", name: string, def: string | undefined][];
  /** Entries of Meta.indexes or Meta.constraints. */
  meta: [sign: "+" | "-", list: "indexes" | "constraints", entry: string][];
  ops: string[];
  /** Why a part could not be written (a type with no Django field). */
  missing: string[];
}

function edits(pm: PhaseModel, names: DjangoNames): Edit {
  const m = pyString(modelClassName(pm.table).toLowerCase());
  const e: Edit = { fields: [], meta: [], ops: [], missing: [] };
  const def = (f: FieldSpec) => {
    const d = djangoField(f);
    if (!d) e.missing.push(`${f.column}: no Django field for type ${f.type ?? "(not given)"}; give the column's type in the answers, or write this step's state operation yourself`);
    return d;
  };
  for (const c of pm.changes) {
    switch (c.kind) {
      case "column_dropped":
        break;
      case "add_field": {
        const d = def(c.field);
        const { name } = fieldName(c.field.column);
        e.fields.push(["+", name, d]);
        if (d) e.ops.push(`migrations.AddField(model_name=${m}, name=${pyString(name)}, field=${d})`);
        break;
      }
      case "remove_field": {
        const { name } = fieldName(c.field.column);
        e.fields.push(["-", name, djangoField(c.field)]);
        e.ops.push(`migrations.RemoveField(model_name=${m}, name=${pyString(name)})`);
        break;
      }
      case "rename_field": {
        const from = fieldName(c.from).name;
        const { name } = fieldName(c.field.column);
        const d = djangoField(c.field);
        e.fields.push(["-", from, d], ["+", name, d ?? `${from}'s definition`]);
        e.ops.push(`migrations.RenameField(model_name=${m}, old_name=${pyString(from)}, new_name=${pyString(name)})`);
        break;
      }
      case "alter_field": {
        const d = def(c.field);
        const { name } = fieldName(c.field.column);
        e.fields.push(["-", name, undefined], ["+", name, d]);
        if (d) e.ops.push(`migrations.AlterField(model_name=${m}, name=${pyString(name)}, field=${d})`);
        break;
      }
      case "add_index": {
        const list = c.unique ? "constraints" : "indexes";
        const entry = indexExpr(c.columns.map((x) => fieldName(x).name), c.name, c.unique);
        e.meta.push(["+", list, entry]);
        e.ops.push(c.unique ? `migrations.AddConstraint(model_name=${m}, constraint=${entry})` : `migrations.AddIndex(model_name=${m}, index=${entry})`);
        break;
      }
      case "remove_index":
        e.meta.push(["-", "indexes", indexExpr(c.columns.map((x) => fieldName(x).name), c.name, false)]);
        e.ops.push(`migrations.RemoveIndex(model_name=${m}, name=${pyString(c.name)})`);
        break;
      case "add_foreign_key": {
        const plain = fieldName(c.field.column).name;
        const fk = foreignKey(c, names);
        // Index(fields=...) names the field, not the column: the index moves to the renamed field.
        if (c.index && fk.name !== plain) {
          e.meta.push(["-", "indexes", indexExpr([plain], c.index, false)], ["+", "indexes", indexExpr([fk.name], c.index, false)]);
          e.ops.push(`migrations.RemoveIndex(model_name=${m}, name=${pyString(c.index)})`);
        }
        e.fields.push(["-", plain, djangoField(c.field)], ["+", fk.name, fk.def]);
        if (fk.name !== plain) e.ops.push(`migrations.RenameField(model_name=${m}, old_name=${pyString(plain)}, new_name=${pyString(fk.name)})`);
        e.ops.push(`migrations.AlterField(model_name=${m}, name=${pyString(fk.name)}, field=${fk.def})`);
        if (c.index && fk.name !== plain) e.ops.push(`migrations.AddIndex(model_name=${m}, index=${indexExpr([fk.name], c.index, false)})`);
        break;
      }
    }
  }
  return e;
}

/** The state operations of a phase (Python expressions), empty when a field type is unknown. */
export function djangoStateOperations(pm: PhaseModel, names: DjangoNames): { ops: string[]; missing: string[] } {
  const e = edits(pm, names);
  // A partial state change would leave Django's state half right: all or nothing.
  return e.missing.length ? { ops: [], missing: e.missing } : { ops: e.ops, missing: [] };
}

/** The models.py change as a diff: fields of the model class, then entries of its Meta lists. */
export function djangoSnippet(pm: PhaseModel, names: DjangoNames): string | undefined {
  const e = edits(pm, names);
  if (!e.fields.length && !e.meta.length && !e.missing.length) return undefined;
  const lines = [` class ${modelClassName(pm.table)}(models.Model):`];
  for (const [sign, name, d] of e.fields) lines.push(`${sign}    ${name} = ${d ?? "..."}`);
  const lists = [...new Set(e.meta.map(([, list]) => list))];
  if (lists.length) lines.push("     class Meta:");
  for (const list of lists) {
    lines.push(`         ${list} = [`);
    for (const [sign, l, entry] of e.meta) if (l === list) lines.push(`${sign}            ${entry},`);
    lines.push("         ]");
  }
  for (const m of e.missing) lines.push(`# ${commentText(m)}`);
  return lines.join("\n");
}
