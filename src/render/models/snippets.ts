/**
 * The model change at each phase as the other ORMs write it: a Prisma schema diff (`@map`/`@@map`
 * where the names differ from the database's), a Drizzle table diff, and Rails' `ignored_columns`.
 * String values pass the language's literal encoder; PLAN.md puts the text in a fenced block.
 */
import type { Engine } from "../../answers/schema.js";
import { commentText, jsQuoted, jsString, rubyString } from "../../plan/encode.js";
import type { ModelSnippet } from "../types.js";
import type { FieldSpec, ModelChange, PhaseModel } from "./changes.js";
import { camelField, modelClassName } from "./naming.js";

const snake = (s: string) => s.replace(/(?<=[a-z0-9])(?=[A-Z])/g, "_").toLowerCase();
const typeParts = (type: string) => {
  const t = type.trim().toLowerCase().replace(/\s+/g, " ");
  const n = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(t);
  return { base: t.replace(/\s*\(.*\)/, ""), n: n?.[1], m: n?.[2] };
};

/** A plain SQL default as a literal: a string, a number or a boolean; undefined for an expression. */
function plainDefault(sql: string | undefined): { js: string } | undefined {
  if (sql === undefined) return undefined;
  const s = sql.trim();
  const str = /^'((?:[^']|'')*)'(?:::[\w ]+)?$/.exec(s);
  if (str) return { js: jsQuoted(str[1].replace(/''/g, "'")) };
  if (/^-?\d+(\.\d+)?$/.test(s) || /^(true|false)$/i.test(s)) return { js: s.toLowerCase() };
  return undefined;
}

// ---- Prisma ----

function prismaType(type: string, engine: Engine): string | undefined {
  const { base, n, m } = typeParts(type);
  const pg = engine === "postgresql";
  if (base === "text") return "String";
  if (["varchar", "character varying"].includes(base)) return n ? `String @db.VarChar(${n})` : "String";
  if (["integer", "int", "int4"].includes(base)) return "Int";
  if (["bigint", "int8"].includes(base)) return "BigInt";
  if (["smallint", "int2"].includes(base)) return "Int @db.SmallInt";
  if (["boolean", "bool"].includes(base)) return "Boolean";
  if (base === "timestamptz" || base === "timestamp with time zone") return pg ? "DateTime @db.Timestamptz(6)" : "DateTime";
  if (/^timestamp/.test(base) || base === "datetime") return pg ? "DateTime @db.Timestamp(6)" : "DateTime";
  if (base === "date") return "DateTime @db.Date";
  if (["numeric", "decimal"].includes(base)) return n ? `Decimal @db.Decimal(${n}, ${m ?? 0})` : "Decimal";
  if (["double precision", "float8", "double"].includes(base)) return "Float";
  if (base === "jsonb") return "Json";
  if (base === "json") return pg ? "Json @db.Json" : "Json";
  if (base === "uuid") return "String @db.Uuid";
  if (base === "bytea") return "Bytes";
  return undefined;
}

function prismaField(f: FieldSpec, engine: Engine): string {
  const name = camelField(f.column);
  const t = f.type ? prismaType(f.type, engine) : undefined;
  if (!t) return `${name} ... @map(${jsQuoted(f.column)}) // ${commentText(`type ${f.type ?? "(not given)"}: write the field's type`)}`;
  const [scalar, ...native] = t.split(" ");
  const def = f.default === undefined ? undefined : plainDefault(f.default)?.js ?? (/^now\(\)$/i.test(f.default.trim()) ? "now()" : `dbgenerated(${jsQuoted(f.default)})`);
  const attrs = [...(def !== undefined ? [`@default(${def})`] : []), ...(name !== f.column ? [`@map(${jsQuoted(f.column)})`] : []), ...native];
  return [`${name} ${scalar}${f.nullable ? "?" : ""}`, ...attrs].join(" ");
}

const REFERENTIAL: Record<string, string> = { cascade: "Cascade", "set null": "SetNull", "set default": "SetDefault", restrict: "Restrict", "no action": "NoAction" };

/** Prisma's own name for an index, unique constraint or foreign key: `<table>_<columns>_<suffix>`. */
const prismaDefault = (table: string, columns: string[], suffix: string) => [table, ...columns, suffix].join("_");

export function prismaSnippet(pm: PhaseModel, engine: Engine): ModelSnippet | undefined {
  const model = modelClassName(pm.table);
  const table = pm.table.split(".").pop()!;
  const lines: string[] = [];
  const others: string[] = [];
  const mapped = (name: string, columns: string[], suffix: string) => (name === prismaDefault(table, columns, suffix) ? "" : `, map: ${jsQuoted(name)}`);
  const fields = (cols: string[]) => `[${cols.map(camelField).join(", ")}]`;
  for (const c of pm.changes) {
    if (c.kind === "add_field") lines.push(`+  ${prismaField(c.field, engine)}`);
    else if (c.kind === "remove_field") lines.push(`-  ${c.field.type ? prismaField(c.field, engine) : `${camelField(c.field.column)} ...`}`);
    else if (c.kind === "rename_field") lines.push(`-  ${prismaField({ ...c.field, column: c.from }, engine)}`, `+  ${prismaField(c.field, engine)}`);
    else if (c.kind === "alter_field") lines.push(`-  ${camelField(c.field.column)} ...`, `+  ${prismaField(c.field, engine)}`);
    else if (c.kind === "add_index")
      lines.push(`+  @@${c.unique ? "unique" : "index"}(${fields(c.columns)}${mapped(c.name, c.columns, c.unique ? "key" : "idx")})`);
    else if (c.kind === "remove_index") lines.push(`-  @@index(${fields(c.columns)}${mapped(c.name, c.columns, "idx")})`);
    else if (c.kind === "add_foreign_key") {
      const ref = modelClassName(c.refTable);
      const relation = camelField(c.field.column.replace(/_?id$/i, "") || c.refTable);
      const action = REFERENTIAL[c.onDelete ?? "no action"] ?? "NoAction";
      lines.push(
        `+  ${relation} ${ref}${c.field.nullable ? "?" : ""} @relation(fields: [${camelField(c.field.column)}], references: [${camelField(c.refColumn)}], ` +
          `onDelete: ${action}, onUpdate: NoAction${mapped(c.name, [c.field.column], "fkey")})`,
      );
      others.push(` model ${ref} {`, `+  ${camelField(table)} ${model}[]`, " }");
    }
  }
  if (!lines.length) return undefined;
  const map = model !== table ? [`   @@map(${jsQuoted(table)})`] : [];
  return { file: "prisma/schema.prisma", lang: "diff", text: [` model ${model} {`, ...lines, ...map, " }", ...others].join("\n") };
}

// ---- Drizzle ----

function drizzleColumn(f: FieldSpec, engine: Engine): string {
  const col = jsQuoted(f.column);
  const { base, n, m } = typeParts(f.type ?? "");
  const mysql = engine !== "postgresql";
  const t =
    base === "text" ? `text(${col})`
    : ["varchar", "character varying"].includes(base) ? `varchar(${col}, { length: ${n ?? 255} })`
    : ["integer", "int", "int4"].includes(base) ? `${mysql ? "int" : "integer"}(${col})`
    : ["bigint", "int8"].includes(base) ? `bigint(${col}, { mode: "number" })`
    : ["smallint", "int2"].includes(base) ? `smallint(${col})`
    : ["boolean", "bool"].includes(base) ? `boolean(${col})`
    : base === "timestamptz" || base === "timestamp with time zone" ? `timestamp(${col}, { withTimezone: true })`
    : /^timestamp/.test(base) ? `timestamp(${col})`
    : base === "date" ? `date(${col})`
    : ["numeric", "decimal"].includes(base) ? `${mysql ? "decimal" : "numeric"}(${col}${n ? `, { precision: ${n}, scale: ${m ?? 0} }` : ""})`
    : ["double precision", "float8", "double"].includes(base) ? `${mysql ? "double" : "doublePrecision"}(${col})`
    : ["json", "jsonb", "uuid"].includes(base) ? `${base}(${col})`
    : `customType(...)(${col}) /* ${commentText(`type ${f.type ?? "(not given)"}`)} */`;
  const def = f.default === undefined ? "" : plainDefault(f.default) ? `.default(${plainDefault(f.default)!.js})` : /^now\(\)$/i.test(f.default.trim()) ? ".defaultNow()" : `.default(sql${jsString(f.default)})`;
  return `${camelField(f.column)}: ${t}${f.nullable ? "" : ".notNull()"}${def},`;
}

export function drizzleSnippet(pm: PhaseModel, engine: Engine): ModelSnippet | undefined {
  const table = pm.table.split(".").pop()!;
  const variable = camelField(table);
  const cols: string[] = [];
  const extras: string[] = [];
  for (const c of pm.changes) {
    if (c.kind === "add_field") cols.push(`+  ${drizzleColumn(c.field, engine)}`);
    else if (c.kind === "remove_field") cols.push(`-  ${c.field.type ? drizzleColumn(c.field, engine) : `${camelField(c.field.column)}: ...,`}`);
    else if (c.kind === "rename_field") cols.push(`-  ${drizzleColumn({ ...c.field, column: c.from }, engine)}`, `+  ${drizzleColumn(c.field, engine)}`);
    else if (c.kind === "alter_field") cols.push(`-  ${camelField(c.field.column)}: ...,`, `+  ${drizzleColumn(c.field, engine)}`);
    else if (c.kind === "add_index" || c.kind === "remove_index") {
      const unique = c.kind === "add_index" && c.unique;
      extras.push(`${c.kind === "add_index" ? "+" : "-"}  ${unique ? "uniqueIndex" : "index"}(${jsQuoted(c.name)}).on(${c.columns.map((x) => `table.${camelField(x)}`).join(", ")}),`);
    } else if (c.kind === "add_foreign_key")
      extras.push(
        `+  foreignKey({ name: ${jsQuoted(c.name)}, columns: [table.${camelField(c.field.column)}], foreignColumns: [${camelField(c.refTable)}.${camelField(c.refColumn)}] })` +
          `${c.onDelete && c.onDelete !== "no action" ? `.onDelete(${jsQuoted(c.onDelete)})` : ""},`,
      );
  }
  if (!cols.length && !extras.length) return undefined;
  const fn = engine === "postgresql" ? "pgTable" : "mysqlTable";
  const text = [` export const ${variable} = ${fn}(${jsQuoted(table)}, {`, ...cols, ...(extras.length ? [" }, (table) => [", ...extras, " ]);"] : [" });"])];
  return { file: `the schema file that declares ${table}`, lang: "diff", text: text.join("\n") };
}

// ---- Rails ----

/** Rails reads columns from the table, so only a column about to go needs the model: `ignored_columns` before the drop. */
export function railsSnippet(pm: PhaseModel): ModelSnippet | undefined {
  const cls = modelClassName(pm.table);
  const file = `app/models/${snake(cls)}.rb`;
  const ignored = (c: ModelChange) => (c.kind === "remove_field" || c.kind === "column_dropped" ? [c.field.column] : []);
  const add = pm.changes.filter((c) => c.kind === "remove_field").flatMap(ignored);
  const gone = pm.changes.filter((c) => c.kind === "column_dropped").flatMap(ignored);
  const line = (cols: string[]) => `  self.ignored_columns += [${cols.map((c) => rubyString(c)).join(", ")}]`;
  if (add.length) return { file, lang: "diff", text: [` class ${cls} < ApplicationRecord`, `+${line(add)}`, " end"].join("\n") };
  if (gone.length) return { file, lang: "diff", text: [` class ${cls} < ApplicationRecord`, `-${line(gone)}`, " end"].join("\n") };
  return undefined;
}

/** Snippets by phase id, from a per-phase writer. */
export function snippetsBy(models: Map<string, PhaseModel>, write: (pm: PhaseModel) => ModelSnippet | undefined): Record<string, ModelSnippet> {
  const out: Record<string, ModelSnippet> = {};
  for (const [id, pm] of models) {
    const s = write(pm);
    if (s) out[id] = s;
  }
  return out;
}
