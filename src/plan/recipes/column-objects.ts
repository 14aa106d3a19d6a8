/**
 * With a schema snapshot: the objects that hang on a column (indexes, unique and check constraints, its foreign
 * key, views) rebuilt on the column that replaces it, without blocking writes, so a column-replacing plan
 * (rename_column's expand/contract) leaves nothing for the reader to re-create by hand.
 */
import type { RecipeContext } from "../context.js";
import type { Statement } from "../model.js";
import { constraintName, quoteIdent, quoteTable } from "../sql.js";
import { findTable } from "../../schema/model.js";
import * as estimate from "./estimate.js";
import { finishPhase, literal, stmt, type PhaseDraft } from "./statements.js";

/** `text` with whole-word references to `from` (bare, quoted or table-qualified) replaced by `to`, string literals untouched. */
export function renameRefs(text: string, from: string, to: string): string {
  const word = new RegExp(`(?<![\\w$])("${from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"|${from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")})(?![\\w$"(])`, "g");
  return text
    .split(/('(?:[^']|'')*')/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(word, to)))
    .join("");
}

const derived = (name: string, column: string, newColumn: string) => (name.includes(column) ? constraintName(name.replace(column, newColumn)) : constraintName(name, "new"));

export interface ColumnObjects {
  /** The build phase (absent when nothing hangs on the column). */
  phase?: PhaseDraft;
  /** Statements for the contract phase, before the old column is dropped (views re-created on the new column). */
  beforeDrop: Statement[];
  notes: string[];
}

export function columnObjects(ctx: RecipeContext, tableName: string, column: string, newColumn: string): ColumnObjects {
  const table = ctx.snapshot && findTable(ctx.snapshot, tableName);
  if (!table) return { beforeDrop: [], notes: [] };
  const q = (s: string) => quoteIdent(ctx.engine, s);
  const t = quoteTable(ctx.engine, tableName);
  const n = q(newColumn);
  const statements: Statement[] = [];
  const rollback: Statement[] = [];
  const schema = table.schema === "public" ? "" : `${q(table.schema)}.`;
  for (const i of table.indexes.filter((x) => !x.primary)) {
    const name = derived(i.name, column, newColumn);
    const m = /^CREATE (UNIQUE )?INDEX (?:"(?:[^"]|"")+"|\S+) ON (.+?) USING ([\s\S]*)$/.exec(i.definition);
    // A key column, an expression or a predicate that reads the column.
    if (!m || (!i.columns.includes(column) && renameRefs(m[3], column, n) === m[3])) continue;
    statements.push(stmt(`CREATE ${m[1] ?? ""}INDEX CONCURRENTLY ${q(name)} ON ${m[2]} USING ${renameRefs(m[3], column, n)};`, "SHARE UPDATE EXCLUSIVE", [tableName], { transaction: false, why: `A copy of ${i.name} on ${newColumn}, built without blocking writes.` }));
    const kind = table.constraints.find((k) => k.name === i.constraint)?.kind;
    if (kind === "unique") statements.push(stmt(`ALTER TABLE ${t} ADD CONSTRAINT ${q(name)} UNIQUE USING INDEX ${q(name)};`, "SHARE UPDATE EXCLUSIVE", [tableName], { why: `As ${i.constraint} is a constraint, so is its copy; USING INDEX makes it instant.` }));
    rollback.push(
      ...(kind === "unique" ? [stmt(`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${q(name)};`, "ACCESS EXCLUSIVE", [tableName])] : []),
      stmt(`DROP INDEX CONCURRENTLY IF EXISTS ${schema}${q(name)};`, "SHARE UPDATE EXCLUSIVE", [tableName], { transaction: false }),
    );
  }
  for (const k of table.constraints.filter((x) => x.columns.includes(column) && (x.kind === "check" || x.kind === "foreign_key"))) {
    const name = derived(k.name, column, newColumn);
    const def = k.definition.replace(/ NOT VALID$/, "");
    const body = k.kind === "check" ? renameRefs(def, column, n) : def.replace(/^FOREIGN KEY \(([^)]*)\)/, (_, cols: string) => `FOREIGN KEY (${renameRefs(cols, column, n)})`);
    statements.push(
      stmt(`ALTER TABLE ${t} ADD CONSTRAINT ${q(name)} ${body} NOT VALID;`, k.kind === "check" ? "ACCESS EXCLUSIVE" : "SHARE ROW EXCLUSIVE", [tableName], { why: "NOT VALID: no scan under the lock." }),
      stmt(`ALTER TABLE ${t} VALIDATE CONSTRAINT ${q(name)};`, "SHARE UPDATE EXCLUSIVE", [tableName], { scan: true, why: "Checks existing rows without blocking writes." }),
    );
    rollback.unshift(stmt(`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${q(name)};`, "ACCESS EXCLUSIVE", [tableName]));
  }
  const notes = table.referencedBy
    .filter((f) => f.refColumns.includes(column))
    .map((f) => `${f.table} references ${column} (${f.name}): re-point it at ${newColumn} (a new foreign key NOT VALID, then VALIDATE) before the contract phase.`);
  const views = ctx.snapshot!.views.filter((v) => table.dependentViews.includes(`${v.schema}.${v.name}`) && !v.materialized);
  const beforeDrop = views.flatMap((v) => {
    const vn = quoteTable(ctx.engine, `${v.schema}.${v.name}`);
    return [stmt(`DROP VIEW ${vn};`, "ACCESS EXCLUSIVE", [v.name]), stmt(`CREATE VIEW ${vn} AS\n${renameRefs(v.definition.trim(), column, n)}`, "ACCESS EXCLUSIVE", [v.name], { why: `Re-created on ${newColumn}: a view would otherwise keep the old column alive (DROP COLUMN refuses).` })];
  });
  if (views.length) notes.push(`The contract phase re-creates ${views.map((v) => v.name).join(", ")} on ${newColumn} (the view's column is renamed too); give its grants again.`);
  if (!statements.length) return { beforeDrop, notes };
  const phase = finishPhase(ctx, {
    title: `Build ${column}'s indexes and constraints on ${newColumn}`,
    kind: "expand",
    why: `Read from the schema: these are on ${column}. Their copies on ${newColumn} must exist before the application relies on it, built without blocking writes. If a concurrent build fails it leaves an INVALID index: drop it and run the statement again.`,
    statements,
    rollback,
    checks: [
      {
        description: `Every index on ${newColumn} is valid`,
        sql: `SELECT coalesce(bool_and(i.indisvalid), true) AS ok FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indrelid = ${literal(t)}::regclass AND a.attname = ${literal(newColumn)};`,
      },
    ],
    estimate: estimate.scan(ctx.answers.approx_rows, "one scan per index and constraint, none blocking writes"),
  });
  return { phase, beforeDrop, notes };
}
