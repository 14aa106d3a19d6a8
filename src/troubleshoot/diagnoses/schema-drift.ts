/** The live schema differs from what the migrations describe. */
import { historyQuery, toolFacts } from "../tools.js";
import { tableShapeQueries } from "./common.js";
import type { Diagnosis } from "./types.js";

const DIFF: Record<string, string> = {
  prisma: "npx prisma migrate diff --from-migrations prisma/migrations --to-schema-datasource prisma/schema.prisma --shadow-database-url \"$SHADOW_DATABASE_URL\" --script",
  django: "python manage.py makemigrations --check --dry-run",
  alembic: "alembic check",
  liquibase: "liquibase diff --reference-url=<freshly migrated copy>",
  drizzle: "npx drizzle-kit check",
};

export const schemaDrift: Diagnosis = {
  id: "schema-drift",
  title: "Schema drift: the database does not match the migrations",
  build(input) {
    const { engine, tool } = input;
    const pg = engine === "postgresql";
    const dump = pg ? "pg_dump --schema-only --no-owner \"$DATABASE_URL\" > live.sql" : "mysqldump --no-data --skip-comments <db> > live.sql";
    const diff = DIFF[tool ?? ""] ?? `${dump}\n# build a fresh database from the migrations, dump it to fresh.sql the same way, then: diff -u fresh.sql live.sql`;
    return {
      id: this.id,
      title: this.title,
      summary: "Someone changed the schema outside the migrations (or a migration was edited after it ran): diff the live schema against a fresh build, then capture or revert the difference in a new migration.",
      what: [
        "Drift means the live schema has something the migrations do not create (a hotfix index, a column added by hand, a changed default) or lacks something they do. The history table still says everything is applied, so no tool notices until a later migration trips over it, or an autogenerate produces a surprising diff.",
        "Typical causes: a manual fix during an incident, a migration file edited after it ran in production, a different tool or ORM sync writing to the same database.",
      ],
      confirm: [...tableShapeQueries(input), ...historyQuery(tool, engine)],
      repair: [
        { text: "Dump the live schema and a schema built from scratch by the migrations, and diff them:", command: diff },
        { text: "For each difference decide which side is right. A manual fix that should stay: write a new migration that creates it idempotently (IF NOT EXISTS / a check first), so fresh databases get it too. A stray change: write a migration that removes it." },
        { text: `Where the live database already has the change, apply the new migration there as already-run: ${toolFacts(tool).markApplied("<new version>")}` },
        { text: "Re-run the diff: it must be empty." },
      ],
      avoid: [
        "Do not edit old, applied migration files to match production: other environments already ran them.",
        "Do not let an ORM's sync or push command write to production alongside migrations.",
        "Do not drop what you do not recognise before finding out who relies on it.",
      ],
      prevent: [
        "Run the schema diff in CI against a staging or production schema dump, and fail on drift.",
        "Every hotfix to a schema gets a migration the same day.",
        "Restrict DDL rights in production to the migration user.",
      ],
      keyCommand: diff.split("\n")[0],
    };
  },
};
