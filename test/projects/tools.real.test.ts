/**
 * Generating into an existing project (--project) for Knex, node-pg-migrate, dbmate, drizzle-kit, Sqitch
 * and Rails: a copy of test/projects/<tool>, whose own migrations (customers, then orders) already ran,
 * gets a plan from the CLI run as a user runs it (the tool detected, no `tool:` in the answers). Then on
 * a real PostgreSQL, every command as PLAN.md prints it, run by a shell in the project: each phase
 * applied, undone newest first, applied again (the phase checks pass throughout, no row changes), and
 * the tool's own check sees the new migrations after the project's.
 *
 * Liquibase and Prisma are not installed here: their written include and migration folders are
 * checked by format only (the last two tests).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanAnswers, Tool } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import { runCli } from "../support/cli.js";
import { startPostgres, type PgServer } from "../support/pg-server.js";
import { missing } from "../tools/drivers.js";
import { recipeTrip } from "../tools/real-suite.js";
import { freshDatabase, run, type Db, type Run } from "../tools/support.js";
import { answersFile, copySample } from "./support.js";

/** orders.customer_id gets a foreign key to customers(id): three phases, every one reversible (the VALIDATE among them). */
const ANSWERS: Omit<PlanAnswers, "tool"> = {
  mode: "plan",
  engine: "postgresql",
  engine_version: "15",
  operation: "add_foreign_key",
  table: "orders",
  columns: [{ name: "customer_id", references: "customers(id)" }],
  approx_rows: 30_000_000,
  downtime_tolerance: "none",
  rollback_need: "phase-level",
};

/** The CLI as a user runs it: answers without `tool:`, --project naming the project. */
function generate(dir: string): void {
  const r = runCli(["plan", "--answers", answersFile(JSON.stringify(ANSWERS)), "--project", dir]);
  expect(r.code, r.stderr).toBe(0);
}

interface Case {
  tool: Tool;
  /** The tool's environment for the database at `url`. */
  env(url: string, dir: string): Record<string, string>;
  /** The project's own history, applied with the tool before the plan is generated. */
  history: string;
  /** The tool's own check afterwards, and what its output must show. */
  check: string;
  expect(out: string, dir: string, db: Db): void | Promise<void>;
}

const newest = (names: string[]) => [...names].sort().at(-1)!;

const CASES: Case[] = [
  {
    tool: "knex",
    env: (url) => ({ DATABASE_URL: url }),
    history: "npx knex migrate:latest",
    check: "npx knex migrate:list",
    expect: (out, dir) => {
      expect(out).toMatch(/No Pending Migration files Found/);
      // Written into the knexfile's directory, after the project's own.
      const files = readdirSync(join(dir, "db", "migrations")).sort();
      expect(files.slice(0, 2)).toEqual(["20240101000000_create_customers.js", "20240102000000_create_orders.js"]);
      expect(files.length).toBeGreaterThan(2);
    },
  },
  {
    tool: "node-pg-migrate",
    env: (url) => ({ DATABASE_URL: url }),
    history: "npx node-pg-migrate up",
    check: "npx node-pg-migrate up",
    expect: async (out, dir, db) => {
      expect(out).toMatch(/No migrations to run/);
      const { rows } = await db.client.query("SELECT name FROM pgmigrations ORDER BY run_on, id");
      const files = readdirSync(join(dir, "migrations")).map((f) => f.replace(/\.c?js$/, ""));
      // The project numbers its files 0001, 0002 (node-pg-migrate's index style): the new ones go on from 0003.
      // Its package.json makes .js files ES modules: the new CommonJS files are .cjs.
      expect(readdirSync(join(dir, "migrations")).filter((f) => !f.startsWith("000")).length).toBe(0);
      expect(readdirSync(join(dir, "migrations")).filter((f) => f.endsWith(".cjs")).length).toBeGreaterThan(0);
      files.sort();
      expect(files.map((f) => f.slice(0, 5))).toEqual(files.map((_, i) => `${String(i + 1).padStart(4, "0")}_`));
      expect(rows.map((r) => r.name)).toEqual(files);
    },
  },
  {
    tool: "dbmate",
    env: (url) => ({ DATABASE_URL: `${url}?sslmode=disable`, DBMATE_NO_DUMP_SCHEMA: "true" }),
    history: "dbmate migrate",
    check: "dbmate status",
    expect: (out, dir) => {
      // The project numbers its files 001, 002: the new ones go on from 003, in the same folder.
      const files = readdirSync(join(dir, "db", "migrations")).sort();
      expect(files.map((f) => f.slice(0, 4))).toEqual(files.map((_, i) => `${String(i + 1).padStart(3, "0")}_`));
      expect(out).toMatch(new RegExp(`Applied: ${files.length}\\b`));
      expect(out).toMatch(/Pending: 0\b/);
    },
  },
  {
    tool: "drizzle",
    env: (url) => ({ DATABASE_URL: url }),
    history: "npx drizzle-kit migrate",
    check: "npx drizzle-kit migrate",
    expect: async (_out, dir, db) => {
      // drizzle-kit saw every entry of the journal: one row per entry, the project's two first.
      const journal = JSON.parse(readFileSync(join(dir, "drizzle", "meta", "_journal.json"), "utf8")) as { entries: { idx: number; when: number; tag: string }[] };
      expect(journal.entries.slice(0, 2).map((e) => e.tag)).toEqual(["0000_customers", "0001_orders"]);
      expect(journal.entries.map((e) => e.idx)).toEqual(journal.entries.map((_, i) => i));
      const { rows } = await db.client.query("SELECT created_at FROM drizzle.__drizzle_migrations ORDER BY created_at");
      expect(rows.map((r) => Number(r.created_at))).toEqual(journal.entries.map((e) => e.when));
    },
  },
  {
    tool: "sqitch",
    env: (url, dir) => ({
      SQITCH_TARGET: url.replace(/^postgresql:/, "db:pg:"),
      SQITCH_FULLNAME: "Test Runner",
      SQITCH_EMAIL: "test@example.invalid",
      SQITCH_USER_CONFIG: join(dir, "no-user-config"),
    }),
    history: "sqitch deploy",
    check: "sqitch verify",
    expect: (out, dir) => {
      expect(out).toMatch(/Verify successful/);
      const plan = readFileSync(join(dir, "sqitch.plan"), "utf8");
      // The project's plan, kept byte for byte, with the new changes after its tag, the first requiring its last change.
      expect(plan.startsWith(readFileSync(join(import.meta.dirname, "sqitch", "sqitch.plan"), "utf8"))).toBe(true);
      expect(plan).toMatch(/^add_foreign_key_customer_id_on_orders_01_expand \[orders\] /m);
      expect(readdirSync(dir)).not.toContain("sqitch.conf.orig");
    },
  },
  {
    tool: "rails",
    env: (url) => ({ DATABASE_URL: url }),
    history: "bin/rails db:migrate",
    check: "bin/rails db:migrate:status && bin/rails db:schema:dump",
    expect: (out, dir) => {
      expect(out).not.toMatch(/^down/m);
      const versions = readdirSync(join(dir, "db", "migrate")).map((f) => f.slice(0, 14));
      const schema = readFileSync(join(dir, "db", "schema.rb"), "utf8");
      expect(schema).toMatch(/add_foreign_key "orders", "customers"/);
      expect(schema).toContain(`version: ${newest(versions).replace(/^(\d{4})(\d\d)(\d\d)(\d{6})$/, "$1_$2_$3_$4")}`);
    },
  },
];

/**
 * A command as PLAN.md prints it, run by a shell in the project. `npx X` runs the project's own
 * node_modules/.bin/X, as npx does when the package is installed; the shell function saves npm's start-up.
 */
function shell(command: string, dir: string, env: Record<string, string>): Run {
  return run("sh", ["-c", `npx() { "$@"; }\n${command}`], { cwd: dir, env: { ...env, PATH: `${join(dir, "node_modules", ".bin")}:${process.env.PATH}` } });
}

describe("generating into an existing project (--project), run for real", () => {
  let server: PgServer | null = null;
  beforeAll(async () => {
    if (CASES.some((c) => !missing(c.tool))) server = await startPostgres();
  });
  afterAll(async () => server?.stop());

  it.for(CASES.map((c) => [c.tool, c] as const))("%s: the project's history, then every phase applied, undone and applied again by PLAN.md's commands", { timeout: 240_000 }, async ([tool, c], ctx) => {
    const absent = missing(tool);
    if (absent || !server) return ctx.skip(absent ?? "PostgreSQL absent");
    const dir = copySample(tool, true);
    const db = await freshDatabase(server, `t_project_${tool.replace(/-/g, "_")}`, null);
    try {
      const env = c.env(db.url, dir);
      const sh = (command: string) => shell(command, dir, env);
      const history = sh(c.history);
      expect(history.status, history.out).toBe(0);
      generate(dir);
      const planMd = readFileSync(join(dir, "PLAN.md"), "utf8");
      await recipeTrip(buildPlan({ ...ANSWERS, tool } as PlanAnswers), { planMd, exec: (command) => sh(command) }, db);
      const check = sh(c.check);
      expect(check.status, check.out).toBe(0);
      await c.expect(check.out, dir, db);
    } finally {
      await db.close();
    }
  });
});

describe("generating into a Liquibase or Prisma project (not installed here: checked by format)", () => {
  it("Liquibase: a YAML changelog beside the XML master, included at its end; the master keeps every byte of its own", () => {
    const dir = copySample("liquibase");
    generate(dir);
    const masterPath = join(dir, "db", "changelog", "db.changelog-master.xml");
    const original = readFileSync(join(import.meta.dirname, "liquibase", "db", "changelog", "db.changelog-master.xml"), "utf8");
    const master = readFileSync(masterPath, "utf8");
    const added = readdirSync(join(dir, "db", "changelog")).filter((f) => f.endsWith(".yaml"));
    expect(added).toHaveLength(1);
    expect(master).toBe(original.replace("</databaseChangeLog>", `    <include file="${added[0]}" relativeToChangelogFile="true"/>\n</databaseChangeLog>`));
    const changelog = parse(readFileSync(join(dir, "db", "changelog", added[0]), "utf8")) as { databaseChangeLog: { changeSet: { id: string; rollback?: unknown } }[] };
    const ids = changelog.databaseChangeLog.map((c) => c.changeSet.id);
    expect(ids.filter((id) => id.endsWith("_tag"))).toHaveLength(3);
  });

  it("Prisma: migration folders after the project's newest, beside its migration_lock.toml", () => {
    const dir = copySample("prisma");
    generate(dir);
    const folders = readdirSync(join(dir, "prisma", "migrations")).filter((f) => /^\d{14}_/.test(f)).sort();
    expect(folders.slice(0, 2)).toEqual(["20240101000000_init", "20240102000000_orders"]);
    expect(folders.length).toBeGreaterThan(2);
    for (const f of folders.slice(2)) {
      expect(readdirSync(join(dir, "prisma", "migrations", f)).sort()).toEqual(["down.sql", "migration.sql"]);
    }
    expect(readFileSync(join(dir, "prisma", "migrations", "migration_lock.toml"), "utf8")).toContain('provider = "postgresql"');
  });
});
