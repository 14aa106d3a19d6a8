/** The tool's history and the schema disagree: objects exist that the history says were never created, or the reverse. */
import { historyQuery, toolFacts } from "../tools.js";
import { tableShapeQueries } from "./common.js";
import type { Diagnosis } from "./types.js";

export const historyOutOfSync: Diagnosis = {
  id: "history-out-of-sync",
  title: "The migration history is out of sync with the schema",
  build(input) {
    const { engine, tool } = input;
    const facts = toolFacts(tool);
    const v = input.failedVersion ?? "<version>";
    const specific: Record<string, string> = {
      django: "Django: InconsistentMigrationHistory means a migration is recorded as applied before one it depends on. Record the dependency with `migrate <app> <name> --fake` if its changes exist, or remove the wrong row from django_migrations if they do not.",
      flyway: "Flyway: a checksum mismatch means an applied script was edited; put the original back, or, if the edit changed nothing that ran, `flyway repair` realigns the checksums. 'Resolved migration not applied' means an older version arrived after newer ones: run with -outOfOrder=true once, or renumber it.",
      "node-pg-migrate": "node-pg-migrate: 'Not run migration X is preceding already run migration Y' means a file with an older timestamp arrived after newer ones ran; run with --no-check-order once, or rename it to a newer timestamp.",
      alembic: "Alembic: alembic_version names the revision the database is at; `alembic stamp <rev>` sets it without running anything.",
    };
    return {
      id: this.id,
      title: this.title,
      summary: `${facts.name}'s history and the schema disagree: establish what the schema really has, then align the history (not the schema) to it.`,
      what: [
        `The history table says which migrations ran; the schema says what exists. Errors like "relation already exists" (PostgreSQL 42P07, 42701 for a column), "Duplicate column name" (MySQL 1060) or the tool's own consistency errors mean the two disagree: an object was created by hand or by another branch, a database was restored from a backup taken mid-deploy, or history rows were edited.`,
        specific[tool ?? ""] ?? `${facts.name} trusts its history table; it does not look at the schema.`,
      ],
      confirm: [...historyQuery(tool, engine), ...tableShapeQueries(input)],
      repair: [
        { text: "For each migration around the failure, compare what it creates with the schema queries: applied, not applied, or partly applied." },
        { text: "Partly applied ones: finish or undo them by hand first (see the failed-halfway diagnosis)." },
        { text: "Record the ones whose changes exist as applied, without running them:", command: facts.markApplied(v) },
        { text: "Then run the tool normally; the next migrations must apply cleanly.", command: facts.statusCommand },
      ],
      avoid: [
        "Do not drop the objects that 'already exist' just to let the migration create them again: they may hold data.",
        "Do not truncate the history table and re-baseline unless every environment is rebuilt the same way.",
      ],
      prevent: [
        "Only the migration tool changes the schema in shared environments.",
        "Never edit a migration after it ran anywhere but your machine.",
        "After a restore, compare the history with the schema before deploying.",
      ],
      keyCommand: facts.markApplied(v),
    };
  },
};
