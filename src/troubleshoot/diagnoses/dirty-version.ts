/** The tool's history table marks a migration dirty or failed and refuses to go on. */
import { historyQuery, toolFacts } from "../tools.js";
import { tableShapeQueries } from "./common.js";
import type { Diagnosis, RepairStep } from "./types.js";

export const dirtyVersion: Diagnosis = {
  id: "dirty-version",
  title: "A dirty or failed version in the migration history",
  build(input) {
    const { engine, tool } = input;
    const pg = engine === "postgresql";
    const facts = toolFacts(tool);
    const v = input.failedVersion ?? "N";
    const prev = /^\d+$/.test(v) ? String(Number(v) - 1) : "<the version before it>";
    const what = [
      pg
        ? "A migration failed. On PostgreSQL its statements were rolled back if it ran in one transaction, but the tool's bookkeeping may still say otherwise."
        : "A migration failed. On MySQL every DDL statement commits on its own, so the statements before the failing one stay applied: the schema is between two versions.",
    ];
    const steps: RepairStep[] = [];
    switch (tool) {
      case "golang-migrate":
        what.push(`golang-migrate sets dirty = true in schema_migrations before it runs a file and clears it after. A failure leaves version ${v} dirty, and every later command stops with "Dirty database version ${v}. Fix and force version." It never guesses what ran: you must fix the schema by hand and then tell it the version the schema is really at.`);
        steps.push(
          { text: `Find which statements of ${v}.up.sql took effect (queries above).` },
          { text: `Either finish ${v} by hand and force ${v}, or undo what ran by hand and force ${prev}:`, command: `migrate -path migrations -database "$DATABASE_URL" force ${v}\n# or\nmigrate -path migrations -database "$DATABASE_URL" force ${prev}` },
          { text: "Then continue:", command: 'migrate -path migrations -database "$DATABASE_URL" up' },
        );
        break;
      case "flyway":
        what.push(`Flyway recorded the script as failed (success = false in flyway_schema_history)${pg ? " — on PostgreSQL it usually rolls back and records nothing, unless the script ran outside a transaction" : ""}. flyway migrate refuses to go on ("Detected failed migration to version ${v}") until the entry is removed. flyway repair removes failed entries and realigns checksums; it does not touch your schema.`);
        steps.push(
          { text: "Undo by hand what the failed script applied (queries above), or finish it by hand if you prefer to keep it." },
          { text: "Fix the script so it runs from the state you left, then remove the failed entry:", command: "flyway repair" },
          { text: "Run it again:", command: "flyway migrate" },
        );
        break;
      case "alembic":
        what.push("Alembic has no dirty flag: alembic_version moves only when a revision's transaction commits. On MySQL a failed revision can leave DDL applied while alembic_version still shows the revision before it.");
        steps.push(
          { text: "Bring the schema to one revision's state by hand (finish or undo the failed one)." },
          { text: "Tell Alembic which revision the schema is at, without running anything:", command: `alembic stamp ${input.failedVersion ?? "<revision>"}` },
          { text: "Continue:", command: "alembic upgrade head" },
        );
        break;
      case "django":
        what.push("Django records a migration in django_migrations only after it completes. On MySQL a failed migration can leave some operations applied without a row.");
        steps.push(
          { text: "Bring the schema to one migration's state by hand." },
          { text: "If the schema now matches the failed migration, record it without running it:", command: `python manage.py migrate <app> ${input.failedVersion ?? "<migration_name>"} --fake` },
          { text: "Continue:", command: "python manage.py migrate" },
        );
        break;
      default:
        what.push(`${facts.name} keeps its history in ${facts.historyTable?.(engine) ?? "no table"}. After a failure that history and the schema may disagree.`);
        steps.push(
          { text: "Bring the schema to one migration's state by hand (finish or undo the failed one)." },
          { text: `Make ${facts.name}'s history match: record it as applied, or clear the failed entry.`, command: `${facts.markApplied(v)}\n# or: ${facts.clearFailed(prev)}` },
          { text: "Continue with the tool's normal command.", command: facts.statusCommand },
        );
    }
    return {
      id: this.id,
      title: this.title,
      summary: `${facts.name} marks ${v} as dirty or failed: fix the schema by hand first, then ${steps.find((s) => s.command)?.command?.split("\n")[0] ?? "update the history"}.`,
      what,
      confirm: [...historyQuery(tool, engine), ...tableShapeQueries(input)],
      repair: steps,
      avoid: [
        "Do not force or repair the version before the schema really matches it: the tool will then skip or repeat statements.",
        "Do not delete the history table or the tool's lock to 'start fresh'.",
        "Do not edit an applied migration file to make it pass; write a new one (Flyway also checks checksums).",
      ],
      prevent: [
        engine === "mysql" ? "One DDL statement per migration on MySQL, so a failure never leaves a half-applied file." : "Keep non-transactional statements (CONCURRENTLY) in their own migration file.",
        "Set a short lock timeout in migrations so they fail before doing partial work at a busy moment.",
        "Rehearse on a copy of production data.",
      ],
      keyCommand: steps.find((s) => s.command)?.command?.split("\n")[0] ?? facts.statusCommand,
    };
  },
};
