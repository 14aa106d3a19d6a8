/** The down would destroy data written since the up (drop a column or table that now holds data). */
import { lit, qi, qt, splitTable } from "./common.js";
import type { Diagnosis, RepairPhase } from "./types.js";

export const lossyRollback: Diagnosis = {
  id: "lossy-rollback",
  title: "A rollback that would lose data",
  build(input) {
    const { engine, names } = input;
    const pg = engine === "postgresql";
    const t = qt(engine, names.table);
    const col = qi(engine, names.columns[0]);
    const pk = qi(engine, names.primaryKey);
    const backupName = `${splitTable(names.table).table.toLowerCase()}_${names.columns[0].toLowerCase()}_rollback_copy`;
    const backup = qt(engine, backupName);
    const copy = `CREATE TABLE ${backup} AS SELECT ${pk}, ${col} FROM ${t} WHERE ${col} IS NOT NULL;`;
    const countSql = `SELECT COUNT(*) AS rows_with_data FROM ${t} WHERE ${col} IS NOT NULL;`;
    const phases: RepairPhase[] = [
      {
        title: `Keep a copy of ${names.columns[0]} before the rollback drops it`,
        kind: "backfill",
        why: "The down drops data written since the up ran. A copy keyed by the primary key lets you put it back if the rollback turns out to be wrong.",
        statements: [{ sql: copy, transaction: true, lock: pg ? "ACCESS SHARE" : "row locks", lockedTables: [names.table], rewrite: false, scan: true }],
        rollback: [{ sql: `DROP TABLE ${backup};`, transaction: true, lock: pg ? "ACCESS EXCLUSIVE" : "metadata lock", rewrite: false }],
        checks: [
          {
            description: "The copy holds every row that has data",
            sql: `SELECT (SELECT COUNT(*) FROM ${backup}) = (SELECT COUNT(*) FROM ${t} WHERE ${col} IS NOT NULL) AS ok;`,
          },
        ],
      },
    ];
    return {
      id: this.id,
      title: this.title,
      summary: `Rolling back would drop ${names.table}.${names.columns[0]} and the data written to it since: copy it out first, or fix forward.`,
      what: [
        "A down that drops what the up added is correct right after the up, and destructive later: the application has been writing to the new column or table. Rolling back then deletes real data, and rolling forward again brings back an empty column.",
        "Likewise, reversing a type change to a narrower type truncates or fails, and reversing a data migration cannot restore what the up overwrote.",
      ],
      confirm: [
        { purpose: `How many rows hold data in ${names.columns[0]}`, sql: countSql, expect: "More than 0: the rollback destroys that many values." },
        {
          purpose: `The column's definition`,
          sql: pg
            ? `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = ${splitTable(names.table).schema ? lit(splitTable(names.table).schema!) : "current_schema()"} AND table_name = ${lit(splitTable(names.table).table)} AND column_name = ${lit(names.columns[0])};`
            : `SELECT column_name, column_type, is_nullable FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ${lit(splitTable(names.table).table, "mysql")} AND column_name = ${lit(names.columns[0], "mysql")};`,
          expect: "The column exists: the down would drop it.",
        },
      ],
      repair: [
        { text: "Prefer fixing forward: deploy a code fix and keep the schema." },
        { text: "If you must roll back, copy the data out first:", sql: copy },
        { text: "Check the copy holds every row with data, then run the down." },
        { text: "If the column comes back later, restore the values from the copy by primary key:", sql: pg ? `UPDATE ${t} t SET ${col} = c.${col} FROM ${backup} c WHERE t.${pk} = c.${pk};` : `UPDATE ${t} t JOIN ${backup} c ON t.${pk} = c.${pk} SET t.${col} = c.${col};` },
      ],
      avoid: [
        "Do not run a down migration in production without reading what it drops.",
        "Do not count on a backup you have not restored recently; for data that must not be lost, have point-in-time recovery in place before the change.",
      ],
      prevent: [
        "Roll back phase by phase, and only through phases that changed no data; past a data-changing phase, fix forward.",
        "Make destructive downs refuse to run when the column has data (a check that raises), so a rollback needs a deliberate step.",
      ],
      keyCommand: copy,
      repairMigration: { slug: `keep_${backupName}`, phases },
    };
  },
};
