/** Detection and history reading on file lists (pure), and the chaining the renderers do with them. */
import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/plan/build.js";
import { detectTool } from "../../src/project/detect.js";
import { readHistory, type ProjectFiles } from "../../src/project/history.js";
import { ProjectError } from "../../src/project/types.js";
import { TOOL_RENDERERS } from "../../src/render/tools/index.js";

const project = (files: Record<string, string>): ProjectFiles => ({ files: Object.keys(files), read: (p) => files[p] });

describe("detectTool", () => {
  it.for([
    [["alembic.ini", "migrations/env.py", "migrations/versions/a.py"], "alembic"],
    [["manage.py", "shop/models.py", "shop/migrations/__init__.py"], "django"],
    [["Gemfile", "db/migrate/20200101000000_x.rb"], "rails"],
    [["knexfile.js", "migrations/20200101000000_x.js"], "knex"],
    [["prisma/schema.prisma"], "prisma"],
    [["drizzle.config.ts", "drizzle/0000_x.sql"], "drizzle"],
    [["flyway.conf", "sql/V1__x.sql"], "flyway"],
    [["liquibase.properties"], "liquibase"],
    [["sqitch.plan", "sqitch.conf"], "sqitch"],
    [["migrations/1700000000000_x.js"], "node-pg-migrate"],
    [["db/migrations/20200101000000_x.sql"], "dbmate"],
    [["migrations/20200101000000_x.sql"], "goose"],
    [["migrations/000001_x.up.sql", "migrations/000001_x.down.sql"], "golang-migrate"],
    [["package.json", "src/index.ts", "test/projects/alembic/alembic.ini"], null],
  ] as const)("%j -> %s", ([files, tool]) => {
    expect(detectTool([...files])).toBe(tool);
  });
});

describe("readHistory", () => {
  it("Alembic: the single head, typed or untyped assignments, from script_location", () => {
    const h = readHistory(
      "alembic",
      project({
        "alembic.ini": "[alembic]\nscript_location = db\n",
        "db/versions/a.py": 'revision = "aaa"\ndown_revision = None\n',
        "db/versions/b.py": 'revision: str = "bbb"\ndown_revision: Union[str, None] = "aaa"\n',
      }),
      "orders",
    );
    expect(h.alembic).toEqual({ versionsDir: "db/versions", head: "bbb" });
  });

  it("Alembic: two heads are refused with both named", () => {
    const p = project({ "alembic.ini": "script_location = db\n", "db/versions/a.py": 'revision = "a1"\n', "db/versions/b.py": 'revision = "b1"\n' });
    expect(() => readHistory("alembic", p, "orders")).toThrow(ProjectError);
    expect(() => readHistory("alembic", p, "orders")).toThrow(/2 heads \(a1, b1\)/);
  });

  it("Django: the app whose model sets db_table, its label from apps.py, its latest migration", () => {
    const h = readHistory(
      "django",
      project({
        "manage.py": "",
        "users/migrations/__init__.py": "",
        "users/models.py": "class User: pass",
        "shop/migrations/__init__.py": "",
        "shop/apps.py": 'class ShopConfig(AppConfig):\n    label = "store"\n',
        "shop/models.py": 'class Order:\n    class Meta:\n        db_table = "orders"\n',
        "shop/migrations/0001_initial.py": "",
        "shop/migrations/0012_more.py": "",
      }),
      "orders",
    );
    expect(h.django).toEqual({ app: "store", migrationsDir: "shop/migrations", last: "0012_more", lastNumber: 12 });
  });

  it("Django: several apps and none owns the table: an error naming them", () => {
    const p = project({ "a/migrations/__init__.py": "", "b/migrations/__init__.py": "" });
    expect(() => readHistory("django", p, "orders")).toThrow(/a, b/);
  });
});

describe("renderers chain onto the history (format only for Flyway and golang-migrate, which do not run here)", () => {
  const answers = (tool: "flyway" | "golang-migrate" | "alembic" | "django") =>
    buildPlan({
      mode: "plan",
      engine: "postgresql",
      engine_version: "15",
      operation: "rename_column",
      table: "orders",
      columns: [{ name: "legacy_status", type: "text" }],
      details: { new_name: "state" },
      approx_rows: 30_000_000,
      downtime_tolerance: "none",
      rollback_need: "phase-level",
      tool,
    });
  const ctx = { now: new Date(Date.UTC(2026, 0, 1)), slug: "rename" };

  it("Flyway: V<n> after the project's highest version, in its folder", () => {
    const out = TOOL_RENDERERS.flyway.render(answers("flyway"), { ...ctx, project: { tool: "flyway", numbered: { dir: "db/migration", last: 7 } } });
    expect(out.files.map((f) => f.path).filter((p) => /\/V\d+__/.test(p))[0]).toMatch(/^db\/migration\/V8__rename_01_expand/);
  });

  it("golang-migrate: the next version and the project's folder in the printed commands", () => {
    const out = TOOL_RENDERERS["golang-migrate"].render(answers("golang-migrate"), { ...ctx, project: { tool: "golang-migrate", numbered: { dir: "db/migrations", last: 41 } } });
    expect(out.files[0].path).toMatch(/^db\/migrations\/000042_/);
    expect(out.phases["01-expand"].command).toContain("-path db/migrations");
  });

  it("Alembic and Django: the first file names the project's head / latest migration", () => {
    const a = TOOL_RENDERERS.alembic.render(answers("alembic"), { ...ctx, project: { tool: "alembic", alembic: { versionsDir: "db/versions", head: "bbb" } } });
    expect(a.files[0].path.startsWith("db/versions/")).toBe(true);
    expect(a.files[0].content).toMatch(/^down_revision = "bbb"$/m);
    expect(a.phases["01-expand"].rollbackCommand).toBe("alembic downgrade bbb");
    const d = TOOL_RENDERERS.django.render(answers("django"), {
      ...ctx,
      project: { tool: "django", django: { app: "store", migrationsDir: "shop/migrations", last: "0012_more", lastNumber: 12 } },
    });
    expect(d.files[0].path).toMatch(/^shop\/migrations\/0013_/);
    expect(d.files[0].content).toContain('dependencies = [("store", "0012_more")]');
    expect(d.phases["01-expand"].rollbackCommand).toBe("python manage.py migrate store 0012_more");
  });
});
