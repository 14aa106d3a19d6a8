/** FK violation: rows point at parents that do not exist, so VALIDATE CONSTRAINT (or ADD FOREIGN KEY) fails. */
import { lockTimeout } from "../../plan/sql.js";
import { lit, qi, qt, splitTable } from "./common.js";
import type { Diagnosis, DiagnosisInput, Query, RepairPhase } from "./types.js";

/** Rows whose reference is set but matches no parent. */
export function orphanWhere(input: DiagnosisInput, alias = "c"): string {
  const { engine, names } = input;
  const col = `${alias}.${qi(engine, names.columns[0])}`;
  return `${col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${qt(engine, names.refTable)} p WHERE p.${qi(engine, names.refColumn)} = ${col})`;
}

export function orphanCountSql(input: DiagnosisInput): string {
  const { engine, names } = input;
  const col = qi(engine, names.columns[0]);
  return `SELECT COUNT(*) AS orphans FROM ${qt(engine, names.table)} c LEFT JOIN ${qt(engine, names.refTable)} p ON p.${qi(engine, names.refColumn)} = c.${col} WHERE c.${col} IS NOT NULL AND p.${qi(engine, names.refColumn)} IS NULL;`;
}

export function orphanArchiveName(input: DiagnosisInput): string {
  return `${splitTable(input.names.table).table.toLowerCase()}_fk_orphans`;
}

/** The names and statements the repair is made of, spelled once for the steps, the migration and the queries. */
function repairSql(input: DiagnosisInput, pg: boolean) {
  const { engine, names } = input;
  const t = qt(engine, names.table);
  const col = qi(engine, names.columns[0]);
  const archive = qt(engine, orphanArchiveName(input));
  const c = qi(engine, names.constraintName);
  const moveOut = pg
    ? [`CREATE TABLE ${archive} AS SELECT c.* FROM ${t} c WHERE ${orphanWhere(input)};`]
    : [`CREATE TABLE ${archive} LIKE ${t};`, `INSERT INTO ${archive} SELECT c.* FROM ${t} c WHERE ${orphanWhere(input)};`];
  const pk = qi(engine, names.primaryKey);
  const deleteMoved = pg
    ? `DELETE FROM ${t} c USING ${archive} o WHERE c.${pk} = o.${pk};`
    : `DELETE c FROM ${t} c JOIN ${archive} o ON c.${pk} = o.${pk};`;
  const finish = pg
    ? `ALTER TABLE ${t} VALIDATE CONSTRAINT ${c};`
    : `ALTER TABLE ${t} ADD CONSTRAINT ${c} FOREIGN KEY (${col}) REFERENCES ${qt(engine, names.refTable)} (${qi(engine, names.refColumn)});`;
  return { t, col, archive, c, pk, moveOut, deleteMoved, finish };
}

/** The repair migration: move the orphans to an archive table, then validate (PostgreSQL) or add (MySQL) the key. */
function repairPhases(input: DiagnosisInput, pg: boolean, parts: ReturnType<typeof repairSql>): RepairPhase[] {
  const { engine, names } = input;
  const { t, archive, c, moveOut, deleteMoved, finish } = parts;
  const phases: RepairPhase[] = [
    {
      title: "Move the orphaned rows to an archive table",
      kind: "backfill",
      why: "The constraint cannot be validated while rows point nowhere. The rows are moved, not lost: the archive keeps them for someone to decide on.",
      statements: [...moveOut, deleteMoved].map((sql) => ({ sql, transaction: true, lock: pg ? "ROW EXCLUSIVE" : "row locks", lockedTables: [names.table], rewrite: false })),
      rollback: [
        { sql: `INSERT INTO ${t} SELECT * FROM ${archive};`, transaction: true, lock: pg ? "ROW EXCLUSIVE" : "row locks", rewrite: false },
        { sql: `DROP TABLE ${archive};`, transaction: true, lock: pg ? "ACCESS EXCLUSIVE" : "metadata lock", rewrite: false },
      ],
      checks: [{ description: "No orphaned rows are left", sql: orphanCountSql(input).replace("SELECT COUNT(*) AS orphans", "SELECT COUNT(*) = 0 AS ok") }],
    },
    {
      title: pg ? "Validate the constraint" : "Add the foreign key",
      kind: "verify",
      why: pg
        ? "VALIDATE CONSTRAINT scans the table under SHARE UPDATE EXCLUSIVE, which does not block reads or writes; in its own transaction it holds that lock no longer than the scan."
        : "With no orphans left, the foreign key can be added.",
      statements: [lockTimeout(engine, 5000), { sql: finish, transaction: true, lock: pg ? "SHARE UPDATE EXCLUSIVE" : "COPY, LOCK=SHARED", lockedTables: [names.table], rewrite: !pg, scan: true }],
      rollback: pg ? [] : [{ sql: `ALTER TABLE ${t} DROP FOREIGN KEY ${c};`, transaction: true, lock: "INPLACE, LOCK=NONE", rewrite: false }],
      checks: pg
        ? [{ description: "The constraint is validated", sql: `SELECT bool_and(convalidated) AS ok FROM pg_constraint WHERE conname = ${lit(names.constraintName)} AND conrelid = ${lit(t)}::regclass;` }]
        : [],
    },
  ];
  return phases;
}

function confirmQueries(input: DiagnosisInput, pg: boolean, parts: ReturnType<typeof repairSql>): Query[] {
  const { names } = input;
  const { t, col, pk } = parts;
  return [
    {
      purpose: "Count the orphaned rows (LEFT JOIN ... IS NULL)",
      sql: orphanCountSql(input),
      expect: "0 means the constraint will validate.",
    },
    {
      purpose: "List them (NOT EXISTS), with the missing parent value",
      sql: `SELECT c.${pk}, c.${col} FROM ${t} c WHERE ${orphanWhere(input)} ORDER BY c.${pk} LIMIT 100;`,
      expect: "Each row is an orphan; the second column is the parent key that does not exist.",
    },
    pg
      ? {
          purpose: "The constraint's definition and whether it is validated yet",
          sql: `SELECT conname, convalidated, pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE contype = 'f' AND conrelid = ${lit(t)}::regclass;`,
          expect: "convalidated = false: the constraint exists NOT VALID and only the old rows are unchecked.",
        }
      : {
          purpose: "The foreign keys the table has now",
          sql: `SELECT constraint_name, column_name, referenced_table_name, referenced_column_name FROM information_schema.key_column_usage WHERE table_schema = DATABASE() AND table_name = ${lit(splitTable(names.table).table)} AND referenced_table_name IS NOT NULL;`,
          expect: "The foreign key is absent: the ALTER that adds it failed and was rolled back.",
        },
  ];
}

export const fkViolation: Diagnosis = {
  id: "fk-violation",
  title: "Rows reference parents that do not exist (foreign key violation)",
  build(input) {
    const { engine, names } = input;
    const pg = engine === "postgresql";
    const parts = repairSql(input, pg);
    const { moveOut, deleteMoved, finish } = parts;
    const phases = repairPhases(input, pg, parts);
    return {
      id: this.id,
      title: this.title,
      summary: `Rows in ${names.table}.${names.columns[0]} point at ${names.refTable}.${names.refColumn} values that do not exist: find them with NOT EXISTS, decide, then validate.`,
      what: [
        pg
          ? `PostgreSQL raised SQLSTATE 23503 (foreign_key_violation). During a migration this comes from VALIDATE CONSTRAINT (or an ADD FOREIGN KEY without NOT VALID) finding rows in ${names.table} whose ${names.columns[0]} matches no ${names.refTable}.${names.refColumn}. A constraint added NOT VALID already checks new writes, so the orphans are old rows: written before the constraint, by a delete of parents without cascade, or by a bulk load.`
          : `MySQL raised error 1452 ("Cannot add or update a child row: a foreign key constraint fails") while adding the foreign key: rows in ${names.table} reference ${names.refTable} rows that do not exist. Rows written with foreign_key_checks=0 are not checked, which is how orphans usually get in. Earlier statements of the same migration stay applied: MySQL commits each DDL statement.`,
        "The constraint is right and the data is wrong; what to do with each orphan is a business decision. The repair below moves the orphans to an archive table so nothing is lost and the constraint can be validated; instead you may insert the missing parents, or set the reference to NULL where that is meaningful.",
      ],
      confirm: confirmQueries(input, pg, parts),
      repair: [
        { text: "Count and look at the orphans (queries above). Find out how they appeared before choosing what to do with them." },
        { text: "Decide per orphan: restore the missing parent, set the reference to NULL (if the column allows it and the meaning holds), or move the row out. The repair migration moves them to an archive table." },
        { text: "Move the orphans out, keeping every one of them in the archive:", sql: [...moveOut, deleteMoved].join("\n") },
        { text: pg ? "Validate the constraint in its own transaction:" : "Add the foreign key again:", sql: finish },
        { text: "Check that the archive holds exactly the rows that left the table, and tell whoever owns the data what is in it." },
      ],
      avoid: [
        "Do not drop the constraint to make the migration pass: the orphans stay and new ones follow.",
        "Do not delete orphans without a copy: they may be the only record of an order, a payment, a user action.",
        pg ? "Do not add the constraint again without NOT VALID on a large table: that takes SHARE ROW EXCLUSIVE on both tables for the whole scan." : "Do not set foreign_key_checks=0 to add the key: the orphans stay and the key then promises something false.",
      ],
      prevent: [
        pg ? "Add foreign keys NOT VALID first (new writes are checked at once), then VALIDATE in a separate migration after cleaning up." : "Add foreign keys when the table is created, and never load data with foreign_key_checks=0 without checking afterwards.",
        "Run the orphan count as the migration's pre-check.",
        "Delete parents with ON DELETE behaviour the model intends (CASCADE, SET NULL, RESTRICT), never by bypassing the key.",
      ],
      keyCommand: orphanCountSql(input),
      repairMigration: { slug: `fix_${splitTable(names.table).table.toLowerCase()}_orphans`, phases },
    };
  },
};
