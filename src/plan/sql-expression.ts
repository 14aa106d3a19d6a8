/**
 * The check of free-text SQL fields (sql-fields.ts lists them) against PostgreSQL's own parser:
 * libpg-query, compiled to WASM, loaded lazily (it cannot be bundled) and only when a plan has such a field.
 * Each field is parsed inside a fixed statement shape and must leave that shape exactly as it was.
 */
import type { Answers } from "../answers/schema.js";
import { basicProblems, excerpt, freeSqlFields, isPlainLiteral, mysqlProblem, SqlFieldError, type SqlField, type SqlShape } from "./sql-fields.js";

type PgQuery = typeof import("libpg-query");
let pgQuery: Promise<PgQuery> | undefined;

/** libpg-query, loaded once and only when a PostgreSQL plan has free-text SQL. */
export function loadPgParser(): Promise<PgQuery> {
  pgQuery ??= import("libpg-query").then(async (m) => {
    const mod = ((m as { default?: PgQuery }).default?.loadModule ? (m as { default: PgQuery }).default : m) as PgQuery;
    await mod.loadModule();
    return mod;
  });
  return pgQuery;
}

const SHAPES: Record<SqlShape, { prefix: string; suffix: string }> = {
  expression: { prefix: "SELECT (", suffix: ")" },
  assignments: { prefix: "UPDATE mw_t SET ", suffix: "" },
  exclusion: { prefix: "ALTER TABLE mw_t ADD CONSTRAINT mw_c EXCLUDE ", suffix: "" },
};

// Nodes that write, lock or leave the expression: none of them belongs in a check, a default or a predicate.
const FORBIDDEN = /"(InsertStmt|UpdateStmt|DeleteStmt|MergeStmt|intoClause|lockingClause|CopyStmt|CallStmt|DoStmt)"/;

/** The first problem in the field as PostgreSQL SQL, or undefined. */
export function pgProblem(pg: PgQuery, f: SqlField): string | undefined {
  const basic = basicProblems(f);
  if (basic) return basic;
  const comment = commentIn(pg, f.text);
  if (comment !== undefined) return `has a comment at ${excerpt(f.text, comment)}`;
  const { prefix, suffix } = SHAPES[f.shape];
  const sql = prefix + f.text + suffix;
  let tree: ReturnType<PgQuery["parseSync"]>;
  try {
    tree = pg.parseSync(sql);
  } catch (e) {
    const at = ((e as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition ?? prefix.length) - prefix.length;
    const msg = (e as Error).message.replace(/ at or near .*$/, "");
    return `is not ${what(f.shape)} (${msg}) at ${excerpt(f.text, Math.min(Math.max(at - 1, 0), f.text.length - 1))}`;
  }
  const stmts = tree.stmts ?? [];
  if (stmts.length !== 1) {
    const end = (stmts[0]?.stmt_len ?? prefix.length) - prefix.length;
    return `is more than ${what(f.shape)}: it ends a statement and starts another at ${excerpt(f.text, Math.max(end, 0))}`;
  }
  const json = JSON.stringify(stmts[0].stmt);
  const node = shapeNode(f.shape, stmts[0].stmt as Record<string, unknown>);
  if (!node) return `is not ${what(f.shape)}`;
  const bad = FORBIDDEN.exec(json.slice(json.indexOf("{", 1)));
  if (bad) return `may only read: it has ${bad[1].replace(/Stmt$|Clause$/, "")} inside`;
  return undefined;
}

/** Where the first comment starts, if any. The scanner throws on text it cannot finish (an open quote): the parse reports that. */
function commentIn(pg: PgQuery, text: string): number | undefined {
  try {
    return pg.scanSync(text).tokens.find((t) => t.tokenName === "SQL_COMMENT" || t.tokenName === "C_COMMENT")?.start;
  } catch {
    return undefined;
  }
}

const what = (shape: SqlShape) => (shape === "expression" ? "one SQL expression" : shape === "assignments" ? "one SET list" : "one EXCLUDE body");

/** The statement's node when it still has exactly the shape it was parsed in. */
function shapeNode(shape: SqlShape, stmt: Record<string, unknown>): unknown {
  if (shape === "expression") {
    const s = stmt.SelectStmt as Record<string, unknown> | undefined;
    const only = s && Object.keys(s).every((k) => ["targetList", "limitOption", "op"].includes(k));
    return only && (s.targetList as unknown[]).length === 1 ? s : undefined;
  }
  if (shape === "assignments") {
    const u = stmt.UpdateStmt as Record<string, unknown> | undefined;
    return u && Object.keys(u).every((k) => ["relation", "targetList"].includes(k)) ? u : undefined;
  }
  const a = stmt.AlterTableStmt as Record<string, unknown> | undefined;
  return a && (a.cmds as unknown[]).length === 1 ? a : undefined;
}

/** Throws SqlFieldError naming the first field that is not one expression of the engine. */
export async function checkSqlFields(answers: Answers): Promise<void> {
  const fields = freeSqlFields(answers).filter((f) => !isPlainLiteral(f.text));
  if (!fields.length) return;
  const pg = answers.engine === "postgresql" ? await loadPgParser() : undefined;
  for (const f of fields) {
    const problem = pg ? pgProblem(pg, f) : mysqlProblem(f);
    if (problem) throw new SqlFieldError(f.path, `${f.path} ${problem}`);
  }
}
