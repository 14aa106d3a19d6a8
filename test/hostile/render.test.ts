/**
 * The hostile corpus (render-corpus.ts) through the built CLI: exit code and first stderr line. The
 * cases of the reproductions run through the CLI for every tool; the others through the CLI
 * for one tool each (rotating, to bound the run time) and rendered in-process for every tool they
 * apply to. For written plans, every generated file parses in its host
 * language (Python ast, Ruby compile, V8, YAML), and for PostgreSQL every SQL text a file would send
 * parses with libpg-query into statements that are exactly the plan's own (plus BEGIN/COMMIT and the
 * tool's "cannot be undone" raise): nothing in the answers became a statement of its own.
 */
import { withGuards } from "../../src/plan/guards.js";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadModule, parseSync } from "libpg-query";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOOLS, type Tool } from "../../src/answers/schema.js";
import { parseAnswers, requirePlanAnswers } from "../../src/answers/load.js";
import type { Plan } from "../../src/plan/model.js";
import { planOutputs } from "../../src/render/outputs.js";
import { raiseIrreversibleSql } from "../../src/render/tools/common.js";
import { CLI } from "../support/cli.js";
import { CASES, type HostileCase } from "./render-corpus.js";
import { checkJs, checkPython, checkRuby, checkYaml, MODEL_TABLE, type FileCheck } from "./render-parse.js";
import { sqlTable } from "../../src/plan/encode.js";

interface Run {
  c: HostileCase;
  tool: Tool;
  out: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

const root = mkdtempSync(join(tmpdir(), "mw-hostile-"));
/** The reproductions: through the CLI for every tool. */
const EVERY_TOOL = new Set(["enum_value: newline then DROP TABLE", "multi-line check"]);
const toolsOf = (c: HostileCase) => c.tools ?? TOOLS;
/** The tool whose file format a case attacks goes first, so its CLI run is the one that matters. */
const AIMED: Record<string, Tool> = { "enum_value: triple double quote": "alembic", "enum_value: a line reading SQL": "rails", "enum_value: goose directive": "goose", "enum_value: dbmate directive": "dbmate", "enum_value: Liquibase directive": "liquibase", "enum_value: Ruby interpolation": "rails", "enum_value: JavaScript template interpolation": "knex", "enum_value: SQLAlchemy bind parameter": "alembic", "enum_value: node-pg-migrate placeholder": "node-pg-migrate" };
const runs: Run[] = CASES.flatMap((c, i) => {
  const tools = c.exit === 2 || EVERY_TOOL.has(c.name) ? toolsOf(c) : [AIMED[c.name] ?? toolsOf(c)[i % toolsOf(c).length]];
  return tools.map((tool) => ({ c, tool, out: join(root, `${i}-${tool}`), code: null, stdout: "", stderr: "" }));
});
/** Every other (case, tool) pair of a case that writes a plan: rendered in-process by the same code the CLI runs. */
const renders: Run[] = CASES.flatMap((c, i) =>
  c.exit === 0
    ? toolsOf(c)
        .filter((tool) => !runs.some((r) => r.c === c && r.tool === tool))
        .map((tool) => ({ c, tool, out: join(root, `r${i}-${tool}`), code: null, stdout: "", stderr: "" }))
    : [],
);

function renderInProcess(r: Run) {
  const answers = parseAnswers(stringify({ ...r.c.answers, tool: r.tool }), "answers.yaml");
  const { plan, files } = planOutputs(requirePlanAnswers(answers), new Date("2026-12-04T00:00:00Z"));
  for (const f of files) {
    mkdirSync(dirname(join(r.out, f.path)), { recursive: true });
    writeFileSync(join(r.out, f.path), f.content);
  }
  r.code = 0;
  r.stdout = JSON.stringify(plan);
}

function runOne(r: Run): Promise<void> {
  const file = `${r.out}.answers.yaml`;
  writeFileSync(file, stringify({ ...r.c.answers, tool: r.tool }));
  return new Promise((done) => {
    const p = spawn(process.execPath, [CLI, "plan", "--answers", file, "--out", r.out, "--json"], { env: { ...process.env, CI: "true" } });
    p.stdout.on("data", (d) => (r.stdout += d));
    p.stderr.on("data", (d) => (r.stderr += d));
    p.on("close", (code) => {
      r.code = code;
      done();
    });
  });
}

async function pool(items: Run[], width: number) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await runOne(items[next++]);
  }));
}

const filesUnder = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)])) : [];

const checks = new Map<string, FileCheck>();

beforeAll(async () => {
  await pool(runs, 2);
  await loadModule();
  renders.forEach(renderInProcess);
  const written = [...runs, ...renders].filter((r) => r.code === 0).flatMap((r) => filesUnder(r.out));
  for (const c of [...checkPython(written.filter((f) => f.endsWith(".py"))), ...checkRuby(written.filter((f) => f.endsWith(".rb")))]) checks.set(c.file, c);
  for (const f of written) {
    if (f.endsWith(".js")) checks.set(f, await checkJs(f));
    else if (/\.ya?ml$/.test(f)) checks.set(f, checkYaml(f));
    else if (f.endsWith(".sql")) checks.set(f, { file: f, sql: [readFileSync(f, "utf8")] });
  }
}, 600_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A statement's parse tree without positions: equal trees, equal statements. */
function statementKeys(sql: string): string[] {
  return (parseSync(sql).stmts ?? []).map((s) => JSON.stringify(s.stmt, (k, v) => (k === "location" ? undefined : v)));
}

/** Statements a tool adds of its own: drizzle's journal row, goose's "nothing to do" SELECT of a constant. */
const toolOwn = (key: string) =>
  /"relname":"__drizzle_migrations"/.test(key) || /^\{"SelectStmt":\{"targetList":\[\{"ResTarget":\{"val":\{"A_Const":\{"sval":\{"sval":"[^"]*"\}\}\}\}\}\],"limitOption":"LIMIT_OPTION_DEFAULT","op":"SETOP_NONE"\}\}$/.test(key);

/** The plan's statements, with the guard each phase's file starts with (src/plan/guards.ts). */
function allowedKeys(plan: Plan): Set<string> {
  const keys = new Set<string>(statementKeys("BEGIN; COMMIT;"));
  for (const phase of withGuards(plan.phases, plan.engine)) {
    for (const s of [...phase.statements, ...(phase.rollback ?? [])]) for (const k of statementKeys(s.sql)) keys.add(k);
    if (phase.irreversible) for (const k of statementKeys(raiseIrreversibleSql(phase.irreversible))) keys.add(k);
  }
  return keys;
}

describe("hostile answers through plan --answers", () => {
  it(`the corpus has at least 50 cases (${CASES.length}: ${runs.length} CLI runs, ${renders.length} more renders)`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
  });

  it.each(runs.map((r) => [`${r.c.name} [${r.tool}]`, r] as const))("%s: exit code and first stderr line", (_name, r) => {
    const first = r.stderr.split("\n")[0];
    expect(r.code, r.stderr).toBe(r.c.exit);
    if (r.c.exit === 2) {
      expect(first).toMatch(r.c.stderr!);
      expect(existsSync(r.out), "nothing written").toBe(false);
    } else expect(r.stderr).toBe("");
  });

  it.each([...runs, ...renders].filter((r) => r.c.exit === 0).map((r) => [`${r.c.name} [${r.tool}]`, r] as const))(
    "%s: every file parses in its host language; its SQL is the plan's statements",
    (_name, r) => {
      expect(r.code).toBe(0);
      const plan = JSON.parse(r.stdout) as Plan;
      const pg = plan.engine === "postgresql";
      const allowed = pg ? allowedKeys(plan) : undefined;
      let sqlTexts = 0;
      for (const f of filesUnder(r.out)) {
        const c = checks.get(f);
        if (!c) continue;
        expect(c.error, f).toBeUndefined();
        if (!allowed || /\/verify\//.test(f)) continue;
        for (const raw of c.sql) {
          const sql = raw.replaceAll(MODEL_TABLE, sqlTable("postgresql", plan.answers.table!));
          sqlTexts++;
          for (const k of statementKeys(sql)) expect(allowed.has(k) || toolOwn(k), `${f}: a statement the plan does not have:\n${k.slice(0, 400)}`).toBe(true);
        }
      }
      if (pg) expect(sqlTexts).toBeGreaterThan(0);
    },
  );
});
