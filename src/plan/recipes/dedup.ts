/**
 * The dedup step before a unique constraint: remove ONLY the extra copies of each duplicated key.
 *
 * 1. A map table lists each extra copy (`dup_id`) with the row kept for its key (`keep_id`, the oldest or
 *    newest by primary key). Rows whose key has no duplicate never appear in it, and neither do rows with
 *    a NULL in any key column: NULLs are distinct under a unique constraint.
 * 2. The copies are row-locked (on MySQL in a transaction of its own), so no child row can start pointing at one; child rows
 *    (`details.referenced_by`, and on PostgreSQL every foreign key in the catalog) are re-pointed from each
 *    copy to the kept row.
 * 3. The copies are archived, then deleted by primary key through the map.
 * Every statement is driven by the map, so a run touches nothing else, and a second run finds nothing.
 */
import type { Engine } from "../../answers/schema.js";
import type { RecipeContext } from "../context.js";
import type { Check, Statement } from "../model.js";
import { PlanError } from "../errors.js";
import { constraintName, quoteIdent, quoteTable } from "../sql.js";
import { bareName, stmt } from "./statements.js";

export interface DedupSpec {
  table: string;
  /** The columns that must become unique. */
  columns: string[];
  /** Primary key column used to identify rows (details.primary_key, default id). */
  primaryKey: string;
  keep: "keep-oldest" | "keep-newest";
  /** Child references as `table(column)`. */
  referencedBy: string[];
}

export interface ChildRef {
  table: string;
  column: string;
}

export function parseChildRef(ref: string): ChildRef {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_$]*(?:\.[A-Za-z_][A-Za-z0-9_$]*)?)\s*\(\s*([A-Za-z_][A-Za-z0-9_$]*)\s*\)\s*$/.exec(ref);
  if (!m) throw new PlanError(`"${ref}" is not table(column), e.g. order_items(product_id)`, "details.referenced_by");
  return { table: m[1], column: m[2] };
}

/** Names of the working tables, next to the table (same schema). */
export function dedupTables(table: string): { map: string; archive: string } {
  const dot = table.lastIndexOf(".");
  const schema = dot < 0 ? "" : table.slice(0, dot + 1);
  return {
    map: schema + constraintName(bareName(table), "dedup_map"),
    archive: schema + constraintName(bareName(table), "dedup_archive"),
  };
}

/** `SELECT`: one row per extra copy (dup_id, keep_id). Rows with a NULL key column never match. */
function copiesQuery(engine: Engine, spec: DedupSpec): string {
  const q = (n: string) => quoteIdent(engine, n);
  const t = quoteTable(engine, spec.table);
  const pk = q(spec.primaryKey);
  const cols = spec.columns.map(q);
  const agg = spec.keep === "keep-newest" ? "max" : "min";
  const notNull = cols.map((c) => `${c} IS NOT NULL`).join(" AND ");
  const join = cols.map((c) => `t.${c} = k.${c}`).join(" AND ");
  return (
    `SELECT t.${pk} AS dup_id, k.keep_id FROM ${t} t JOIN (` +
    `SELECT ${cols.join(", ")}, ${agg}(${pk}) AS keep_id FROM ${t} WHERE ${notNull} GROUP BY ${cols.join(", ")} HAVING count(*) > 1` +
    `) k ON ${join} WHERE t.${pk} <> k.keep_id`
  );
}

/** The dedup statements, in order. They belong in one transaction (one phase). */
export function dedupStatements(ctx: RecipeContext, spec: DedupSpec): Statement[] {
  const engine = ctx.engine;
  const q = (n: string) => quoteIdent(engine, n);
  const t = quoteTable(engine, spec.table);
  const pk = q(spec.primaryKey);
  const names = dedupTables(spec.table);
  const map = quoteTable(engine, names.map);
  const archive = quoteTable(engine, names.archive);
  const never = engine === "mysql" ? "1 = 0" : "false";
  // MySQL names row-level work "ROW LOCKS" and DDL "metadata lock"; PostgreSQL names the table lock mode.
  const dml = engine === "mysql" ? "ROW LOCKS" : "ROW EXCLUSIVE";
  const read = engine === "mysql" ? "metadata lock" : "ACCESS SHARE";
  const archiveCreate =
    engine === "mysql"
      ? `CREATE TABLE IF NOT EXISTS ${archive} LIKE ${t};`
      : `CREATE TABLE IF NOT EXISTS ${archive} AS SELECT * FROM ${t} WHERE false;`;
  const out: Statement[] = [
    stmt(
      `CREATE TABLE IF NOT EXISTS ${map} AS SELECT ${pk} AS dup_id, ${pk} AS keep_id FROM ${t} WHERE ${never};`,
      read,
      [spec.table],
      { why: "A working table, empty: it takes the primary key's type. The map is what every later statement is driven by." },
    ),
    stmt(archiveCreate, read, [spec.table], {
      why: "Keep the deleted copies: the archive is the only way back. Both working tables are created before any row changes, because MySQL DDL commits implicitly.",
    }),
    stmt(`DELETE FROM ${map};`, dml, [names.map], { why: "Start from an empty map so a re-run sees only current duplicates." }),
    stmt(`INSERT INTO ${map} (dup_id, keep_id) ${copiesQuery(engine, spec)};`, dml, [names.map], {
      scan: true,
      why:
        `Lists only the extra copies: for each key with more than one row, every row except the ${spec.keep === "keep-newest" ? "newest" : "oldest"} ` +
        "(by primary key). Keys with a single row, and rows with a NULL in any key column (NULLs never collide in a unique index), are not listed.",
    }),
  ];
  const locked = engine === "postgresql" ? { open: [lockCopies(spec, names.map)], close: [] } : mysqlLockCopies(spec, names.map);
  out.push(...locked.open);
  for (const ref of spec.referencedBy.map(parseChildRef)) {
    const child = quoteTable(engine, ref.table);
    const col = q(ref.column);
    const sql =
      engine === "mysql"
        ? `UPDATE ${child} c JOIN ${map} m ON c.${col} = m.dup_id SET c.${col} = m.keep_id;`
        : `UPDATE ${child} c SET ${col} = m.keep_id FROM ${map} m WHERE c.${col} = m.dup_id;`;
    out.push(
      stmt(sql, dml, [ref.table], {
        why: `Re-point ${ref.table}.${ref.column} from each copy to the kept row first, so deleting the copy loses no child row and violates no foreign key.`,
      }),
    );
  }
  if (engine === "postgresql") out.push(repointFromCatalog(spec, names.map));
  out.push(
    stmt(`INSERT INTO ${archive} SELECT t.* FROM ${t} t JOIN ${map} m ON t.${pk} = m.dup_id;`, dml, [names.archive], {
      why: "Copy each row about to be deleted into the archive.",
    }),
    stmt(
      engine === "mysql"
        ? `DELETE t FROM ${t} t JOIN ${map} m ON t.${pk} = m.dup_id;`
        : `DELETE FROM ${t} t USING ${map} m WHERE t.${pk} = m.dup_id;`,
      dml,
      [spec.table],
      { why: "Delete exactly the rows in the map, by primary key: never a row whose key had no duplicate, never a kept row." },
    ),
  );
  out.push(...locked.close);
  return out;
}

/**
 * PostgreSQL: the copies are row-locked (FOR UPDATE, in key order) before any child row is re-pointed. A
 * foreign-key check on a child insert or update takes FOR KEY SHARE on the row it names, which FOR UPDATE
 * excludes: without this lock, a child row written between the re-pointing and the DELETE would name a copy
 * and be deleted with it by ON DELETE CASCADE (measured under traffic: 142 to 240 committed rows lost in one
 * run). With it, such a write waits for the phase and then fails on its key, loudly, and every child row
 * committed before the lock is re-pointed.
 */
function lockCopies(spec: DedupSpec, mapTable: string): Statement {
  const t = quoteTable("postgresql", spec.table);
  const pk = quoteIdent("postgresql", spec.primaryKey);
  const map = quoteTable("postgresql", mapTable);
  return stmt(`SELECT count(*) AS locked FROM (SELECT 1 FROM ${t} t JOIN ${map} m ON t.${pk} = m.dup_id ORDER BY t.${pk} FOR UPDATE OF t) copies;`, "ROW SHARE", [spec.table], {
    why:
      "Locks the copies about to be deleted (only those rows) until the phase commits, before re-pointing their children: a child row written " +
      "meanwhile cannot name a copy (its foreign-key check waits, then fails), so none can be deleted by ON DELETE CASCADE or left orphaned.",
  });
}

/**
 * MySQL/MariaDB: the same lock as lockCopies, in a transaction of its own (a migration file runs in autocommit,
 * where a lock ends with its statement). An InnoDB foreign-key check on a child insert takes a shared lock on the
 * parent row it names, which FOR UPDATE excludes: without this, a child row inserted after the re-pointing names a
 * copy and is deleted with it by ON DELETE CASCADE (measured on MariaDB 10.11 under 4 writers: 5,261 committed rows
 * lost in one run). The map is filled before, in autocommit, so its scan's shared locks are not held through the phase.
 */
function mysqlLockCopies(spec: DedupSpec, mapTable: string): { open: Statement[]; close: Statement[] } {
  const t = quoteTable("mysql", spec.table);
  const pk = quoteIdent("mysql", spec.primaryKey);
  const map = quoteTable("mysql", mapTable);
  const open = [
    stmt("START TRANSACTION;", "ROW LOCKS", [spec.table], { why: "Re-pointing, archiving and deleting run in one transaction, so the copies stay locked until it commits." }),
    // STRAIGHT_JOIN reads the map first and finds each copy by its primary key: only the copies are locked, not the rows a scan would pass.
    stmt(`SELECT COUNT(*) AS locked FROM ${map} m STRAIGHT_JOIN ${t} t ON t.${pk} = m.dup_id FOR UPDATE;`, "ROW LOCKS", [spec.table], {
      why:
        "Locks the copies about to be deleted (only those rows, looked up by primary key) until the transaction commits, before re-pointing their " +
        "children: a child row written meanwhile cannot name a copy (its foreign-key check waits, then fails with error 1452), so none can be " +
        "deleted by ON DELETE CASCADE or left orphaned.",
    }),
  ];
  const close = [stmt("COMMIT;", "ROW LOCKS", [spec.table], { why: "Ends the transaction: the copies' locks are released, and a child insert that waited on one fails on its key." })];
  return { open, close };
}

/**
 * PostgreSQL: every foreign key that references the table, found in the catalog when the phase runs (not
 * only the ones the answers named), has its rows re-pointed from each copy to the kept row, whatever key
 * it references. A multi-column foreign key stops the phase with an error before any row is deleted
 * (the whole phase is one transaction). Without this, deleting a copy would orphan its children, fail on
 * the key, or silently delete them through ON DELETE CASCADE.
 */
function repointFromCatalog(spec: DedupSpec, mapTable: string): Statement {
  const t = quoteTable("postgresql", spec.table);
  const pk = quoteIdent("postgresql", spec.primaryKey);
  const map = quoteTable("postgresql", mapTable);
  const tableText = t.replace(/'/g, "''");
  const body = [
    "DECLARE",
    "  fk record;",
    "BEGIN",
    // The phase's DELETE takes this lock anyway; taking it first makes the step's claim the same whatever the catalog holds.
    `  LOCK TABLE ${t} IN ROW EXCLUSIVE MODE;`,
    "  FOR fk IN",
    "    SELECT c.conname, c.conrelid::regclass AS child, array_length(c.conkey, 1) AS width,",
    "           (SELECT attname FROM pg_attribute WHERE attrelid = c.conrelid AND attnum = c.conkey[1]) AS col,",
    "           (SELECT attname FROM pg_attribute WHERE attrelid = c.confrelid AND attnum = c.confkey[1]) AS refcol",
    `    FROM pg_constraint c WHERE c.contype = 'f' AND c.confrelid = '${tableText}'::regclass`,
    "  LOOP",
    "    IF fk.width <> 1 THEN",
    "      RAISE EXCEPTION 'dedup stopped before deleting anything: foreign key % on % has % columns; re-point its rows to the kept rows by hand (see the map table), then run this phase again', fk.conname, fk.child, fk.width;",
    "    END IF;",
    "    EXECUTE format(",
    `      'UPDATE %s c SET %I = kept.%I FROM ${map.replace(/'/g, "''")} m JOIN ${tableText.replace(/'/g, "''")} dup ON dup.${pk} = m.dup_id JOIN ${tableText.replace(/'/g, "''")} kept ON kept.${pk} = m.keep_id WHERE c.%I = dup.%I',`,
    "      fk.child, fk.col, fk.refcol, fk.col, fk.refcol);",
    "  END LOOP;",
    "END",
  ].join("\n");
  const named = spec.referencedBy.map((r) => parseChildRef(r).table);
  return stmt(`DO $repoint$\n${body}\n$repoint$;`, "ROW EXCLUSIVE", [spec.table, ...named], {
    why:
      `Finds every foreign key that references ${spec.table} in the catalog as it runs, and re-points its child rows from each copy to the kept row ` +
      "(ROW EXCLUSIVE on each child table), so no child row is orphaned or deleted by ON DELETE CASCADE. A multi-column foreign key stops the " +
      "phase here, before anything is deleted. Child columns that point at this table without a foreign key cannot be found: name them in referenced_by.",
  });
}

/** After dedup: no key appears twice (NULL keys excluded, as the unique index will). */
export function noDuplicatesCheck(engine: Engine, spec: Pick<DedupSpec, "table" | "columns">): Check {
  const cols = spec.columns.map((c) => quoteIdent(engine, c));
  return {
    description: `No two rows of ${spec.table} share (${spec.columns.join(", ")}) (rows with a NULL key are ignored, as the unique index will)`,
    sql:
      `SELECT NOT EXISTS (SELECT 1 FROM ${quoteTable(engine, spec.table)} WHERE ${cols.map((c) => `${c} IS NOT NULL`).join(" AND ")} ` +
      `GROUP BY ${cols.join(", ")} HAVING count(*) > 1) AS ok;`,
  };
}

/** After dedup: no child row points at a deleted copy. */
export function noOrphansChecks(engine: Engine, spec: DedupSpec): Check[] {
  const map = quoteTable(engine, dedupTables(spec.table).map);
  return spec.referencedBy.map(parseChildRef).map((ref) => ({
    description: `No row of ${ref.table} still points at a deleted copy`,
    sql:
      `SELECT NOT EXISTS (SELECT 1 FROM ${quoteTable(engine, ref.table)} c JOIN ${map} m ` +
      `ON c.${quoteIdent(engine, ref.column)} = m.dup_id) AS ok;`,
  }));
}
