/**
 * Generating into an existing project (--project): the CLI, run as a user runs it inside a sample
 * project with migrations of its own, detects the tool, chains onto the history, and the tool's own
 * checks then pass on a real PostgreSQL (one Alembic head, upgrade/downgrade; Django migrate and
 * makemigrations --check).
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { startPostgres, type PgServer } from "../support/pg-server.js";
import { missing } from "../tools/drivers.js";
import { printedCommands } from "../tools/plan-md-commands.js";
import { PYTHON, run } from "../tools/support.js";
import { applyDjangoSnippet, modelSnippets } from "./model-snippets.js";
import { freshDb, sampleProject } from "./support.js";

const ANSWERS = (operation: string, extra: string) =>
  [
    "mode: plan",
    "engine: postgresql",
    'engine_version: "15"',
    `operation: ${operation}`,
    "table: orders",
    extra,
    "approx_rows: 30000000",
    "downtime_tolerance: none",
    "rollback_need: phase-level",
    "",
  ].join("\n");

describe("generating into an existing project (--project)", () => {
  let server: PgServer | null = null;
  beforeAll(async () => {
    if (!missing("alembic") || !missing("django")) server = await startPostgres();
  });
  afterAll(async () => server?.stop());

  it("Alembic: chained onto the head, one head, every phase upgrades by its printed command, the irreversible contract refuses to downgrade", async (ctx) => {
    const absent = missing("alembic");
    if (absent || !server) return ctx.skip(absent ?? "PostgreSQL absent");
    const { dir, answersFile } = sampleProject("alembic", ANSWERS("rename_column", "columns: [{name: legacy_status, type: text}]\ndetails: {new_name: state}"));
    const r = runCli(["plan", "--answers", answersFile, "--project", dir]);
    expect(r.code, r.stderr).toBe(0);
    const versions = readdirSync(join(dir, "migrations", "versions")).filter((f) => f.endsWith(".py"));
    expect(versions.length).toBe(5);
    const env = { DATABASE_URL: await freshDb(server, "t_project_alembic") };
    const alembic = (...args: string[]) => run(PYTHON, ["-m", "alembic", ...args], { cwd: dir, env });
    const heads = alembic("heads");
    expect(heads.status, heads.out).toBe(0);
    expect(heads.out.trim().split("\n").filter((l) => /\(head\)/.test(l))).toHaveLength(1);
    // PLAN.md's commands, as printed, from the project root.
    const printed = printedCommands(readFileSync(join(dir, "PLAN.md"), "utf8"));
    expect(alembic("upgrade", "9f8e7d6c5b4a").status).toBe(0);
    for (const [id, command] of printed.apply) {
      const u = alembic(...command.split(" ").slice(1));
      expect(u.status, `${id}: ${u.out}`).toBe(0);
    }
    const down = alembic("downgrade", printed.undo.get("01-expand")!.split(" ").pop()!);
    expect(down.status).not.toBe(0); // the contract phase refuses: its data is gone
    const re = alembic("current");
    expect(re.out).toMatch(/\(head\)/);
  }, 180_000);

  it("Django: numbered and labelled for the app found, migrate then makemigrations --check finds no changes", async (ctx) => {
    const absent = missing("django");
    if (absent || !server) return ctx.skip(absent ?? "PostgreSQL absent");
    const { dir, answersFile } = sampleProject("django", ANSWERS("add_index", "columns: [{name: customer_id}]"));
    const r = runCli(["plan", "--answers", answersFile, "--project", dir]);
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(join(dir, "shop", "migrations")).filter((f) => /^\d{4}_/.test(f));
    expect(files).toEqual(["0001_initial.py", "0002_order_legacy_status.py", "0003_add_index_customer_id_on_orders_01_expand.py"]);
    const env = { DATABASE_URL: await freshDb(server, "t_project_django") };
    const manage = (...args: string[]) => run(PYTHON, ["manage.py", ...args], { cwd: dir, env });
    const printed = printedCommands(readFileSync(join(dir, "PLAN.md"), "utf8"));
    // The model gets the index as PLAN.md says, so Django's state (AddIndex in the migration) and the model agree.
    const models = join(dir, "shop", "models.py");
    writeFileSync(models, applyDjangoSnippet(readFileSync(models, "utf8"), modelSnippets(readFileSync(join(dir, "PLAN.md"), "utf8")).get("01-expand")!));
    for (const step of [["migrate", "shop", "0002"], printed.apply.get("01-expand")!.split(" ").slice(2), ["makemigrations", "--check", "--dry-run"], printed.undo.get("01-expand")!.split(" ").slice(2), ["migrate"]]) {
      const m = manage(...step);
      expect(m.status, `${step.join(" ")}: ${m.out}`).toBe(0);
    }
  }, 180_000);
});
