/**
 * Django's model state in step with the database (issue 10, defect 5): for each operation, generated
 * into the sample project with --project, every phase is applied by the command PLAN.md prints,
 * its files joining the app when it is due, models.py is changed as PLAN.md's "Change the model"
 * snippet says, and after every phase
 * `makemigrations --check --dry-run` finds nothing to add: Django's state, the models and the
 * database agree. Then every phase is undone by PLAN.md's rollback command, newest first.
 */
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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
  ["mode: plan", "engine: postgresql", 'engine_version: "15"', `operation: ${operation}`, "table: orders", extra, "approx_rows: 30000000", "downtime_tolerance: none", "rollback_need: phase-level", ""].join("\n");

/** Operation, answers, and the model changes PLAN.md must show (phase ids). */
const CASES: [string, string, string[]][] = [
  ["add_column", `columns: [{name: status, type: text, nullable: false, default: "'new'"}]`, ["01-expand"]],
  ["rename_column", "columns: [{name: legacy_status, type: text}]\ndetails: {new_name: state}", ["01-expand", "04-deploy"]],
  ["change_column_type", "columns: [{name: legacy_status, type: text}]\ndetails: {new_type: varchar(40)}", ["03-switch"]],
  ["add_index", "columns: [{name: customer_id}]", ["01-expand"]],
  ["add_foreign_key", "columns: [{name: customer_id, type: bigint}]\ndetails: {ref_table: customers, ref_column: id}", ["01-expand", "02-expand"]],
  ["drop_column", "columns: [{name: legacy_status, type: text}]", ["01-deploy"]],
  ["set_not_null", "columns: [{name: customer_id, type: bigint}]", ["03-contract"]],
];

describe("Django: the model state follows the database phase by phase (--project)", () => {
  let server: PgServer | null = null;
  beforeAll(async () => {
    if (!missing("django")) server = await startPostgres();
  });
  afterAll(async () => server?.stop());

  it.for(CASES)("%s: migrate each phase, change models.py as PLAN.md says, makemigrations --check finds nothing", { timeout: 120_000 }, async ([operation, extra, modelPhases], ctx) => {
    const absent = missing("django");
    if (absent || !server) return ctx.skip(absent ?? "PostgreSQL could not be started");
    const { dir, answersFile } = sampleProject("django", ANSWERS(operation, extra));
    const r = runCli(["plan", "--answers", answersFile, "--project", dir]);
    expect(r.code, r.stderr).toBe(0);
    const planMd = readFileSync(join(dir, "PLAN.md"), "utf8");
    const snippets = modelSnippets(planMd);
    expect([...snippets.keys()]).toEqual(modelPhases);
    const printed = printedCommands(planMd);
    const env = { DATABASE_URL: await freshDb(server, `t_models_${operation}`) };
    const manage = (...args: string[]) => {
      const m = run(PYTHON, ["manage.py", ...args], { cwd: dir, env });
      expect(m.status, `manage.py ${args.join(" ")}: ${m.out}`).toBe(0);
      return m.out;
    };
    const models = join(dir, "shop", "models.py");
    // A phase's files join the app when that phase is due, as PLAN.md's note says: Django reads its state from every file in the folder.
    const held = mkdtempSync(join(tmpdir(), "mw-held-"));
    const phaseFiles = new Map<string, string[]>();
    for (const section of planMd.split(/^## Phase \d+ of \d+: /m).slice(1)) {
      const id = /\*\*id:\*\* `([^`]+)`/.exec(section)![1];
      const files = [.../^- Files: (.*)$/m.exec(section)?.[1].matchAll(/`([^`]+)`/g) ?? []].map((m) => m[1]);
      phaseFiles.set(id, files);
      for (const f of files) renameSync(join(dir, f), join(held, f.replace(/\//g, "_")));
    }
    manage("migrate", "shop", "0002");
    // Every customer an order points at exists, so the foreign key validates.
    if (operation === "add_foreign_key") manage("shell", "-c", "from django.db import connection; connection.cursor().execute('INSERT INTO customers (id) SELECT g FROM generate_series(0, 6) g')");
    const ids = [...planMd.matchAll(/\*\*id:\*\* `([^`]+)`/g)].map((m) => m[1]);
    for (const id of ids) {
      for (const f of phaseFiles.get(id) ?? []) renameSync(join(held, f.replace(/\//g, "_")), join(dir, f));
      const command = printed.apply.get(id);
      if (command) manage(...command.split(" ").slice(2));
      const snippet = snippets.get(id);
      if (snippet) writeFileSync(models, applyDjangoSnippet(readFileSync(models, "utf8"), snippet));
      const check = run(PYTHON, ["manage.py", "makemigrations", "--check", "--dry-run"], { cwd: dir, env });
      expect(check.status, `after ${id}: ${check.out}\n--- models.py:\n${readFileSync(models, "utf8")}`).toBe(0);
    }
    // Undo by PLAN.md's commands, newest first, as far as the plan allows (an irreversible phase stops it).
    for (const id of [...ids].reverse()) {
      const undo = printed.undo.get(id);
      if (!undo) {
        if (printed.apply.has(id)) break;
        continue;
      }
      manage(...undo.split(" ").slice(2));
    }
  });
});
