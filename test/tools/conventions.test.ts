/**
 * Each tool's layout and content against its documented format, for the tools that cannot run
 * here as well as the ones that can; files are parsed by their own language's parser where there is one.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { TOOLS, type Tool } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import type { Plan } from "../../src/plan/model.js";
import { TOOL_RENDERERS } from "../../src/render/tools/index.js";
import type { ToolOutput } from "../../src/render/types.js";
import { FIXTURE_NOW, FIXTURE_SLUG, fixturePlan } from "./fixture.js";
import { PYTHON, run, writeFiles } from "./support.js";

const ctx = { now: FIXTURE_NOW, slug: FIXTURE_SLUG };
const render = (tool: Tool, plan: Plan = fixturePlan(tool)) => TOOL_RENDERERS[tool].render(plan, ctx);
const content = (out: ToolOutput, path: string) => {
  const f = out.files.find((x) => x.path === path);
  expect(f, path).toBeDefined();
  return f!.content;
};
const phaseFiles = (out: ToolOutput, id: string) => out.phases[id].files;
const pythonOk = run(PYTHON, ["-c", "import ast; ast.unparse"]).status === 0;
const rubyOk = run("ruby", ["--version"]).status === 0;

/** Module-level and Migration-class assignments and function sources of Python files, by path. */
function pythonFacts(dir: string, paths: string[]): Record<string, Record<string, unknown>> {
  const script = `
import ast, json, sys
res = {}
for p in sys.argv[1:]:
    tree = ast.parse(open(p).read(), p)
    out = {}
    def val(n):
        try:
            return ast.literal_eval(n)
        except Exception:
            return ast.unparse(n)
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            out[node.targets[0].id] = val(node.value)
        elif isinstance(node, ast.FunctionDef):
            out["def " + node.name] = ast.unparse(node)
        elif isinstance(node, ast.ClassDef):
            out["class"] = node.name
            out["bases"] = [ast.unparse(b) for b in node.bases]
            for b in node.body:
                if isinstance(b, ast.Assign) and isinstance(b.targets[0], ast.Name):
                    out[b.targets[0].id] = val(b.value)
    res[p] = out
print(json.dumps(res))
`;
  const r = run(PYTHON, ["-c", script, ...paths.map((p) => join(dir, p))]);
  expect(r.status, r.out).toBe(0);
  const raw = JSON.parse(r.out) as Record<string, Record<string, unknown>>;
  return Object.fromEntries(paths.map((p) => [p, raw[join(dir, p)]]));
}

describe("every tool", () => {
  it.each(TOOLS)("%s: every SQL phase has files and a command; deploy-only phases have none; output is deterministic", (tool) => {
    const plan = fixturePlan(tool);
    const out = render(tool, plan);
    expect(out.tool).toBe(tool);
    const paths = new Set(out.files.map((f) => f.path));
    expect(paths.size).toBe(out.files.length);
    for (const phase of plan.phases) {
      if (!phase.statements.length) {
        expect(out.phases[phase.id], phase.id).toBeUndefined();
        continue;
      }
      const pf = out.phases[phase.id];
      expect(pf.files.length).toBeGreaterThan(0);
      for (const f of pf.files) expect(paths.has(f), f).toBe(true);
      expect(pf.command.trim()).not.toBe("");
      if (phase.irreversible) expect(pf.rollbackCommand).toBeUndefined();
      else expect(pf.rollbackCommand?.trim()).toBeTruthy();
    }
    for (const f of out.files) expect(f.path).toMatch(/^[A-Za-z0-9_.\-/]+$/);
    expect(render(tool, plan)).toEqual(out);
  });

  it.each(TOOLS)("%s: every statement of the plan is in the files, and the irreversible reason is stated", (tool) => {
    const plan = fixturePlan(tool);
    const all = render(tool, plan).files.map((f) => f.content).join("\n");
    for (const phase of plan.phases) {
      for (const s of [...phase.statements, ...(phase.rollback ?? [])]) {
        // Each line of the SQL appears (tools indent multi-line SQL or quote it for their language).
        for (const line of s.sql.split("\n")) expect(all.replace(/\\n/g, "\n"), `${tool}: ${line}`).toContain(line.trim());
      }
    }
    expect(all).toContain("legacy_status is gone");
  });
});

describe("raw-sql", () => {
  it("numbers NNN_<phase>.up.sql/.down.sql by phase id (a deploy phase leaves a gap) and runs with -1 only when the file is all transactional", () => {
    const out = render("raw-sql");
    expect(out.files.map((f) => f.path)).toEqual([
      "migrations/001_expand.up.sql",
      "migrations/001_expand.down.sql",
      "migrations/002_expand.up.sql",
      "migrations/002_expand.down.sql",
      "migrations/003_backfill.up.sql",
      "migrations/003_backfill.down.sql",
      "migrations/005_contract.up.sql",
      "migrations/005_contract.down.sql",
    ]);
    expect(out.phases["01-expand"].command).toBe('psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -1 -f migrations/001_expand.up.sql');
    expect(out.phases["02-expand"].command).toBe('psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f migrations/002_expand.up.sql');
    expect(content(out, "migrations/002_expand.up.sql")).toMatch(/^-- Apply: Index status/);
    expect(content(out, "migrations/005_contract.down.sql")).toMatch(/RAISE EXCEPTION 'irreversible: the data in legacy_status is gone/);
  });
});

describe("alembic", () => {
  it("revisions parse, chain by down_revision, and use autocommit_block for CONCURRENTLY", (ctx) => {
    if (!pythonOk) return ctx.skip("python3 with ast.unparse (3.9+) is not installed");
    const out = render("alembic");
    const dir = writeFiles(out.files);
    const paths = ["01-expand", "02-expand", "03-backfill", "05-contract"].map((id) => phaseFiles(out, id)[0]);
    const facts = pythonFacts(dir, paths);
    let previous: unknown = null;
    for (const p of paths) {
      const f = facts[p];
      expect(p).toBe(`alembic/versions/${f.revision}_${p.split("_").slice(1).join("_")}`);
      expect(f.revision).toMatch(/^[0-9a-f]{12}$/);
      expect(f.down_revision).toBe(previous);
      expect(f).toHaveProperty("branch_labels", null);
      expect(f).toHaveProperty("depends_on", null);
      previous = f.revision;
    }
    const cic = facts[paths[1]];
    expect(cic["def upgrade"]).toMatch(/with op\.get_context\(\)\.autocommit_block\(\):\s+op\.execute\("SET lock_timeout[^]*CREATE INDEX CONCURRENTLY/);
    expect(cic["def downgrade"]).toContain("autocommit_block");
    expect(facts[paths[0]]["def upgrade"]).not.toContain("autocommit_block");
    expect(facts[paths[3]]["def downgrade"]).toMatch(/raise RuntimeError\(.*legacy_status is gone/);
    expect(out.phases["02-expand"].command).toBe(`alembic upgrade ${facts[paths[1]].revision}`);
    expect(out.phases["02-expand"].rollbackCommand).toBe(`alembic downgrade ${facts[paths[0]].revision}`);
    expect(out.phases["01-expand"].rollbackCommand).toBe("alembic downgrade base");
  });

  it("escapes colons that text() would take for bind parameters", () => {
    const plan = fixturePlan("alembic");
    plan.phases[0].statements[1] = { ...plan.phases[0].statements[1], sql: "UPDATE orders SET legacy_status = ':x' WHERE id::text = '1';" };
    expect(render("alembic", plan).files[0].content).toContain(`op.execute("UPDATE orders SET legacy_status = '\\\\:x' WHERE id::text = '1';")`);
  });
});

describe("django", () => {
  it("migrations parse, chain by dependencies, and set atomic = False only where needed", (ctx) => {
    if (!pythonOk) return ctx.skip("python3 with ast.unparse (3.9+) is not installed");
    const out = render("django");
    const dir = writeFiles(out.files);
    const paths = out.files.map((f) => f.path);
    expect(paths.every((p) => /^app\/migrations\/\d{4}_[a-z0-9_]+\.py$/.test(p))).toBe(true);
    const facts = pythonFacts(dir, paths);
    let previous: string | null = null;
    for (const p of paths) {
      const f = facts[p];
      expect(f.class).toBe("Migration");
      expect(f.bases).toEqual(["migrations.Migration"]);
      expect(f.dependencies).toEqual(previous ? [["app", previous]] : []);
      previous = p.split("/").pop()!.replace(/\.py$/, "");
    }
    const atomicFalse = paths.filter((p) => facts[p].atomic === false);
    expect(atomicFalse).toEqual([phaseFiles(out, "02-expand")[0], phaseFiles(out, "03-backfill")[0]]);
    const contract = facts[phaseFiles(out, "05-contract")[0]].operations as string;
    expect(contract).toContain("migrations.RunSQL(");
    expect(contract).not.toContain("reverse_sql");
    expect(facts[paths[0]].operations).toContain("reverse_sql=[");
    expect(out.phases["02-expand"].rollbackCommand).toBe(`python manage.py migrate app ${paths[0].split("/").pop()!.replace(".py", "")}`);
    expect(out.phases["01-expand"].rollbackCommand).toBe("python manage.py migrate app zero");
  });

  it("drop_column: the model state forgets the field in the deploy, with SeparateDatabaseAndState", (ctx) => {
    if (!pythonOk) return ctx.skip("python3 with ast.unparse (3.9+) is not installed");
    const plan = fixturePlan("django", "drop_column");
    plan.answers.columns = [{ name: "legacy_status" }];
    const out = render("django", plan);
    const deploy = out.phases["04-deploy"];
    expect(deploy.files).toHaveLength(1);
    const facts = pythonFacts(writeFiles(out.files), deploy.files)[deploy.files[0]];
    expect(facts.operations).toMatch(
      /SeparateDatabaseAndState\(state_operations=\[migrations\.RemoveField\(model_name='order', name='legacy_status'\)\], database_operations=\[\]\)/,
    );
    expect(deploy.command).toBe(`python manage.py migrate app ${deploy.files[0].split("/").pop()!.replace(".py", "")}`);
  });

  it("drop_column with no deploy phase before the drop wraps the drop itself", (ctx) => {
    if (!pythonOk) return ctx.skip("python3 with ast.unparse (3.9+) is not installed");
    const plan = fixturePlan("django", "drop_column");
    plan.answers.columns = [{ name: "legacy_status" }];
    plan.phases = plan.phases.filter((p) => p.id !== "04-deploy");
    plan.phases.splice(0, 0, { ...plan.phases.pop()! });
    const out = render("django", plan);
    const path = out.phases["05-contract"].files[0];
    const facts = pythonFacts(writeFiles(out.files), [path])[path];
    expect(facts.operations).toMatch(/SeparateDatabaseAndState\(state_operations=\[migrations\.RemoveField\(model_name='order', name='legacy_status'\)\], database_operations=\[migrations\.RunSQL/);
  });
});

describe("rails", () => {
  it("names files <timestamp>_<slug>.rb with a matching class, one second apart", () => {
    const out = render("rails");
    const paths = out.files.map((f) => f.path);
    expect(paths[0]).toBe("db/migrate/20260115093000_add_status_to_orders_01_expand.rb");
    expect(paths[1]).toBe("db/migrate/20260115093001_add_status_to_orders_02_expand.rb");
    for (const f of out.files) {
      const slug = f.path.replace(/^db\/migrate\/\d{14}_/, "").replace(/\.rb$/, "");
      const cls = slug.split("_").map((w) => w[0].toUpperCase() + w.slice(1)).join("");
      expect(f.content).toContain(`class ${cls} < ActiveRecord::Migration[7.1]`);
      expect(f.content.includes("disable_ddl_transaction!")).toBe(/02_expand|03_backfill_1/.test(f.path));
    }
    expect(content(out, phaseFiles(out, "05-contract")[0])).toMatch(/raise ActiveRecord::IrreversibleMigration, ".*legacy_status is gone/);
    expect(out.phases["03-backfill"].rollbackCommand).toBe(
      "bin/rails db:migrate:down VERSION=20260115093003 && bin/rails db:migrate:down VERSION=20260115093002",
    );
  });

  it("every file passes ruby -c", (ctx) => {
    if (!rubyOk) return ctx.skip("ruby is not installed");
    const out = render("rails");
    const dir = writeFiles(out.files);
    for (const f of out.files) {
      const r = run("ruby", ["-c", join(dir, f.path)]);
      expect(r.status, r.out).toBe(0);
    }
  });

  it("drop_column: says to deploy self.ignored_columns before the drop", () => {
    const plan = fixturePlan("rails", "drop_column");
    plan.answers.columns = [{ name: "legacy_status" }];
    const out = render("rails", plan);
    expect(out.notes.join("\n")).toContain('self.ignored_columns += ["legacy_status"]');
    expect(out.phases["05-contract"].notes!.join("\n")).toContain("ignored_columns");
  });
});

describe("knex", () => {
  it("CommonJS modules with up/down, and config.transaction false only where needed", () => {
    const out = render("knex");
    const dir = writeFiles(out.files);
    const require = createRequire(join(dir, "x.js"));
    for (const f of out.files) {
      expect(f.path).toMatch(/^migrations\/\d{14}_[a-z0-9_]+\.js$/);
      expect(run(process.execPath, ["--check", join(dir, f.path)]).status).toBe(0);
      const mod = require(join(dir, f.path));
      expect(typeof mod.up).toBe("function");
      expect(typeof mod.down).toBe("function");
      const nonTx = /02_expand|03_backfill_1/.test(f.path);
      expect(mod.config).toEqual(nonTx ? { transaction: false } : undefined);
    }
    expect(out.phases["02-expand"].command).toBe("npx knex migrate:up 20260115093001_add_status_to_orders_02_expand.js");
  });
});

describe("node-pg-migrate", () => {
  it("exports up/down that call pgm.sql, pgm.noTransaction() where needed, and down = false when irreversible", async () => {
    const out = render("node-pg-migrate");
    const dir = writeFiles(out.files);
    const require = createRequire(join(dir, "x.js"));
    for (const f of out.files) {
      expect(f.path).toMatch(/^migrations\/\d{13}_[a-z0-9_]+\.js$/);
      const mod = require(join(dir, f.path));
      const calls: string[] = [];
      const pgm = { sql: (s: string) => calls.push(s), noTransaction: () => calls.push("noTransaction") };
      mod.up(pgm);
      expect(calls.includes("noTransaction")).toBe(/02_expand|03_backfill_1/.test(f.path));
      if (f.path.includes("05_contract")) expect(mod.down).toBe(false);
      else expect(typeof mod.down).toBe("function");
    }
    const cic = require(join(dir, phaseFiles(out, "02-expand")[0]));
    const calls: string[] = [];
    cic.up({ sql: (s: string) => calls.push(s), noTransaction: () => calls.push("noTransaction") });
    expect(calls).toEqual(["noTransaction", "SET lock_timeout = '200ms';", "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);"]);
  });
});

describe("prisma (format only: its engines cannot be installed here)", () => {
  it("one folder per migration with migration.sql and down.sql; a non-transactional statement is alone", () => {
    const out = render("prisma");
    const dirs = [...new Set(out.files.map((f) => f.path.replace(/\/[^/]+$/, "")))];
    for (const d of dirs) {
      expect(d).toMatch(/^prisma\/migrations\/\d{14}_[a-z0-9_]+$/);
      expect(out.files.map((f) => f.path)).toEqual(expect.arrayContaining([`${d}/migration.sql`, `${d}/down.sql`]));
    }
    const cic = content(out, phaseFiles(out, "02-expand")[0]);
    const statements = cic.split("\n").filter((l) => l.trim() && !l.startsWith("--"));
    expect(statements).toEqual(["CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);"]);
    expect(out.phases["02-expand"].notes!.join("\n")).toMatch(/alone in its file[^]*lock_timeout/);
    expect(out.phases["01-expand"].rollbackCommand).toBe(
      "npx prisma db execute --file prisma/migrations/20260115093000_add_status_to_orders_01_expand/down.sql && npx prisma migrate resolve --rolled-back 20260115093000_add_status_to_orders_01_expand",
    );
  });
});

describe("flyway (format only)", () => {
  it("V<n>__ and U<n>__ pairs, with a .conf script configuration beside non-transactional scripts", () => {
    const out = render("flyway");
    const paths = out.files.map((f) => f.path);
    const versions = paths.filter((p) => /^sql\/V\d+__[a-z0-9_]+\.sql$/.test(p));
    expect(versions.map((p) => Number(/V(\d+)__/.exec(p)![1]))).toEqual([1, 2, 3, 4, 5]);
    for (const v of versions) expect(paths).toContain(v.replace("/V", "/U"));
    expect(content(out, "sql/V2__add_status_to_orders_02_expand.sql.conf")).toMatch(/^executeInTransaction=false$/m);
    expect(content(out, "sql/U2__add_status_to_orders_02_expand.sql.conf")).toMatch(/^executeInTransaction=false$/m);
    expect(paths).not.toContain("sql/V1__add_status_to_orders_01_expand.sql.conf");
    expect(out.phases["03-backfill"].command).toBe("flyway migrate -target=4");
    expect(out.phases["03-backfill"].rollbackCommand).toBe("flyway undo && flyway undo");
  });
});

describe("liquibase (format only, YAML parsed)", () => {
  it("a databaseChangeLog of changeSets with runInTransaction: false, rollbacks, and a tag per phase", () => {
    const out = render("liquibase");
    const log = parseYaml(content(out, "changelog/db.changelog-master.yaml")) as { databaseChangeLog: { changeSet: Record<string, any> }[] };
    const sets = log.databaseChangeLog.map((e) => e.changeSet);
    expect(new Set(sets.map((s) => s.id)).size).toBe(sets.length);
    for (const s of sets) expect(s.author).toBe("migration-wizard");
    const byId = Object.fromEntries(sets.map((s) => [s.id, s]));
    expect(byId.add_status_to_orders_02_expand.runInTransaction).toBe(false);
    expect(byId.add_status_to_orders_01_expand.runInTransaction).toBeUndefined();
    expect(byId.add_status_to_orders_02_expand.changes.map((c: any) => c.sql.sql)).toEqual([
      "SET lock_timeout = '200ms';",
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);",
    ]);
    expect(byId.add_status_to_orders_02_expand.changes.every((c: any) => c.sql.splitStatements === false)).toBe(true);
    expect(byId.add_status_to_orders_05_contract.rollback).toBeUndefined();
    expect(byId.add_status_to_orders_05_contract.comment).toContain("legacy_status is gone");
    const tags = sets.filter((s) => s.changes[0].tagDatabase).map((s) => s.changes[0].tagDatabase.tag);
    expect(tags).toEqual(["add_status_to_orders_01_expand", "add_status_to_orders_02_expand", "add_status_to_orders_03_backfill", "add_status_to_orders_05_contract"]);
    expect(out.phases["02-expand"].command).toBe("liquibase update-to-tag --tag=add_status_to_orders_02_expand");
    expect(out.phases["02-expand"].rollbackCommand).toBe("liquibase rollback --tag=add_status_to_orders_01_expand");
  });
});

describe("golang-migrate (format only)", () => {
  it("NNNNNN_<slug>.up.sql/.down.sql pairs in order; a non-transactional statement alone in its file", () => {
    const out = render("golang-migrate");
    const ups = out.files.map((f) => f.path).filter((p) => p.endsWith(".up.sql"));
    expect(ups.map((p) => /migrations\/(\d{6})_/.exec(p)![1])).toEqual(["000001", "000002", "000003", "000004", "000005"]);
    for (const up of ups) expect(out.files.map((f) => f.path)).toContain(up.replace(".up.sql", ".down.sql"));
    const body = (path: string) => content(out, path).split("\n").filter((l) => l.trim() && !l.startsWith("--")).join("\n");
    const plan = fixturePlan("golang-migrate");
    const [cicUp, cicDown] = phaseFiles(out, "02-expand");
    // The whole file is the one statement: no SET, nothing else to make it a multi-statement transaction.
    expect(body(cicUp)).toBe(plan.phases[1].statements[1].sql);
    expect(body(cicDown)).toBe(plan.phases[1].rollback![1].sql);
    expect(body(phaseFiles(out, "03-backfill")[0])).toBe(plan.phases[2].statements[0].sql);
    expect(body(phaseFiles(out, "01-expand")[0])).toBe(plan.phases[0].statements.map((s) => s.sql).join("\n"));
    expect(out.phases["03-backfill"].command).toBe('migrate -path migrations -database "$DATABASE_URL" up 2');
  });
});

describe("goose (format only)", () => {
  it("Up/Down annotations, NO TRANSACTION on non-transactional files, StatementBegin/End around DO blocks", () => {
    const out = render("goose");
    for (const f of out.files) {
      expect(f.path).toMatch(/^migrations\/\d{14}_[a-z0-9_]+\.sql$/);
      const up = f.content.indexOf("-- +goose Up");
      const down = f.content.indexOf("-- +goose Down");
      expect(up).toBeGreaterThan(-1);
      expect(down).toBeGreaterThan(up);
      expect(f.content.startsWith("-- +goose NO TRANSACTION\n")).toBe(/02_expand|03_backfill_1/.test(f.path));
    }
    const backfill = content(out, phaseFiles(out, "03-backfill")[0]);
    expect(backfill).toMatch(/-- \+goose StatementBegin\nDO \$\$[^]*END \$\$;\n-- \+goose StatementEnd/);
    expect(content(out, phaseFiles(out, "05-contract")[0])).toMatch(/-- \+goose Down\n-- Irreversible[^\n]*\n-- \+goose StatementBegin\nDO \$\$ BEGIN RAISE EXCEPTION/);
    expect(out.phases["02-expand"].command).toBe('goose -dir migrations postgres "$DATABASE_URL" up-to 20260115093001');
    expect(out.phases["02-expand"].rollbackCommand).toBe('goose -dir migrations postgres "$DATABASE_URL" down-to 20260115093000');
  });
});

describe("dbmate (format only)", () => {
  it("migrate:up / migrate:down sections with transaction:false where needed", () => {
    const out = render("dbmate");
    for (const f of out.files) {
      expect(f.path).toMatch(/^db\/migrations\/\d{14}_[a-z0-9_]+\.sql$/);
      const nonTx = /02_expand|03_backfill_1/.test(f.path);
      expect(f.content).toMatch(nonTx ? /^-- migrate:up transaction:false$/m : /^-- migrate:up$/m);
      expect(f.content).toMatch(nonTx ? /^-- migrate:down transaction:false$/m : /^-- migrate:down$/m);
    }
  });
});

describe("drizzle", () => {
  it("journal entries match the journaled files; non-transactional steps are manual files outside the journal", () => {
    const out = render("drizzle");
    const journal = JSON.parse(content(out, "drizzle/meta/_journal.json"));
    expect(journal.dialect).toBe("postgresql");
    expect(journal.entries.map((e: any) => e.idx)).toEqual(journal.entries.map((_: unknown, i: number) => i));
    for (const e of journal.entries) {
      const sql = content(out, `drizzle/${e.tag}.sql`);
      expect(sql).not.toContain("CONCURRENTLY");
      expect(e.breakpoints).toBe(true);
    }
    const whens = journal.entries.map((e: any) => e.when);
    expect([...whens].sort((a, b) => a - b)).toEqual(whens);
    expect(content(out, "drizzle/0000_add_status_to_orders_01_expand.sql")).toContain("SET lock_timeout = '200ms';\n--> statement-breakpoint\nALTER TABLE");
    const manual = out.files.filter((f) => f.path.startsWith("drizzle/manual/"));
    expect(manual.some((f) => f.content.includes("CREATE INDEX CONCURRENTLY"))).toBe(true);
    expect(out.phases["02-expand"].command).toBe('psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f drizzle/manual/0001_add_status_to_orders_02_expand.sql');
  });
});

describe("sqitch", () => {
  it("sqitch.plan lists one change per phase with deploy/revert/verify scripts", () => {
    const out = render("sqitch");
    const plan = content(out, "sqitch.plan").trim().split("\n");
    expect(plan[0]).toBe("%syntax-version=1.0.0");
    expect(plan[1]).toBe("%project=add_status_to_orders");
    const changes = plan.slice(3);
    expect(changes).toHaveLength(4);
    const line = /^([a-z0-9_]+)( \[([a-z0-9_]+)\])? 2026-01-15T09:30:00Z migration-wizard <[^>]+> # .+$/;
    let previous: string | undefined;
    for (const l of changes) {
      const m = line.exec(l);
      expect(m, l).not.toBeNull();
      expect(m![3]).toBe(previous);
      previous = m![1];
      for (const d of ["deploy", "revert", "verify"]) content(out, `${d}/${m![1]}.sql`);
    }
    expect(content(out, "sqitch.conf")).toMatch(/engine = pg/);
    expect(content(out, "deploy/add_status_to_orders_02_expand.sql")).not.toMatch(/^BEGIN;/m);
    expect(content(out, "deploy/add_status_to_orders_01_expand.sql")).toMatch(/^BEGIN;[^]*^COMMIT;/m);
  });
});

describe("the acceptance plan (buildPlan: CREATE INDEX CONCURRENTLY on a 30M-row table)", () => {
  // The markers /work/shared/acceptance/tool-conventions greps for, checked here on the renderer itself.
  const markers: Record<Tool, (RegExp | ((paths: string[]) => boolean))[]> = {
    "raw-sql": [/CREATE INDEX CONCURRENTLY/, (p) => p.some((x) => /down/i.test(x))],
    alembic: [/def upgrade/, /def downgrade/, /down_revision/, /autocommit_block/],
    django: [/class Migration/, /atomic = False/, /dependencies/],
    knex: [/exports\.up/, /transaction: ?false/],
    prisma: [/CREATE INDEX CONCURRENTLY/, (p) => p.some((x) => /migrations\/[^/]+\/migration\.sql$/.test(x))],
    rails: [/disable_ddl_transaction!/, /ActiveRecord::Migration\[/, /CONCURRENTLY/],
    flyway: [/executeInTransaction=false/, (p) => p.some((x) => /\/V\d+__[^/]+\.sql$/.test(x))],
    liquibase: [/runInTransaction: false/, /databaseChangeLog/],
    "golang-migrate": [(p) => p.some((x) => x.endsWith(".up.sql")), (p) => p.some((x) => x.endsWith(".down.sql"))],
    goose: [/\+goose Up/, /\+goose Down/, /\+goose NO TRANSACTION/],
    "node-pg-migrate": [/noTransaction/],
    drizzle: [/CREATE INDEX CONCURRENTLY/, (p) => p.includes("drizzle/meta/_journal.json")],
    dbmate: [/migrate:up transaction:false/, /migrate:down/],
    sqitch: [(p) => ["sqitch.plan", "deploy/", "revert/", "verify/"].every((k) => p.some((x) => x.startsWith(k)))],
  };
  it.each(TOOLS)("%s", (tool) => {
    const plan = buildPlan({
      mode: "plan",
      engine: "postgresql",
      engine_version: "16.2",
      operation: "add_index",
      table: "orders",
      columns: [{ name: "customer_id" }],
      approx_rows: 30_000_000,
      downtime_tolerance: "none",
      rollback_need: "phase-level",
      tool,
    });
    const out = render(tool, plan);
    const text = out.files.map((f) => f.content).join("\n");
    const paths = out.files.map((f) => f.path);
    for (const m of markers[tool]) {
      if (m instanceof RegExp) expect(text, `${tool}: ${m}`).toMatch(m);
      else expect(m(paths), `${tool}: ${m}`).toBe(true);
    }
  });
});
