/**
 * create_table. Safe on its own: the new table is locked only by its creator, and nobody else can see it
 * until commit, so without foreign keys no existing table is locked at all (lock "none"). Inline foreign
 * keys take SHARE ROW EXCLUSIVE on each referenced table (writes to it wait), so a short lock timeout comes first.
 */
import type { Column } from "../../answers/schema.js";
import { PlanError } from "../errors.js";
import type { RecipeContext } from "../context.js";
import { quoteIdent, quoteTable } from "../sql.js";
import { columnDefinition } from "../recipes/column-defaults.js";
import * as estimate from "../recipes/estimate.js";
import { bareName, finishPhase, literal, stmt } from "../recipes/statements.js";
import type { OperationRecipes, RecipeResult } from "../recipe.js";
import type { Check, Statement } from "../model.js";

/** `customers(id)` -> table and column. */
function parseReference(ref: string, index: number): { table: string; column: string } {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_$]*(?:\.[A-Za-z_][A-Za-z0-9_$]*)?)\s*\(\s*([A-Za-z_][A-Za-z0-9_$]*)\s*\)\s*$/.exec(ref);
  if (!m) throw new PlanError(`references must look like table(column), got ${ref}`, `columns.${index}.references`);
  return { table: m[1], column: m[2] };
}

type Ctx = RecipeContext<"create_table">;
type Reference = { table: string; column: string };

/** The table and its foreign keys, as every piece below reads them. */
interface NewTable {
  table: string;
  t: string;
  columns: Column[];
  /** Each column's reference, or undefined. */
  refs: (Reference | undefined)[];
  /** The referenced tables, once each; `existing` leaves out a self-reference. */
  referenced: string[];
  existing: string[];
}

/** What the dialects differ in; the plan below is written once. */
interface CreateDialect {
  /**
   * Where a foreign key goes: on the column's line (PostgreSQL), or as a table-level FOREIGN KEY clause
   * (MySQL and MariaDB parse an inline `col type REFERENCES t(c)` and ignore it: no foreign key would exist).
   */
  inlineReferences: boolean;
  create: (sql: string, k: NewTable) => Statement;
  /** Whether the statement takes a write lock on tables that already exist (the lock timeout guards it). */
  locksOthers: (k: NewTable) => boolean;
  existsSql: (k: NewTable) => string;
  dropLock: string;
  foreignKeyChecks: (k: NewTable) => Check[];
  warnings: (k: NewTable) => string[];
}

const POSTGRESQL: CreateDialect = {
  inlineReferences: true,
  // The claim is about tables that already exist: the new one is invisible to other sessions until commit,
  // so its own ACCESS EXCLUSIVE lock blocks nobody. An inline foreign key takes SHARE ROW EXCLUSIVE on each
  // referenced table (to add the FK triggers there).
  create: (sql, { existing }) =>
    stmt(sql, existing.length ? "SHARE ROW EXCLUSIVE" : "none", existing, {
      why: existing.length
        ? `Each referenced table (${existing.join(", ")}) gets SHARE ROW EXCLUSIVE while the foreign key is attached, which blocks writes to it until commit, hence the lock timeout. The new table itself is invisible to other sessions until commit.`
        : "The new table is invisible to other sessions until commit, and no existing table is locked: nothing waits.",
    }),
  locksOthers: ({ existing }) => existing.length > 0,
  existsSql: ({ t }) => `SELECT to_regclass(${literal(t)}) IS NOT NULL AS ok;`,
  dropLock: "ACCESS EXCLUSIVE",
  foreignKeyChecks: () => [],
  warnings: ({ columns, refs, referenced }) => [
    ...(referenced.length
      ? [
          `PostgreSQL does not index foreign-key columns by itself: add an index on ${columns.filter((_, i) => refs[i]).map((c) => c.name).join(", ")} so deletes on the referenced table do not scan this one.`,
        ]
      : []),
    ...columns.filter((c) => /^json\b/i.test(c.type ?? "")).map((c) => `${c.name} is json: prefer jsonb (json has no equality operator, so DISTINCT and GROUP BY over it fail).`),
  ],
};

const MYSQL: CreateDialect = {
  inlineReferences: false,
  create: (sql, { table, referenced }) =>
    stmt(sql, "metadata lock", [table, ...referenced], {
      why: referenced.length
        ? `MySQL takes metadata locks on the referenced tables (${referenced.join(", ")}) while it attaches the foreign keys, hence the lock timeout.`
        : "Nothing uses the new table yet: nothing waits.",
    }),
  locksOthers: ({ existing, referenced }) => existing.length > 0 || referenced.length > 0,
  existsSql: ({ table }) => `SELECT COUNT(*) = 1 AS ok FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(table)};`,
  dropLock: "metadata lock",
  foreignKeyChecks: ({ table, refs, referenced }) =>
    referenced.length
      ? [
          {
            description: `${table} has its ${refs.filter(Boolean).length} foreign key(s)`,
            sql: `SELECT COUNT(*) = ${refs.filter(Boolean).length} AS ok FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(bareName(table))};`,
          },
        ]
      : [],
  warnings: () => [],
};

/** The CREATE TABLE's lines: the columns (with inline references where the dialect honours them), the key, table-level keys. */
function tableLines(ctx: Ctx, dialect: CreateDialect, columns: Column[], refs: (Reference | undefined)[], pkName: string | undefined): string[] {
  const reference = (ref: Reference) => `REFERENCES ${quoteTable(ctx.engine, ref.table)} (${quoteIdent(ctx.engine, ref.column)})`;
  const lines = columns.map((c, i) => {
    const line = columnDefinition(ctx.engine, c, { index: i });
    const ref = refs[i];
    return ref && dialect.inlineReferences ? `${line} ${reference(ref)}` : line;
  });
  if (pkName) {
    if (!columns.some((c) => c.name === pkName)) throw new PlanError(`primary key ${pkName} is not among the columns`, "details.primary_key");
    lines.push(`PRIMARY KEY (${quoteIdent(ctx.engine, pkName)})`);
  }
  if (!dialect.inlineReferences) columns.forEach((c, i) => refs[i] && lines.push(`FOREIGN KEY (${quoteIdent(ctx.engine, c.name)}) ${reference(refs[i]!)}`));
  return lines;
}

function plan(ctx: Ctx, dialect: CreateDialect): RecipeResult {
  const columns: Column[] = ctx.answers.columns ?? [];
  if (columns.length === 0) throw new PlanError("create_table needs its columns", "columns");
  const table = ctx.answers.table;
  const t = quoteTable(ctx.engine, table);
  const pkName = ctx.answers.details?.primary_key ?? (columns.some((c) => c.name === "id") ? "id" : undefined);
  const refs = columns.map((c, i) => (c.references ? parseReference(c.references, i) : undefined));
  const lines = tableLines(ctx, dialect, columns, refs, pkName);
  const referenced = [...new Set(refs.filter((r) => r !== undefined).map((r) => r!.table))];
  // A self-reference locks only the table being created, which nobody else can see yet.
  const existing = referenced.filter((r) => bareName(r) !== bareName(table));
  const k: NewTable = { table, t, columns, refs, referenced, existing };
  const create = dialect.create(`CREATE TABLE ${t} (\n  ${lines.join(",\n  ")}\n);`, k);
  const warnings: string[] = [];
  if (!pkName) warnings.push("The table has no primary key: batched backfills, logical replication and most online schema tools need one.");
  warnings.push(...dialect.warnings(k));
  return {
    summary: `Create table ${table}`,
    strategy:
      "Single phase: creating a table is additive and old code ignores it." +
      (dialect.locksOthers(k) ? " The lock timeout guards the brief write lock on the referenced tables." : ""),
    phases: [
      finishPhase(ctx, {
        title: `Create ${table}`,
        kind: "expand",
        why: "A new table breaks nothing; deploy code that uses it afterwards.",
        statements: [create],
        rollback: [stmt(`DROP TABLE IF EXISTS ${t};`, dialect.dropLock, [table, ...referenced])],
        checks: [{ description: `${table} exists`, sql: dialect.existsSql(k) }, ...dialect.foreignKeyChecks(k)],
        estimate: estimate.catalogOnly(ctx),
      }),
    ],
    warnings,
  };
}

export const createTable: OperationRecipes<"create_table"> = {
  postgresql: (ctx) => plan(ctx, POSTGRESQL),
  mysql: (ctx) => plan(ctx, MYSQL),
};
