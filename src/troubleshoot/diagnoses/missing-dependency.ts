/** A migration depends on one that was deleted or never reached this checkout. */
import { toolFacts } from "../tools.js";
import type { Diagnosis, RepairStep } from "./types.js";

export const missingDependency: Diagnosis = {
  id: "missing-dependency",
  title: "A migration depends on one that was deleted",
  build(input) {
    const { tool, engine } = input;
    const facts = toolFacts(tool);
    const v = input.failedVersion ?? "<missing revision>";
    const specific: Record<string, RepairStep[]> = {
      alembic: [
        { text: "Find which revision names the missing one as down_revision:", command: `grep -rn "${v}" migrations/versions/ alembic/versions/ 2>/dev/null` },
        { text: "If the database is at the missing revision, stamp it to the revision that replaced it (after checking the schema matches):", command: "alembic stamp <existing revision>" },
      ],
      django: [
        { text: "The error names the migration and its missing dependency. Restore the file, or point `dependencies` at the migration that replaced it (a squashed migration lists what it `replaces`)." },
        { text: "If the database recorded the deleted migration, keep its row; if the replacement is already applied in effect, record it:", command: "python manage.py migrate <app> <replacement> --fake" },
      ],
      flyway: [
        { text: "\"Detected applied migration not resolved locally\": the file of an applied version is gone. Restore it, or, if removing it was intended, tell Flyway to ignore missing ones and repair:", command: "flyway repair -ignoreMigrationPatterns='*:missing'" },
      ],
      knex: [
        { text: "\"The migration directory is corrupt, the following files are missing\": restore the file named (it is in git history), or delete its row from knex_migrations if it was never needed." },
      ],
      "golang-migrate": [
        { text: "\"no migration found for version N\": the database is at a version whose file is gone. Restore the file pair, or force the version to the newest existing file whose schema matches:", command: 'migrate -path migrations -database "$DATABASE_URL" force <existing version>' },
      ],
    };
    const steps: RepairStep[] = [
      { text: "Find the deleted file in version control and who deleted it:", command: "git log --diff-filter=D --name-only --oneline -- <migrations folder>" },
      ...(specific[tool ?? ""] ?? [{ text: `Restore the deleted file, or re-point the dependent migration at an existing one, then align ${facts.name}'s history.`, command: facts.statusCommand }]),
      { text: "Restoring the exact file is the safest fix: every environment that ran it keeps a consistent history." },
    ];
    return {
      id: this.id,
      title: this.title,
      summary: `A migration refers to ${v}, which is missing: restore it from git history, or re-point the dependency and align the history.`,
      what: [
        "Each migration names its parent (Alembic down_revision, Django dependencies) or its place in an ordered list of applied versions (Flyway, golang-migrate, Knex). When a file is deleted (a cleanup, a squash, a branch that was reverted), either a newer file points at nothing or the database remembers a version no file describes.",
        "Alembic says \"Can't locate revision identified by\"; Django raises NodeNotFoundError (\"dependencies reference nonexistent parent node\"); Flyway reports an applied migration not resolved locally; golang-migrate \"no migration found for version\"; Knex \"the migration directory is corrupt\".",
      ],
      confirm: [
        ...(facts.historySql
          ? [{ purpose: `Whether the database ran the missing migration (${facts.historyTable!(engine)})`, sql: facts.historySql(engine), expect: "If it is listed, the database depends on it too: restore the file rather than re-pointing.", history: true }]
          : []),
        { purpose: "When the file was deleted", command: "git log --diff-filter=D --name-only --oneline -- <migrations folder>", expect: "The commit that removed it, and why." },
      ],
      repair: steps,
      avoid: [
        "Do not create an empty file with the missing name to silence the error unless it really did nothing.",
        "Do not delete history rows of a migration whose changes are in the schema.",
      ],
      prevent: [
        "Never delete a migration that ran anywhere; squash with the tool's own mechanism (Django squashmigrations, Flyway baseline) instead.",
        "A CI step that builds a database from scratch with every migration catches a broken chain before merge.",
      ],
      keyCommand: "git log --diff-filter=D --name-only --oneline -- <migrations folder>",
    };
  },
};
