/** Detection and history reading on file lists (pure), and the chaining the renderers do with them. */
import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/plan/build.js";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detectTool, looksLikeProject } from "../../src/project/detect.js";
import { listProject, topNames } from "../../src/project/fs.js";
import { openProject } from "../../src/project/index.js";
import { readHistory, type ProjectFiles } from "../../src/project/history.js";
import { ProjectError } from "../../src/project/types.js";
import { TOOL_RENDERERS } from "../../src/render/tools/index.js";
import type { Tool } from "../../src/answers/schema.js";
import type { ProjectHistory } from "../../src/project/types.js";
import { versionClock } from "../../src/project/versions.js";

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
    [["package.json", "migrations/0001_create-customers.js"], "node-pg-migrate"],
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

describe("versionClock: after the project's newest version, in its style", () => {
  const now = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));
  it.for([
    [null, "timestamp", ["20260101120000", "20260101120001"]],
    ["20250101000000", "timestamp", ["20260101120000", "20260101120001"]],
    // A newest version later than the clock (a teammate's machine ahead): one second after it.
    ["20270505101059", "timestamp", ["20270505101100", "20270505101101"]],
    ["00041", "timestamp", ["00042", "00043"]],
    ["7", "timestamp", ["8", "9"]],
    [null, "milliseconds", ["1767268800000", "1767268801000"]],
    ["1900000000000", "milliseconds", ["1900000001000", "1900000002000"]],
  ] as const)("%s (%s) -> %j", ([last, style, want]) => {
    const clock = versionClock(now, last, style);
    expect([clock.next(), clock.next()]).toEqual(want);
  });
});

describe("readHistory: versioned folders, journals, plans and changelogs", () => {
  it.for([
    ["goose", { "migrations/00001_a.sql": "", "migrations/00002_b.go": "" }, { dir: "migrations", last: "00002" }],
    ["goose", { "db/migrations/20240101000000_a.sql": "" }, { dir: "db/migrations", last: "20240101000000" }],
    ["dbmate", { "db/migrations/20240101000000_a.sql": "", "db/migrations/20240301000000_b.sql": "" }, { dir: "db/migrations", last: "20240301000000" }],
    ["rails", { Gemfile: "", "db/migrate/20240101000000_a.rb": "", "db/migrate/20231201000000_b.rb": "" }, { dir: "db/migrate", last: "20240101000000" }],
    ["knex", { "knexfile.js": 'module.exports = { migrations: { directory: "./db/knex/" } };', "db/knex/20240101000000_a.js": "" }, { dir: "db/knex", last: "20240101000000" }],
    ["knex", { "knexfile.js": "module.exports = {};" }, { dir: "migrations", last: null }],
    ["node-pg-migrate", { "migrations/1700000000000_a.js": "", "migrations/999_b.js": "" }, { dir: "migrations", last: "1700000000000" }],
    ["prisma", { "prisma/schema.prisma": "", "prisma/migrations/20240101000000_init/migration.sql": "", "prisma/migrations/migration_lock.toml": "" }, { dir: "prisma/migrations", last: "20240101000000" }],
  ] as const)("%s %j", ([tool, files, want]) => {
    expect(readHistory(tool, project(files as Record<string, string>), "orders").versioned).toEqual(want);
  });

  it("Drizzle: the config's out folder and its journal; a journal that is not one is refused in one line", () => {
    const journal = JSON.stringify({ version: "7", dialect: "postgresql", entries: [{ idx: 0, version: "7", when: 1, tag: "0000_init", breakpoints: true }] });
    const h = readHistory("drizzle", project({ "drizzle.config.ts": 'export default { out: "./db/drizzle" }', "db/drizzle/meta/_journal.json": journal }), "orders");
    expect(h.drizzle).toEqual({ dir: "db/drizzle", journal: { path: "db/drizzle/meta/_journal.json", content: journal } });
    for (const bad of ["{", '{"entries": [{"idx": "0"}]}', "null"]) {
      expect(() => readHistory("drizzle", project({ "drizzle.config.ts": "", "drizzle/meta/_journal.json": bad }), "orders")).toThrow(ProjectError);
    }
  });

  it("Sqitch: the plan's changes and the last one (tags and comments skipped); a line that is none of those is refused with its number", () => {
    const plan = "%syntax-version=1.0.0\n%project=shop\n\norders 2024-01-01T00:00:00Z Ann <ann@x.org> # orders\n@v1 2024-01-02T00:00:00Z Ann <ann@x.org> # tag\nitems [orders] 2024-01-03T00:00:00Z Ann <ann@x.org>\n# a comment\n";
    expect(readHistory("sqitch", project({ "sqitch.plan": plan }), "orders").sqitch).toEqual({ plan: { path: "sqitch.plan", content: plan }, last: "items", changes: ["orders", "items"] });
    expect(() => readHistory("sqitch", project({ "sqitch.plan": plan + "not a change\n" }), "orders")).toThrow(/line 8 is not a Sqitch change/);
    expect(() => readHistory("sqitch", project({ "sqitch.plan": "orders 2024-01-01T00:00:00Z Ann <ann@x.org>\n" }), "orders")).toThrow(/no %project pragma/);
  });

  it("Liquibase: the master named by liquibase.properties, else the nearest changelog; a JSON master is refused", () => {
    const named = readHistory("liquibase", project({ "liquibase.properties": "changeLogFile=db/main.xml\n", "db/main.xml": "<x/>", "db.changelog-master.yaml": "" }), "orders");
    expect(named.liquibase).toEqual({ master: { path: "db/main.xml", content: "<x/>" }, format: "xml" });
    const found = readHistory("liquibase", project({ "db/changelog/db.changelog-master.yaml": "databaseChangeLog: []\n" }), "orders");
    expect(found.liquibase?.format).toBe("yaml");
    expect(() => readHistory("liquibase", project({ "db.changelog-master.json": "{}" }), "orders")).toThrow(/JSON changelog/);
  });
});

describe("renderers chain onto versioned folders, journals, plans and changelogs", () => {
  const plan = (tool: Tool) =>
    buildPlan({
      mode: "plan",
      engine: "postgresql",
      engine_version: "15",
      operation: "add_index",
      table: "orders",
      columns: [{ name: "customer_id" }],
      approx_rows: 30_000_000,
      downtime_tolerance: "none",
      rollback_need: "phase-level",
      tool,
    });
  const ctx = { now: new Date(Date.UTC(2026, 0, 1)), slug: "idx" };
  const render = (tool: Tool, history: Omit<ProjectHistory, "tool">) => TOOL_RENDERERS[tool].render(plan(tool), { ...ctx, project: { tool, ...history } });

  it("goose: the next number in the project's folder and width, `down-to` the project's newest for the first phase", () => {
    const out = render("goose", { versioned: { dir: "db/migrations", last: "00041" } });
    expect(out.files.map((f) => f.path)).toEqual(["db/migrations/00042_idx_01_expand.sql"]);
    expect(out.phases["01-expand"].command).toBe('goose -dir db/migrations postgres "$DATABASE_URL" up-to 00042');
    expect(out.phases["01-expand"].rollbackCommand).toBe('goose -dir db/migrations postgres "$DATABASE_URL" down-to 00041');
  });

  it.for([
    ["dbmate", "db/migrations/20300101000001_idx_01_expand.sql"],
    ["rails", "db/migrate/20300101000001_idx_01_expand.rb"],
    ["knex", "db/knex/20300101000001_idx_01_expand.js"],
    ["prisma", "prisma/migrations/20300101000001_idx_01_expand/migration.sql"],
  ] as const)("%s: a timestamp after the project's newest (later than the clock), in its folder", ([tool, first]) => {
    const dir = { dbmate: "db/migrations", rails: "db/migrate", knex: "db/knex", prisma: "prisma/migrations" }[tool];
    expect(render(tool, { versioned: { dir, last: "20300101000000" } }).files[0].path).toBe(first);
  });

  it("Knex and node-pg-migrate: CommonJS files are .cjs in a project whose package.json says type: module", () => {
    for (const tool of ["knex", "node-pg-migrate"] as const) {
      const h = readHistory(tool, project({ "package.json": '{"type": "module"}', "knexfile.js": "", "migrations/0001_a.js": "" }), "orders");
      expect(h.commonJs).toBe("cjs");
      const out = render(tool, h);
      expect(out.files[0].path).toMatch(/^migrations\/\d+_idx_01_expand\.cjs$/);
      expect(out.phases["01-expand"].command).not.toMatch(/\.js\b/);
      expect(readHistory(tool, project({ "package.json": "{}", "knexfile.js": "" }), "orders").commonJs).toBe("js");
    }
  });

  it("node-pg-migrate: milliseconds after the project's newest", () => {
    expect(render("node-pg-migrate", { versioned: { dir: "migrations", last: "1900000000000" } }).files[0].path).toBe("migrations/1900000001000_idx_01_expand.js");
  });

  it("Drizzle: entries appended to the journal with the next idx, matching tags and a later `when`; the journal is an edit of the project's file", () => {
    const content = JSON.stringify({ version: "7", dialect: "postgresql", entries: [{ idx: 0, version: "7", when: 1900000000000, tag: "0000_init", breakpoints: true }] }, null, 2);
    const out = render("drizzle", { drizzle: { dir: "db", journal: { path: "db/meta/_journal.json", content } } });
    const journal = out.files.find((f) => f.path === "db/meta/_journal.json")!;
    expect(journal.base).toBe(content);
    const entries = JSON.parse(journal.content).entries;
    expect(entries[0]).toEqual({ idx: 0, version: "7", when: 1900000000000, tag: "0000_init", breakpoints: true });
    expect(entries.slice(1).map((e: { idx: number }) => e.idx)).toEqual(entries.slice(1).map((_: unknown, i: number) => i + 1));
    for (const e of entries.slice(1)) {
      expect(e.when).toBeGreaterThan(1900000000000);
      expect(out.files.some((f) => f.path === `db/${e.tag}.sql`)).toBe(true);
      expect(e.tag).toMatch(/^000[1-9]_/);
    }
    // drizzle-kit writes its journal with JSON.stringify(journal, null, 2): same format, no newline added.
    expect(journal.content).toBe(JSON.stringify(JSON.parse(journal.content), null, 2));
  });

  it("Sqitch: lines appended to the project's plan, the first change requiring its last; no second plan or conf", () => {
    const content = "%syntax-version=1.0.0\n%project=shop\n\norders 2024-01-01T00:00:00Z Ann <ann@x.org> # orders";
    const out = render("sqitch", { sqitch: { plan: { path: "sqitch.plan", content }, last: "orders", changes: ["orders"] } });
    expect(out.files.some((f) => f.path === "sqitch.conf")).toBe(false);
    const planFile = out.files.find((f) => f.path === "sqitch.plan")!;
    expect(planFile.base).toBe(content);
    expect(planFile.content.startsWith(content + "\n")).toBe(true);
    expect(planFile.content.slice(content.length + 1)).toMatch(/^idx_01_expand \[orders\] 2026-01-01T00:00:00Z migration-wizard <[^>]+> # .+\n$/);
    expect(out.phases["01-expand"].rollbackCommand).toBe("sqitch revert -y --to orders");
    expect(() => render("sqitch", { sqitch: { plan: { path: "sqitch.plan", content }, last: "idx_01_expand", changes: ["idx_01_expand"] } })).toThrow(/already has a change named idx_01_expand/);
  });

  it("Liquibase: a changelog beside the master, included at the end of an XML or YAML master, which parses to the same plus the include", () => {
    const xml = '<?xml version="1.0"?>\n<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">\n    <include file="001-init.xml" relativeToChangelogFile="true"/>\n</databaseChangeLog>\n';
    const x = render("liquibase", { liquibase: { master: { path: "db/master.xml", content: xml }, format: "xml" } });
    expect(x.files.map((f) => f.path)).toEqual(["db/20260101000000_idx.yaml", "db/master.xml"]);
    expect(x.files[1].content).toBe(xml.replace("</databaseChangeLog>", '    <include file="20260101000000_idx.yaml" relativeToChangelogFile="true"/>\n</databaseChangeLog>'));
    const yaml = "# ours\ndatabaseChangeLog:\n  - include:\n      file: 001-init.yaml\n      relativeToChangelogFile: true\n";
    const y = render("liquibase", { liquibase: { master: { path: "changelog.yaml", content: yaml }, format: "yaml" } });
    expect(y.files[1].content).toBe(yaml + '  - include:\n      file: "20260101000000_idx.yaml"\n      relativeToChangelogFile: true\n');
    // A master whose list is not the last block cannot take an appended item safely.
    const notLast = "databaseChangeLog:\n  - include:\n      file: a.yaml\nother: 1\n";
    expect(() => render("liquibase", { liquibase: { master: { path: "changelog.yaml", content: notLast }, format: "yaml" } })).toThrow(/add it by hand/);
    expect(() => render("liquibase", { liquibase: { master: { path: "m.xml", content: "<databaseChangeLog/>" }, format: "xml" } })).toThrow(/add the include by hand/);
  });
});

describe("the working directory as a project", () => {
  const fixtures = ["alembic", "dbmate", "django", "drizzle", "knex", "liquibase", "node-pg-migrate", "prisma", "rails", "sqitch"];

  it.for(fixtures)("the sample %s project is recognised from the working directory", (name) => {
    const dir = join(import.meta.dirname, name);
    expect(looksLikeProject(topNames(dir))).toBe(true);
    expect(openProject(undefined, dir)?.tool).toBe(name);
  });

  it("a folder with no project file at its top is not listed, even when something below looks like migrations", () => {
    const home = mkdtempSync(join(tmpdir(), "mw-home-"));
    try {
      mkdirSync(join(home, "Downloads", "versions"), { recursive: true });
      writeFileSync(join(home, "Downloads", "env.py"), "");
      writeFileSync(join(home, "Downloads", "versions", "a.py"), "");
      writeFileSync(join(home, "notes.txt"), "");
      // The layout alone would read as an Alembic project...
      expect(detectTool(listProject(home, 3))).toBe("alembic");
      // ...but the folder itself is no project, so a plan run there does not take it for one (and --out stays migration-plan).
      expect(looksLikeProject(topNames(home))).toBe(false);
      expect(openProject(undefined, home)).toBeUndefined();
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("listing stops after its limit of entries", () => {
    const dir = mkdtempSync(join(tmpdir(), "mw-wide-"));
    try {
      for (let i = 0; i < 30; i++) mkdirSync(join(dir, `d${String(i).padStart(2, "0")}`, "x"), { recursive: true });
      for (let i = 0; i < 30; i++) writeFileSync(join(dir, `d${String(i).padStart(2, "0")}`, "x", "f.txt"), "");
      expect(listProject(dir, 3)).toHaveLength(30);
      expect(listProject(dir, 3, 10).length).toBeLessThan(10);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
