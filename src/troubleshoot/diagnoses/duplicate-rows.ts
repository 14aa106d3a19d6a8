/** Unique violation: existing duplicates stop a unique index or constraint from being built. */
import { lockTimeout } from "../../plan/sql.js";
import { effect } from "../../plan/effects.js";
import { INVALID_INDEXES_SQL, lit, notNullAll, qi, qt } from "./common.js";
import type { Diagnosis, DiagnosisInput, Query, RepairPhase, RepairStep } from "./types.js";

/** The DELETE that removes only the extra copies: in each group of equal keys the row with the lowest primary key stays. */
export function dedupSql(input: DiagnosisInput): string {
  const { engine, names } = input;
  const t = qt(engine, names.table);
  const pk = qi(engine, names.primaryKey);
  // NULLs never compare equal, so rows with a NULL key are never deleted (a unique index allows them).
  const same = names.columns.map((c) => `a.${qi(engine, c)} = b.${qi(engine, c)}`).join(" AND ");
  return engine === "mysql"
    ? `DELETE a FROM ${t} a JOIN ${t} b ON ${same} AND a.${pk} > b.${pk};`
    : `DELETE FROM ${t} a USING ${t} b WHERE ${same} AND a.${pk} > b.${pk};`;
}

/** How many rows the dedup removes: for each duplicate group, all copies but one. */
export function extraCopiesSql(input: DiagnosisInput): string {
  const { engine, names } = input;
  const cols = names.columns.map((c) => qi(engine, c)).join(", ");
  return `SELECT COALESCE(SUM(copies - 1), 0) AS extra_copies FROM (SELECT COUNT(*) AS copies FROM ${qt(engine, names.table)} d WHERE ${notNullAll(engine, "d", names.columns)} GROUP BY ${cols} HAVING COUNT(*) > 1) g;`;
}

export function duplicateGroupsSql(input: DiagnosisInput): string {
  const { engine, names } = input;
  const cols = names.columns.map((c) => qi(engine, c)).join(", ");
  return `SELECT ${cols}, COUNT(*) AS copies, MIN(${qi(engine, names.primaryKey)}) AS kept_id FROM ${qt(engine, names.table)} d WHERE ${notNullAll(engine, "d", names.columns)} GROUP BY ${cols} HAVING COUNT(*) > 1 ORDER BY copies DESC LIMIT 100;`;
}

function backupSql(input: DiagnosisInput, backup: string): string[] {
  const { engine, names } = input;
  const t = qt(engine, names.table);
  const pk = qi(engine, names.primaryKey);
  const same = names.columns.map((c) => `a.${qi(engine, c)} = b.${qi(engine, c)}`).join(" AND ");
  const b = qt(engine, backup);
  // Keep a copy of exactly the rows the dedup deletes, so any of them can be put back.
  const select = `SELECT a.* FROM ${t} a WHERE EXISTS (SELECT 1 FROM ${t} b WHERE ${same} AND a.${pk} > b.${pk})`;
  return engine === "mysql"
    ? [`CREATE TABLE ${b} LIKE ${t};`, `INSERT INTO ${b} ${select};`]
    : [`CREATE TABLE ${b} AS ${select};`];
}

export const duplicateRows: Diagnosis = {
  id: "duplicate-rows",
  title: "Duplicate rows block a unique index or constraint",
  build(input) {
    const { engine, names } = input;
    const pg = engine === "postgresql";
    const backup = `${splitName(names.table)}_dedup_backup`;
    const confirm = confirmQueries(input, pg);
    const repair = repairSteps(input, pg, backup);
    const phases = repairPhases(input, pg, backup);

    return {
      id: this.id,
      title: this.title,
      summary: `Rows in ${names.table} share (${names.columns.join(", ")}): remove the extra copies, keep every other row, then build the unique index.`,
      what: [
        pg
          ? `PostgreSQL checks every existing row while it builds a unique index (SQLSTATE 23505, "could not create unique index ... is duplicated"). One duplicate group is enough to fail the whole build. A plain CREATE UNIQUE INDEX (or ADD CONSTRAINT ... UNIQUE) rolls back and leaves nothing; a CREATE UNIQUE INDEX CONCURRENTLY leaves an INVALID index behind (pg_index.indisvalid = false) that writes still maintain and that still rejects new duplicates.`
          : `MySQL checks every existing row while it adds a unique index (error 1062, "Duplicate entry ... for key"). The ALTER is rolled back and leaves nothing, but any earlier statement of the same migration stays applied: MySQL commits each DDL statement.`,
        "The duplicates came from a time when nothing enforced uniqueness: a race between two inserts, an import, or a bug. The fix removes only the extra copies of each duplicated key; a row that had no duplicate must never be touched. The classic mistake: `DELETE FROM t WHERE id NOT IN (SELECT MAX(id) FROM t GROUP BY key)` also deletes every row with a NULL key but one, because GROUP BY puts all NULLs in one group, while a unique index allows any number of NULLs.",
      ],
      confirm,
      repair,
      avoid: [
        "Do not retry the same CREATE UNIQUE INDEX: it fails again until the duplicates are gone.",
        pg ? "Do not add IF NOT EXISTS to get past the error: it silently keeps the INVALID index and the migration reports success." : "Do not use pt-online-schema-change to add the unique index over duplicates: its INSERT IGNORE copy silently drops the duplicate rows.",
        "Do not delete duplicates without a copy, and never delete by a rule that can match a row with no duplicate.",
        "Do not choose the row to keep by accident: if the copies differ in other columns, merge what matters first.",
      ],
      prevent: [
        "Add the unique index as early as the data model knows the key is unique.",
        "Before building a unique index, run the duplicate-count query in the migration's pre-check and fail early with the groups listed.",
        "Make inserts idempotent (INSERT ... ON CONFLICT DO NOTHING / ON DUPLICATE KEY UPDATE) so retries cannot create copies.",
      ],
      keyCommand: dedupSql(input),
      repairMigration: { slug: `dedup_${splitName(names.table)}`, phases },
    };
  },
};

/** The queries that show the duplicate groups, how many rows the repair deletes, and (PostgreSQL) the INVALID leftover. */
function confirmQueries(input: DiagnosisInput, pg: boolean): Query[] {
  const { names } = input;
  const index = names.indexName;
  const confirm: Query[] = [
    {
      purpose: `Groups of rows in ${names.table} that share (${names.columns.join(", ")})`,
      sql: duplicateGroupsSql(input),
      expect: "Each row is a value held by more than one row; kept_id is the row the repair keeps.",
    },
    {
      purpose: "How many rows the repair would delete (all copies but one per group; rows without a duplicate are never counted)",
      sql: extraCopiesSql(input),
      expect: "0 means no duplicates are left and the unique index can be built.",
    },
  ];
  if (pg) {
    confirm.push({
      purpose: "INVALID indexes left behind (a failed CREATE UNIQUE INDEX CONCURRENTLY leaves one, with indisvalid = false)",
      sql: INVALID_INDEXES_SQL,
      expect: `If ${index} is listed, drop it (step 1) before building it again; a plain CREATE INDEX that failed left nothing.`,
    });
  }
  return confirm;
}

function repairSteps(input: DiagnosisInput, pg: boolean, backup: string): RepairStep[] {
  const { engine, names } = input;
  const index = names.indexName;
  const repair: RepairStep[] = [];
  if (pg) {
    repair.push({
      text: `If the build used CONCURRENTLY, drop the INVALID leftover first. It is not used for reads but it is updated on every write, and it enforces uniqueness for new rows.`,
      sql: `DROP INDEX CONCURRENTLY IF EXISTS ${qi(engine, index)};`,
    });
  }
  repair.push(
    {
      text: "Decide which copy to keep. The repair below keeps the row with the lowest primary key in each group; if another row should win (the newest, the one with children), change the comparison. Check whether other tables reference the rows that go, and re-point those references to the kept row first.",
    },
    { text: "Keep a copy of the rows that will be deleted, so the repair can be undone.", sql: backupSql(input, backup).join("\n") },
    { text: "Delete only the extra copies. Rows that had no duplicate are untouched, and so are rows with a NULL key.", sql: dedupSql(input) },
    { text: "Run the count query again: it must return 0. Then stop new duplicates at the source (the application or a unique index) before they come back." },
    {
      text: pg
        ? "Build the unique index without blocking writes, then check it is valid."
        : "Build the unique index online.",
      sql: pg
        ? `CREATE UNIQUE INDEX CONCURRENTLY ${qi(engine, index)} ON ${qt(engine, names.table)} (${names.columns.map((c) => qi(engine, c)).join(", ")});\nSELECT indisvalid FROM pg_index WHERE indexrelid = ${lit(qt(engine, index))}::regclass;`
        : `ALTER TABLE ${qt(engine, names.table)} ADD UNIQUE INDEX ${qi(engine, index)} (${names.columns.map((c) => qi(engine, c)).join(", ")}), ALGORITHM=INPLACE, LOCK=NONE;`,
    },
  );
  if (pg) repair.push({ text: `To turn it into a constraint: ALTER TABLE ${qt(engine, names.table)} ADD CONSTRAINT ${qi(engine, names.constraintName)} UNIQUE USING INDEX ${qi(engine, index)};` });
  return repair;
}

/** The repair migration: remove the extra copies (kept in a backup table), then build the unique index. */
function repairPhases(input: DiagnosisInput, pg: boolean, backup: string): RepairPhase[] {
  const { engine, names } = input;
  const index = names.indexName;
  const phases: RepairPhase[] = [
    {
      title: "Remove the extra copies (a backup table keeps them)",
      kind: "backfill",
      why: "The unique index cannot be built while two rows share a key. Only the extra copies go; every row that had no duplicate stays.",
      statements: [...backupSql(input, backup), dedupSql(input)].map((sql) => ({ sql, transaction: true, lock: pg ? "ROW EXCLUSIVE" : "row locks", lockedTables: [names.table], rewrite: false })),
      rollback: [
        { sql: `INSERT INTO ${qt(engine, names.table)} SELECT * FROM ${qt(engine, backup)};`, transaction: true, lock: pg ? "ROW EXCLUSIVE" : "row locks", rewrite: false },
        { sql: `DROP TABLE ${qt(engine, backup)};`, transaction: true, lock: pg ? "ACCESS EXCLUSIVE" : "metadata lock", rewrite: false },
      ],
      checks: [{ description: "No duplicate keys are left", sql: extraCopiesSql(input).replace("SELECT COALESCE(SUM(copies - 1), 0) AS extra_copies", "SELECT COALESCE(SUM(copies - 1), 0) = 0 AS ok") }],
    },
  ];
  if (pg) {
    phases.push({
      title: "Build the unique index without blocking writes",
      kind: "expand",
      why: "CONCURRENTLY keeps writes flowing; it cannot run inside a transaction, so it has its own migration.",
      statements: [
        { sql: `DROP INDEX CONCURRENTLY IF EXISTS ${qi(engine, index)};`, transaction: false, lock: "SHARE UPDATE EXCLUSIVE", lockedTables: [names.table], rewrite: false, why: "Removes the INVALID leftover of the failed build, if there is one.", effects: [effect.dropIndex({ table: names.table, name: index }, true)] },
        { sql: `CREATE UNIQUE INDEX CONCURRENTLY ${qi(engine, index)} ON ${qt(engine, names.table)} (${names.columns.map((c) => qi(engine, c)).join(", ")});`, transaction: false, lock: "SHARE UPDATE EXCLUSIVE", lockedTables: [names.table], rewrite: false, effects: [effect.createIndex({ table: names.table, name: index, columns: names.columns, unique: true }, { concurrent: true, plain: true })] },
      ],
      rollback: [{ sql: `DROP INDEX CONCURRENTLY IF EXISTS ${qi(engine, index)};`, transaction: false, lock: "SHARE UPDATE EXCLUSIVE", rewrite: false, effects: [effect.dropIndex({ table: names.table, name: index }, true)] }],
      checks: [{ description: "The new index is valid", sql: `SELECT bool_and(indisvalid) AS ok FROM pg_index WHERE indexrelid = ${lit(qt(engine, index))}::regclass;` }],
    });
  } else {
    phases[0].statements.unshift(lockTimeout(engine, 5000));
  }
  return phases;
}

function splitName(table: string): string {
  return table.split(".").pop()!.toLowerCase();
}
