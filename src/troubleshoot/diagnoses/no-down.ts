/** A migration has no down (or its down raises): it cannot be rolled back by the tool. */
import { historyQuery, toolFacts } from "../tools.js";
import { tableShapeQueries } from "./common.js";
import type { Diagnosis } from "./types.js";

const IDIOM: Record<string, string> = {
  rails: "Rails raises ActiveRecord::IrreversibleMigration for a `change` it cannot invert (remove_column without a type, execute) or an explicit raise in `down`.",
  django: "Django raises IrreversibleError for RunPython without reverse_code or RunSQL without reverse_sql. For a data step that needs no undo, reverse_code=migrations.RunPython.noop is the idiom.",
  alembic: "Alembic runs downgrade(); an empty `pass` silently does nothing, and a raise stops the downgrade.",
  flyway: "Flyway Community has no undo: U scripts need a paid edition. Roll back by writing a new forward V migration that reverses the change.",
  prisma: "Prisma Migrate has no down migrations: generate the reverse SQL with `prisma migrate diff` and run it, then mark the migration rolled back.",
  drizzle: "Drizzle Kit has no down migrations: write the reverse SQL and a new forward migration.",
  "golang-migrate": "golang-migrate needs a <version>_<name>.down.sql beside each up file; without it `migrate down` fails.",
};

export const noDown: Diagnosis = {
  id: "no-down",
  title: "A migration cannot be rolled back (no down)",
  build(input) {
    const { engine, tool } = input;
    const facts = toolFacts(tool);
    return {
      id: this.id,
      title: this.title,
      summary: "There is no down for this migration: write the reverse by hand (as a new forward migration where the tool has no down), or fix forward.",
      what: [
        "Down migrations are optional in most tools and missing in some (Flyway Community, Prisma, Drizzle). Some changes cannot be reversed at all: a dropped column or table, a data transformation that lost information, an enum value added in PostgreSQL.",
        IDIOM[tool ?? ""] ?? `${facts.name} can only undo what its migration tells it how to undo.`,
      ],
      confirm: [...historyQuery(tool, engine), ...tableShapeQueries(input)],
      repair: [
        { text: "Decide whether you need to go back at all: if the code can be fixed and deployed quickly, fixing forward is usually safer." },
        { text: "Write the reverse statements from the up: drop what it added, re-add what it removed (with the same types, defaults and constraints). Test them on a copy first." },
        { text: "Data the up removed cannot be recreated by SQL: restore it from a backup into a side table and copy it back, or use point-in-time recovery." },
        { text: "Run the reverse as a new forward migration (so history stays linear), or, where the tool supports downs, add the down and roll back.", command: facts.statusCommand },
      ],
      avoid: [
        "Do not edit the history table to pretend the migration never ran while its changes are still in the schema.",
        "Do not write a down that drops a column that now holds data without copying it first (see the lossy-rollback diagnosis).",
      ],
      prevent: [
        "Write and test the down with the up (apply, roll back, apply again in CI).",
        "Where a step is truly irreversible, say so in the migration (raise with the reason) and in the runbook, and take a backup right before.",
        "Use expand/contract so each phase is small and reversible.",
      ],
      keyCommand: facts.statusCommand,
    };
  },
};
