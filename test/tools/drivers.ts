/**
 * For each tool that runs here: render its files, set up the project around them the way a user
 * would (config file, settings module, knexfile...), and run a rendered command with the real tool.
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { Tool } from "../../src/answers/schema.js";
import type { Plan } from "../../src/plan/model.js";
import { withGuards } from "../../src/plan/guards.js";
import { renderPlanMarkdown } from "../../src/render/plan-md.js";
import { TOOL_RENDERERS } from "../../src/render/tools/index.js";
import { renderRails } from "../../src/render/tools/rails.js";
import type { ToolOutput } from "../../src/render/types.js";
import type { PgServer } from "../support/pg-server.js";
import { FIXTURE_NOW, FIXTURE_SLUG } from "./fixture.js";
import { has, parts, psqlInstalled, PYTHON, ROOT, run, runPsql, writeFiles, type Db, type Run } from "./support.js";

export type Exec = (command: string, phaseId: string) => Run;

export interface Prepared {
  out: ToolOutput;
  /** PLAN.md as the CLI writes it for this plan and these files. */
  planMd: string;
  dir: string;
  exec: Exec;
}

const KNEX_CLI = join(ROOT, "node_modules", "knex", "bin", "cli.js");
const NPM_CLI = join(ROOT, "node_modules", "node-pg-migrate", "bin", "node-pg-migrate.js");
const DRIZZLE = join(ROOT, "node_modules", "drizzle-orm", "node-postgres", "migrator.js");
const DRIZZLE_KIT = join(ROOT, "node_modules", "drizzle-kit", "bin.cjs");
const DBMATE = join(ROOT, "node_modules", ".bin", "dbmate");

const probeRails = run("ruby", ["-e", 'require "active_record"; require "pg"; print ActiveRecord::VERSION::STRING']);
/** The installed ActiveRecord's `major.minor`, which the files must declare; null when absent. */
export const activeRecordVersion = probeRails.status === 0 ? probeRails.out.trim().split(".").slice(0, 2).join(".") : null;

/** Why a tool cannot run here, or null when it can. */
export function missing(tool: Tool): string | null {
  const need = (okay: boolean, what: string) => (okay ? null : what);
  switch (tool) {
    case "raw-sql":
      return need(psqlInstalled, "psql");
    case "alembic":
      return need(run(PYTHON, ["-c", "import alembic, psycopg2"]).status === 0, "python3-alembic / python3-psycopg2");
    case "django":
      return need(run(PYTHON, ["-c", "import django, psycopg2"]).status === 0, "python3-django / python3-psycopg2");
    case "rails":
      return need(activeRecordVersion !== null, "ruby-activerecord / ruby-pg");
    case "knex":
      return need(has(KNEX_CLI), "knex (npm)");
    case "node-pg-migrate":
      return need(has(NPM_CLI), "node-pg-migrate (npm)");
    case "drizzle":
      return need(has(DRIZZLE) && has(DRIZZLE_KIT) && psqlInstalled, "drizzle-orm / drizzle-kit (npm) / psql");
    case "dbmate":
      return need(run(DBMATE, ["--version"]).status === 0, "dbmate (npm, which ships the binary)");
    case "sqitch":
      return need(
        run("sqitch", ["--version"]).status === 0 && run("perl", ["-MDBD::Pg", "-e", "1"]).status === 0 && psqlInstalled,
        "sqitch / libdbd-pg-perl / psql",
      );
    default:
      return `${tool} cannot be installed here`;
  }
}

export const RUNNABLE: Tool[] = ["raw-sql", "alembic", "django", "rails", "knex", "node-pg-migrate", "drizzle", "sqitch", "dbmate"];

/** Run each `a && b` part in turn, stopping at the first failure. */
const sequence = (command: string, one: (part: string) => Run): Run => {
  let last: Run = { status: 0, out: "" };
  for (const part of parts(command)) {
    last = one(part);
    if (last.status !== 0) return last;
  }
  return last;
};

export function prepare(tool: Tool, plan: Plan, server: PgServer, db: Db): Prepared {
  const ctx = { now: FIXTURE_NOW, slug: FIXTURE_SLUG };
  // As renderToolFiles does: every file after the first phase starts with the guard of the phase before it.
  const guarded = { ...plan, phases: withGuards(plan.phases, plan.engine) };
  // ActiveRecord checks Migration[x.y] against itself: render for the installed version.
  const out = tool === "rails" ? renderRails(guarded, ctx, activeRecordVersion!) : TOOL_RENDERERS[tool].render(guarded, ctx);
  const planMd = renderPlanMarkdown(plan, out);
  const dir = writeFiles(out.files);
  const linkNodeModules = () => symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  const dbName = db.url.split("/").pop()!;
  let exec: Exec;
  switch (tool) {
    case "raw-sql":
      exec = (command) => sequence(command, (part) => runPsql(part, db.url, dir));
      break;
    case "alembic": {
      const url = db.url.replace(/^postgresql:/, "postgresql+psycopg2:");
      writeFileSync(join(dir, "alembic.ini"), `[alembic]\nscript_location = alembic\nsqlalchemy.url = ${url}\n`);
      writeFileSync(
        join(dir, "alembic", "env.py"),
        [
          "from alembic import context",
          "from sqlalchemy import engine_from_config, pool",
          "config = context.config",
          'engine = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool)',
          "with engine.connect() as connection:",
          "    context.configure(connection=connection)",
          "    with context.begin_transaction():",
          "        context.run_migrations()",
          "",
        ].join("\n"),
      );
      exec = (command) => {
        const [name, ...args] = command.split(" ");
        expect(name).toBe("alembic");
        return run(PYTHON, ["-m", "alembic", "-c", join(dir, "alembic.ini"), ...args], { cwd: dir });
      };
      break;
    }
    case "django": {
      writeFileSync(join(dir, "app", "__init__.py"), "");
      writeFileSync(join(dir, "app", "migrations", "__init__.py"), "");
      writeFileSync(
        join(dir, "settings.py"),
        [
          `DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "${dbName}", "USER": "postgres", "HOST": "127.0.0.1", "PORT": ${server.port}}}`,
          'INSTALLED_APPS = ["app"]',
          'SECRET_KEY = "test-only"',
          "USE_TZ = True",
          'DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"',
          "",
        ].join("\n"),
      );
      writeFileSync(join(dir, "manage.py"), "import sys\nfrom django.core.management import execute_from_command_line\nexecute_from_command_line(sys.argv)\n");
      exec = (command) => {
        const [python, ...args] = command.split(" ");
        expect(python).toBe("python");
        return run(PYTHON, args, { cwd: dir, env: { DJANGO_SETTINGS_MODULE: "settings", PYTHONPATH: dir } });
      };
      break;
    }
    case "rails": {
      // What `rails db:migrate:up/down VERSION=...` does, without a Rails app around it.
      writeFileSync(
        join(dir, "runner.rb"),
        [
          'require "active_record"',
          'ActiveRecord::Base.establish_connection(ENV.fetch("DATABASE_URL"))',
          "ActiveRecord::Migration.verbose = false",
          'context = ActiveRecord::MigrationContext.new([File.join(__dir__, "db/migrate")], ActiveRecord::SchemaMigration)',
          "context.run(ARGV[0].to_sym, Integer(ARGV[1], 10))",
          "",
        ].join("\n"),
      );
      exec = (command) =>
        sequence(command, (part) => {
          const m = /^bin\/rails db:migrate:(up|down) VERSION=(\d{14})$/.exec(part);
          expect(m, part).not.toBeNull();
          return run("ruby", [join(dir, "runner.rb"), m![1], m![2]], { env: { DATABASE_URL: db.url } });
        });
      break;
    }
    case "knex": {
      // The knex CLI insists on a local install beside the knexfile, as in a real project.
      linkNodeModules();
      writeFileSync(
        join(dir, "knexfile.js"),
        'module.exports = { client: "pg", connection: process.env.DATABASE_URL, migrations: { directory: "./migrations" } };\n',
      );
      exec = (command) =>
        sequence(command, (part) => {
          const m = /^npx knex (migrate:up|migrate:down) (\S+\.js)$/.exec(part);
          expect(m, part).not.toBeNull();
          return run(process.execPath, [KNEX_CLI, m![1], m![2], "--knexfile", join(dir, "knexfile.js")], { cwd: dir, env: { DATABASE_URL: db.url } });
        });
      break;
    }
    case "node-pg-migrate":
      linkNodeModules();
      exec = (command) =>
        sequence(command, (part) => {
          const m = /^npx node-pg-migrate (up|down) (\S+)$/.exec(part);
          expect(m, part).not.toBeNull();
          return run(process.execPath, [NPM_CLI, m![1], m![2], "-m", "migrations"], { cwd: dir, env: { DATABASE_URL: db.url } });
        });
      break;
    case "dbmate": {
      // As the notes say: a phase's files go into db/migrations when that phase is due (`dbmate migrate` applies all pending).
      const all = out.files.filter((f) => f.path.startsWith("db/migrations/"));
      rmSync(join(dir, "db", "migrations"), { recursive: true });
      mkdirSync(join(dir, "db", "migrations"));
      const order = plan.phases.map((p) => p.id);
      exec = (command, phaseId) => {
        const due = new Set(order.slice(0, order.indexOf(phaseId) + 1).flatMap((id) => out.phases[id]?.files ?? []));
        for (const f of all) if (due.has(f.path) && !has(join(dir, f.path))) writeFileSync(join(dir, f.path), f.content);
        return sequence(command, (part) => {
          const m = /^dbmate (migrate|rollback)$/.exec(part);
          expect(m, part).not.toBeNull();
          return run(DBMATE, ["--no-dump-schema", m![1]], { cwd: dir, env: { DATABASE_URL: `${db.url}?sslmode=disable` } });
        });
      };
      break;
    }
    case "drizzle": {
      linkNodeModules();
      writeFileSync(
        join(dir, "drizzle.config.mjs"),
        'export default { dialect: "postgresql", out: "./drizzle", dbCredentials: { url: process.env.DATABASE_URL } };\n',
      );
      const journalPath = join(dir, "drizzle", "meta", "_journal.json");
      const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
      const order = plan.phases.map((p) => p.id);
      exec = (command, phaseId) => {
        // As the notes say: a phase's journal entries are added when that phase is due.
        const due = new Set(order.slice(0, order.indexOf(phaseId) + 1).flatMap((id) => out.phases[id]?.files ?? []));
        writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.filter((e) => due.has(`drizzle/${e.tag}.sql`)) }, null, 2));
        return sequence(command, (part) =>
          part === "npx drizzle-kit migrate"
            ? run(process.execPath, [DRIZZLE_KIT, "migrate", "--config", "drizzle.config.mjs"], { cwd: dir, env: { DATABASE_URL: db.url } })
            : runPsql(part, db.url, dir),
        );
      };
      break;
    }
    case "sqitch": {
      const env = {
        SQITCH_TARGET: db.url.replace(/^postgresql:/, "db:pg:"),
        SQITCH_FULLNAME: "Test Runner",
        SQITCH_EMAIL: "test@example.invalid",
        SQITCH_USER_CONFIG: join(dir, "no-user-config"),
      };
      exec = (command) => {
        const [name, verb, ...args] = command.split(" ");
        expect(name).toBe("sqitch");
        // --verify runs the verify scripts (the phase's checks) after each change is deployed.
        return run("sqitch", [verb, ...(verb === "deploy" ? ["--verify"] : []), ...args], { cwd: dir, env });
      };
      break;
    }
    default:
      throw new Error(`${tool} does not run here`);
  }
  return { out, planMd, dir, exec };
}

/** The tool's own command that would undo `phaseId` (used on irreversible phases, which must refuse). */
export function undoCommand(tool: Tool, plan: Plan, out: ToolOutput, phaseId: string): string {
  const withSql = plan.phases.filter((p) => out.phases[p.id]);
  const index = withSql.findIndex((p) => p.id === phaseId);
  const own = out.phases[phaseId];
  const before = index > 0 ? out.phases[withSql[index - 1].id] : undefined;
  const downFile = own.files.find((f) => f.endsWith(".down.sql"));
  switch (tool) {
    case "raw-sql":
    case "drizzle":
      return `psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -1 -f ${downFile}`;
    case "alembic":
      return before ? before.command.replace("alembic upgrade", "alembic downgrade") : "alembic downgrade base";
    case "django":
      return before ? before.command : "python manage.py migrate app zero";
    case "rails":
    case "knex":
      return parts(own.command)
        .reverse()
        .map((c) => c.replace("db:migrate:up", "db:migrate:down").replace("migrate:up", "migrate:down"))
        .join(" && ");
    case "node-pg-migrate":
      return parts(own.command).reverse().map((c) => c.replace(" up ", " down ")).join(" && ");
    case "dbmate":
      return "dbmate rollback";
    case "sqitch":
      return before ? before.command.replace("sqitch deploy", "sqitch revert -y") : "sqitch revert -y";
    default:
      throw new Error(`${tool} does not run here`);
  }
}
