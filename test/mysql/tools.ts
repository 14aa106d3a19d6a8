/** Alembic (with PyMySQL) and Knex (with mysql2) set up around rendered files, on a MariaDB database. */
import { writeFileSync } from "node:fs";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { Plan } from "../../src/plan/model.js";
import { renderPlanMarkdown } from "../../src/render/plan-md.js";
import { TOOL_RENDERERS } from "../../src/render/tools/index.js";
import type { ToolOutput } from "../../src/render/types.js";
import type { MariadbServer } from "../support/mariadb-server.js";
import { parts, PYTHON, ROOT, run, writeFiles, type Run } from "../tools/support.js";

export const KNEX_CLI = join(ROOT, "node_modules", "knex", "bin", "cli.js");

export function mysqlToolMissing(tool: "alembic" | "knex"): string | null {
  if (tool === "alembic") return run(PYTHON, ["-c", "import alembic, pymysql"]).status === 0 ? null : "python3-alembic / python3-pymysql not installed";
  return run(process.execPath, ["-e", "require('mysql2'); require('knex')"], { cwd: ROOT }).status === 0 ? null : "knex / mysql2 not installed";
}

export interface ToolRun {
  out: ToolOutput;
  /** PLAN.md as the CLI writes it for this plan and these files. */
  planMd: string;
  /** Run a command exactly as PLAN.md prints it (`a && b` run in turn). */
  exec(command: string): Run;
}

/** Render `plan` for the tool into a fresh folder with the project files a user would have. */
export function prepareMysqlTool(tool: "alembic" | "knex", plan: Plan, server: MariadbServer, db: string, slug: string): ToolRun {
  const out = TOOL_RENDERERS[tool].render(plan, { now: new Date("2026-12-01T10:00:00Z"), slug });
  const planMd = renderPlanMarkdown(plan, out);
  const dir = writeFiles(out.files);
  const each = (command: string, one: (part: string) => Run): Run => {
    let last: Run = { status: 0, out: "" };
    for (const part of parts(command)) if ((last = one(part)).status !== 0) return last;
    return last;
  };
  if (tool === "alembic") {
    writeFileSync(join(dir, "alembic.ini"), `[alembic]\nscript_location = alembic\nsqlalchemy.url = mysql+pymysql://root@127.0.0.1:${server.port}/${db}\n`);
    writeFileSync(
      join(dir, "alembic", "env.py"),
      [
        "from alembic import context",
        "from sqlalchemy import engine_from_config, pool",
        "config = context.config",
        'engine = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool)',
        "with engine.connect() as connection:",
        `    context.configure(connection=connection, version_table="alembic_version_${slug}")`,
        "    with context.begin_transaction():",
        "        context.run_migrations()",
        "",
      ].join("\n"),
    );
    return {
      out,
      planMd,
      exec: (command) =>
        each(command, (part) => {
          const [name, ...args] = part.split(" ");
          expect(name).toBe("alembic");
          return run(PYTHON, ["-m", "alembic", "-c", join(dir, "alembic.ini"), ...args], { cwd: dir });
        }),
    };
  }
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  writeFileSync(
    join(dir, "knexfile.js"),
    `module.exports = { client: "mysql2", connection: { host: "127.0.0.1", port: ${server.port}, user: "root", database: "${db}" }, migrations: { directory: "./migrations", tableName: "knex_migrations_${slug}" } };\n`,
  );
  return {
    out,
    planMd,
    exec: (command) =>
      each(command, (part) => {
        const m = /^npx knex (migrate:up|migrate:down) (\S+\.js)$/.exec(part);
        expect(m, part).not.toBeNull();
        return run(process.execPath, [KNEX_CLI, m![1], m![2], "--knexfile", join(dir, "knexfile.js")], { cwd: dir });
      }),
  };
}
