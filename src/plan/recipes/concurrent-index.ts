/**
 * Index builds and drops that do not block writes: PostgreSQL `CREATE/DROP INDEX CONCURRENTLY`
 * (with the `pg_index.indisvalid` check and the INVALID-index cleanup it needs), MySQL online DDL
 * (`ALGORITHM=INPLACE, LOCK=NONE`), and the plain forms for small tables where a short block is fine.
 * Shared by add_index, drop_index, add_unique_constraint, add_foreign_key and add_primary_key.
 */
import type { Engine } from "../../answers/schema.js";
import type { Capabilities } from "../../engines/index.js";
import type { RecipeContext } from "../context.js";
import type { Check, Statement } from "../model.js";
import { PlanError } from "../errors.js";
import { quoteIdent, quoteTable } from "../sql.js";
import { objectName } from "../names.js";
import { bareName, literal } from "./statements.js";
import { effect } from "../effects.js";
import * as estimate from "./estimate.js";

export interface IndexSpec {
  /** Table as the user wrote it, possibly schema-qualified. */
  table: string;
  /** Index name, unqualified (an index always lives in its table's schema). */
  name: string;
  columns: string[];
  unique?: boolean;
  method?: "btree" | "hash" | "gin" | "gist" | "brin";
  /** Partial index predicate (PostgreSQL only), as SQL. */
  where?: string;
}

/** The table's schema prefix (`billing.`) or "" for an unqualified table. */
function schemaPrefix(table: string): string {
  const dot = table.lastIndexOf(".");
  return dot < 0 ? "" : table.slice(0, dot + 1);
}

/** A default object name in PostgreSQL's own style (`orders_customer_id_idx`, `users_email_key`), or Prisma's under Prisma. */
export function defaultName(table: string, columns: string[], suffix: string): string {
  return objectName(table, columns, suffix);
}

/** The index name as DROP INDEX needs it: qualified with the table's schema, quoted. */
export function qualifiedIndex(engine: Engine, spec: Pick<IndexSpec, "table" | "name">): string {
  return quoteTable(engine, schemaPrefix(spec.table) + spec.name);
}

/**
 * Whether PostgreSQL should build the index concurrently. A plain build holds SHARE (writes wait)
 * for the whole build; that is only acceptable when the table is small and some downtime is allowed.
 */
export function useConcurrently(ctx: RecipeContext): boolean {
  return ctx.size !== "small" || ctx.answers.downtime_tolerance === "none";
}

function columnList(engine: Engine, columns: string[]): string {
  if (columns.length === 0) throw new PlanError("an index needs at least one column", "columns");
  return columns.map((c) => quoteIdent(engine, c)).join(", ");
}

/** Columns only: no method other than the default B-tree and no predicate. */
const plainSpec = (spec: IndexSpec) => (!spec.method || spec.method === "btree") && !spec.where;

function pgCreateIndexSql(spec: IndexSpec, concurrently: boolean): string {
  const unique = spec.unique ? "UNIQUE " : "";
  const conc = concurrently ? "CONCURRENTLY " : "";
  const using = spec.method && spec.method !== "btree" ? ` USING ${spec.method}` : "";
  const where = spec.where ? ` WHERE ${spec.where}` : "";
  return (
    `CREATE ${unique}INDEX ${conc}${quoteIdent("postgresql", spec.name)} ON ${quoteTable("postgresql", spec.table)}` +
    `${using} (${columnList("postgresql", spec.columns)})${where};`
  );
}

/** PostgreSQL `CREATE INDEX CONCURRENTLY`: SHARE UPDATE EXCLUSIVE, reads and writes continue. */
export function createIndexConcurrently(spec: IndexSpec): Statement {
  return {
    sql: pgCreateIndexSql(spec, true),
    transaction: false,
    lock: "SHARE UPDATE EXCLUSIVE",
    lockedTables: [spec.table],
    rewrite: false,
    scan: true,
    effects: [effect.createIndex(spec, { concurrent: true, plain: plainSpec(spec) })],
    why:
      "CONCURRENTLY builds the index in two table scans while reads and writes go on; it cannot run in a " +
      "transaction block and waits for transactions already running. No IF NOT EXISTS on purpose: it would " +
      "silently accept an INVALID index left by an earlier failed build.",
  };
}

/** PostgreSQL plain `CREATE INDEX`: SHARE for the whole build, writes wait. */
export function createIndexPlain(spec: IndexSpec): Statement {
  return {
    sql: pgCreateIndexSql(spec, false),
    transaction: true,
    lock: "SHARE",
    lockedTables: [spec.table],
    rewrite: false,
    scan: true,
    effects: [effect.createIndex(spec, { concurrent: false, plain: plainSpec(spec) })],
    why: "A plain build holds SHARE: reads go on, writes wait until it ends. Fine on a small table; it is quick and runs in a transaction.",
  };
}

/** PostgreSQL `DROP INDEX CONCURRENTLY`: waits for queries using the index instead of blocking the table. */
export function dropIndexConcurrently(spec: Pick<IndexSpec, "table" | "name">): Statement {
  return {
    sql: `DROP INDEX CONCURRENTLY IF EXISTS ${qualifiedIndex("postgresql", spec)};`,
    transaction: false,
    lock: "SHARE UPDATE EXCLUSIVE",
    lockedTables: [spec.table],
    rewrite: false,
    effects: [effect.dropIndex(spec, true)],
    why: "CONCURRENTLY marks the index dead, waits for queries still using it, then removes it, without blocking the table. It cannot run in a transaction block.",
  };
}

/** PostgreSQL plain `DROP INDEX`: ACCESS EXCLUSIVE on the table, but only for a moment. */
export function dropIndexPlain(spec: Pick<IndexSpec, "table" | "name">): Statement {
  return {
    sql: `DROP INDEX IF EXISTS ${qualifiedIndex("postgresql", spec)};`,
    transaction: true,
    lock: "ACCESS EXCLUSIVE",
    lockedTables: [spec.table],
    rewrite: false,
    effects: [effect.dropIndex(spec, false)],
    why: "A plain DROP INDEX takes ACCESS EXCLUSIVE on the table; it is instant once granted, hence the short lock timeout before it.",
  };
}

/** MySQL online index build: `ALGORITHM=INPLACE, LOCK=NONE` keeps reads and writes going. */
/** `hidden`: MySQL's `INVISIBLE` or MariaDB's `IGNORED`, to build the index hidden from the optimizer. */
export function mysqlAddIndex(spec: IndexSpec, hidden?: "INVISIBLE" | "IGNORED"): Statement {
  if (spec.method && spec.method !== "btree") {
    throw new PlanError(`InnoDB indexes are B-trees; method ${spec.method} is PostgreSQL only`, "details.method");
  }
  if (spec.where) throw new PlanError("MySQL has no partial indexes (WHERE)", "details.where");
  const kind = spec.unique ? "UNIQUE INDEX" : "INDEX";
  return {
    sql:
      `ALTER TABLE ${quoteTable("mysql", spec.table)} ADD ${kind} ${quoteIdent("mysql", spec.name)} ` +
      `(${columnList("mysql", spec.columns)})${hidden ? ` ${hidden}` : ""}, ALGORITHM=INPLACE, LOCK=NONE;`,
    transaction: true,
    lock: "INPLACE, LOCK=NONE",
    lockedTables: [spec.table],
    rewrite: false,
    scan: true,
    effects: [effect.createIndex(spec, { concurrent: false, plain: !hidden })],
    why:
      "Online DDL: InnoDB builds the index while reads and writes continue, taking an exclusive metadata lock " +
      "only briefly at the start and the end. Naming ALGORITHM and LOCK makes MySQL refuse rather than silently fall back to a blocking copy.",
  };
}

export function mysqlDropIndex(spec: Pick<IndexSpec, "table" | "name">): Statement {
  return {
    sql: `ALTER TABLE ${quoteTable("mysql", spec.table)} DROP INDEX ${quoteIdent("mysql", spec.name)}, ALGORITHM=INPLACE, LOCK=NONE;`,
    transaction: true,
    lock: "INPLACE, LOCK=NONE",
    lockedTables: [spec.table],
    rewrite: false,
    effects: [effect.dropIndex(spec, false)],
    why: "Dropping a secondary index is a metadata change in InnoDB; only a brief metadata lock is taken.",
  };
}

/** PostgreSQL: the index exists and is valid (a failed concurrent build leaves it INVALID). */
export function indexValidCheck(spec: Pick<IndexSpec, "table" | "name">): Check {
  const reg = literal(qualifiedIndex("postgresql", spec));
  return {
    description: `Index ${spec.name} exists and is valid (pg_index.indisvalid)`,
    sql: `SELECT coalesce((SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(${reg})), false) AS ok;`,
  };
}

/** PostgreSQL: no index of that name is left. */
export function indexGoneCheck(spec: Pick<IndexSpec, "table" | "name">): Check {
  return {
    description: `Index ${spec.name} no longer exists`,
    sql: `SELECT to_regclass(${literal(qualifiedIndex("postgresql", spec))}) IS NULL AS ok;`,
  };
}

/** MySQL: the index is present (or, with `present=false`, gone). */
export function mysqlIndexCheck(spec: Pick<IndexSpec, "table" | "name">, present = true): Check {
  const table = bareName(spec.table);
  const schema = spec.table.includes(".") ? literal(spec.table.slice(0, spec.table.lastIndexOf("."))) : "DATABASE()";
  return {
    description: present ? `Index ${spec.name} exists` : `Index ${spec.name} no longer exists`,
    sql:
      `SELECT COUNT(*) ${present ? ">" : "="} 0 AS ok FROM information_schema.STATISTICS ` +
      `WHERE TABLE_SCHEMA = ${schema} AND TABLE_NAME = ${literal(table)} AND INDEX_NAME = ${literal(spec.name)};`,
  };
}

/** What to do when a concurrent build fails: it leaves an INVALID index that still slows every write. */
export function invalidIndexAdvice(caps: Capabilities, spec: Pick<IndexSpec, "table" | "name">): string {
  const name = qualifiedIndex("postgresql", spec);
  const reindex = caps.has("reindexConcurrently")
    ? ` (on PostgreSQL 12+ \`REINDEX INDEX CONCURRENTLY ${name};\` rebuilds it in place instead)`
    : "";
  return (
    `If the concurrent build fails or is cancelled (deadlock, duplicate key, lock timeout, statement timeout), ` +
    `PostgreSQL leaves the index behind marked INVALID: it is not used by queries but still maintained on every write. ` +
    `Find it with \`SELECT indexrelid::regclass FROM pg_index WHERE NOT indisvalid;\`, drop it with ` +
    `\`DROP INDEX CONCURRENTLY IF EXISTS ${name};\`, fix the cause, and run the phase again${reindex}.`
  );
}

/** PostgreSQL 14.0-14.3 can silently corrupt indexes built or reindexed CONCURRENTLY (fixed in 14.4). */
export function concurrentIndexWarnings(caps: Capabilities): string[] {
  if (caps.has("concurrentIndexCorruptionBug")) {
    return [
      `PostgreSQL ${caps.version} has a bug (fixed in 14.4) that can silently corrupt indexes built with CREATE INDEX ` +
        `CONCURRENTLY or REINDEX CONCURRENTLY when rows are updated during the build. Upgrade to 14.4 or later first; ` +
        `if you cannot, build without CONCURRENTLY in a maintenance window, and check existing indexes with amcheck ` +
        `(\`bt_index_check\`) and rebuild any built concurrently on 14.0-14.3.`,
    ];
  }
  return [];
}

/** The index build estimate, with what the engine adds on top of the sort. */
export function indexBuildEstimate(engine: Engine, rows: number, concurrently: boolean): string {
  const extra =
    engine === "mysql"
      ? " InnoDB builds online; each replica then replays the ALTER in one piece and lags by about as long."
      : concurrently
        ? " CONCURRENTLY also first waits for every transaction already running, so a long transaction delays the start."
        : " Writes wait for the whole build.";
  return estimate.indexBuild(rows) + extra;
}
