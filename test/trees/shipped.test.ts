import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { setPath } from "../../src/answers/path.js";
import { answersSchema, OPERATIONS, TOOLS, type Answers } from "../../src/answers/schema.js";
import type { TreeNode, TreeSet } from "../../src/trees/model.js";
import { loadTrees } from "../../src/trees/load.js";
import { packageRoot } from "../../src/trees/shipped.js";

const SOURCE_ROOT = packageRoot();
import { evaluate } from "../../src/wizard/condition.js";

const TREES_DIR = join(SOURCE_ROOT, "trees");
const PLAN_FILES = ["operation", "engine", "column", "table-size", "downtime", "rollback", "tool"];

/** Sample typed answers per input kind, valid for the answers contract. */
const SAMPLE: Record<string, unknown> = {
  identifier: "status",
  table: "orders",
  sql_type: "text",
  sql_default: "'active'",
  sql_expression: "amount >= 0",
  version: "16.2",
  integer: 1234,
  text: "refunded",
};

/**
 * Walks the plan tree the way the wizard does: skip a node whose `when` fails, otherwise answer it
 * from `script` (by node id), else the first offered choice or the sample for its input kind.
 */
function walk(trees: TreeSet, script: Record<string, unknown>) {
  let answers: Record<string, unknown> = {};
  const asked: string[] = [];
  let id: string | undefined = trees.entry.plan;
  for (let steps = 0; steps < 200; steps++) {
    const node: TreeNode = trees.nodes[id!];
    if (node.type === "end") return { asked, answers, outcome: node.outcome };
    if (node.when && !evaluate(node.when, answers as never)) {
      id = node.next;
      continue;
    }
    asked.push(node.id);
    if (node.type === "choice") {
      const offered = node.choices.filter((c) => !c.when || evaluate(c.when, answers as never));
      const choice = node.id in script ? offered.find((c) => c.value === script[node.id]) : offered[0];
      if (!choice) throw new Error(`no choice ${String(script[node.id])} at ${node.id}`);
      answers = setPath(answers, node.answer, choice.value);
      for (const [path, value] of Object.entries(choice.set ?? {})) answers = setPath(answers, path, value);
      id = choice.next ?? node.next;
    } else {
      answers = setPath(answers, node.answer, node.id in script ? script[node.id] : SAMPLE[node.input]);
      id = node.next;
    }
  }
  throw new Error("walk did not end");
}

const known = { tool: "raw-sql", engine: "postgresql" };

/**
 * Only the plan trees, so these walks test this tree data alone (troubleshoot.yaml is checked by
 * the "load with zero errors" test and has its own suite).
 */
let cachedPlanTrees: TreeSet | undefined;
function planTrees(): TreeSet {
  if (cachedPlanTrees) return cachedPlanTrees;
  const dir = mkdtempSync(join(tmpdir(), "mw-plan-trees-"));
  try {
    for (const name of PLAN_FILES) copyFileSync(join(TREES_DIR, `${name}.yaml`), join(dir, `${name}.yaml`));
    const result = loadTrees([dir]);
    expect(result.errors).toEqual([]);
    cachedPlanTrees = result.trees!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return cachedPlanTrees;
}

describe("shipped plan trees", () => {
  it("load with zero errors", () => {
    const result = loadTrees([TREES_DIR], { relativeTo: SOURCE_ROOT });
    expect(result.errors).toEqual([]);
    expect(result.trees!.entry.plan).toBe("operation");
    for (const name of PLAN_FILES) expect(result.trees!.files.map((f) => f.name)).toContain(name);
  });

  it("each file starts with the yaml-language-server schema line", () => {
    for (const f of readdirSync(TREES_DIR).filter((f) => f.endsWith(".yaml"))) {
      expect(readFileSync(join(TREES_DIR, f), "utf8").split("\n")[0], f).toBe("# yaml-language-server: $schema=../schemas/tree.schema.json");
    }
  });

  it("ask in order: operation, table, details, engine, version, size, downtime, rollback, tool", () => {
    const run = walk(planTrees(), { ...known, operation: "add_column", new_column_nullable: false, table_size: 5000000 });
    expect(run.asked).toEqual([
      "operation", "table", "new_column_name", "new_column_type", "new_column_nullable", "new_column_default",
      "engine", "pg_version_known", "pg_version", "table_size", "downtime", "rollback", "tool",
    ]);
    expect(run.outcome).toBe("plan");
    expect(answersSchema.parse(run.answers)).toMatchObject({
      operation: "add_column",
      table: "orders",
      columns: [{ name: "status", type: "text", nullable: false, default: "'active'" }],
      engine: "postgresql",
      engine_version: "16.2",
      approx_rows: 5000000,
      downtime_tolerance: "none",
      rollback_need: "phase-level", // the first (default) choice is never the riskiest
      tool: "raw-sql",
    });
  });

  it("offers Not sure on version, size, downtime, rollback and tool, each with the safe assumption recorded", () => {
    const script = { ...known, operation: "rename_column", pg_version_known: "unsure", table_size: "unsure", downtime: "unsure", rollback: "unsure" };
    const run = walk(planTrees(), { ...script, tool: "unsure" });
    expect(run.answers).toMatchObject({
      engine_version: "10",
      approx_rows: 50_000_000,
      downtime_tolerance: "none",
      rollback_need: "full",
      tool: "raw-sql",
      assumed: { engine_version: "not sure", approx_rows: "not sure", downtime_tolerance: "not sure", rollback_need: "not sure", tool: "not sure" },
    });
    expect(run.asked).not.toContain("pg_version");
    expect(answersSchema.safeParse(run.answers).success).toBe(true);
    const mysql = walk(planTrees(), { ...known, engine: "mysql", operation: "add_column", mysql_version_known: "unsure" });
    expect(mysql.answers).toMatchObject({ engine_version: "5.7", assumed: { engine_version: "not sure" } });
  });

  it("the first (Enter) choice of size, downtime and rollback is never the riskiest", () => {
    const trees = planTrees();
    const first = (id: string) => (trees.nodes[id] as { choices: { value: unknown }[] }).choices[0].value;
    expect(first("table_size")).toBe("unsure"); // planned as very large
    expect(first("downtime")).toBe("none");
    expect(first("rollback")).not.toBe("none");
  });

  it("asks the current column definition where the plan restates or copies it", () => {
    const asked = (operation: string, engine = "postgresql") => walk(planTrees(), { ...known, engine, operation }).asked;
    for (const op of ["rename_column", "change_column_type"]) {
      expect(asked(op)).toEqual(expect.arrayContaining(["column_type", "column_nullable", "column_default"]));
      expect(asked(op)).not.toContain("column_charset");
      expect(asked(op, "mysql")).toEqual(expect.arrayContaining(["column_type", "column_nullable", "column_default", "column_charset"]));
    }
    expect(asked("set_not_null")).not.toContain("column_type");
    expect(asked("set_not_null", "mysql")).toEqual(expect.arrayContaining(["column_type", "column_default", "column_charset"]));
    expect(asked("add_column")).not.toContain("column_type");
  });

  it.each(OPERATIONS.map((op) => [op]))("%s: every answer lands on a valid key of the answers contract", (operation) => {
    const run = walk(planTrees(), { ...known, operation });
    const parsed = answersSchema.safeParse(run.answers);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(run.answers.operation).toBe(operation);
    expect(typeof run.answers.table).toBe("string");
    const sizeAsked = run.asked.includes("table_size");
    expect(sizeAsked).toBe(!["create_table", "add_enum_value"].includes(operation));
  });

  it("asks the operation-specific details", () => {
    const asked = (operation: string) => {
      const all = walk(planTrees(), { ...known, operation }).asked;
      return all.slice(1, all.indexOf("engine"));
    };
    expect(asked("rename_column")).toEqual(["table", "column_name", "rename_to"]);
    expect(asked("change_column_type")).toEqual(["table", "column_name", "new_type", "using"]);
    expect(asked("add_foreign_key")).toEqual(["table", "column_name", "ref_table", "ref_column"]);
    expect(asked("add_index")).toEqual(["table", "column_name", "index_name", "index_unique"]);
    expect(asked("drop_index")).toEqual(["table", "drop_index_name"]);
    expect(walk(planTrees(), { ...known, operation: "add_enum_value" }).asked.slice(1, 4)).toEqual(["table", "enum_type", "enum_value"]);
    expect(asked("backfill")).toEqual(["table", "backfill_set", "backfill_where"]);
    expect(walk(planTrees(), { ...known, operation: "create_table" }).asked.slice(1, 5)).toEqual([
      "new_table", "new_column_name", "new_column_type", "new_column_nullable",
    ]);
  });

  it("MySQL asks its own version question; an exact row count is typed in", () => {
    const run = walk(planTrees(), { ...known, operation: "add_column", engine: "mysql", mysql_version: "8.0.36", table_size: "exact", table_rows_exact: 2500000 });
    expect(run.asked).toContain("mysql_version");
    expect(run.asked).not.toContain("pg_version");
    expect(run.asked).toContain("table_rows_exact");
    expect(run.answers).toMatchObject({ engine: "mysql", engine_version: "8.0.36", approx_rows: 2500000 });
  });

  it("MariaDB is an engine of its own with its own version question, not offered for enum values", () => {
    const run = walk(planTrees(), { ...known, operation: "drop_column", engine: "mariadb", mariadb_version: "10.11.6" });
    expect(run.asked).toContain("mariadb_version");
    expect(run.asked).not.toContain("mysql_version");
    expect(run.answers).toMatchObject({ engine: "mariadb", engine_version: "10.11.6" });
    const engine = planTrees().nodes["engine"];
    const offered = (operation: string) =>
      engine.type === "choice" && engine.choices.filter((c) => !c.when || evaluate(c.when, { operation } as Answers)).map((c) => c.value);
    expect(offered("drop_column")).toEqual(["postgresql", "mysql", "mariadb"]);
    expect(offered("add_enum_value")).toEqual(["postgresql"]);
  });

  it.each([
    [{ stack: "django" }, "django"],
    [{ stack: "python" }, "alembic"],
    [{ stack: "node", node_orm: "prisma" }, "prisma"],
    [{ stack: "node", node_orm: "drizzle" }, "drizzle"],
    [{ stack: "node", node_orm: "none", node_tool: "knex" }, "knex"],
    [{ stack: "node", node_orm: "none", node_tool: "node-pg-migrate" }, "node-pg-migrate"],
    [{ stack: "rails" }, "rails"],
    [{ stack: "go", go_tool: "golang-migrate" }, "golang-migrate"],
    [{ stack: "go", go_tool: "goose" }, "goose"],
    [{ stack: "many", jvm_tool: "flyway" }, "flyway"],
    [{ stack: "many", jvm_tool: "liquibase" }, "liquibase"],
    [{ stack: "sql", sql_tool: "sqitch" }, "sqitch"],
    [{ stack: "sql", sql_tool: "dbmate" }, "dbmate"],
  ])("'help me choose' with %j picks %s", (script, tool) => {
    const run = walk(planTrees(), { engine: "postgresql", operation: "add_index", tool: "choose", ...script });
    expect(run.answers.tool).toBe(tool);
    expect(run.outcome).toBe("plan");
    expect(answersSchema.safeParse(run.answers).success).toBe(true);
  });

  it("offers every tool of the contract directly", () => {
    const node = planTrees().nodes.tool;
    expect(node.type).toBe("choice");
    const values = node.type === "choice" ? node.choices.map((c) => c.value) : [];
    for (const tool of TOOLS) expect(values).toContain(tool);
  });

  it("every question explains why it matters and is specific enough to teach", () => {
    for (const node of Object.values(planTrees().nodes)) {
      if (node.type === "end" || !PLAN_FILES.includes(node.tree)) continue;
      expect(node.help.length, node.id).toBeGreaterThan(60);
    }
  });

  it("the published tree schema names every key the shipped trees use", () => {
    const schema = JSON.parse(readFileSync(join(SOURCE_ROOT, "schemas/tree.schema.json"), "utf8"));
    const branches: Record<string, { properties: Record<string, any>; required: string[] }> = {};
    for (const b of schema.properties.nodes.items.oneOf) branches[b.properties.type.const] = b;
    const choiceKeys = Object.keys(branches.choice.properties.choices.items.properties);
    for (const f of PLAN_FILES.map((n) => `${n}.yaml`)) {
      const tree = parse(readFileSync(join(TREES_DIR, f), "utf8"));
      for (const key of Object.keys(tree)) expect(Object.keys(schema.properties), `${f}: ${key}`).toContain(key);
      for (const key of schema.required) expect(tree, f).toHaveProperty(key);
      for (const node of tree.nodes) {
        const branch = branches[node.type];
        expect(branch, `${f}: ${node.id}`).toBeDefined();
        for (const key of Object.keys(node)) expect(Object.keys(branch.properties), `${f}: ${node.id}.${key}`).toContain(key);
        for (const key of branch.required) expect(node, `${f}: ${node.id}`).toHaveProperty(key);
        for (const choice of node.choices ?? []) {
          for (const key of Object.keys(choice)) expect(choiceKeys, `${f}: ${node.id} choice ${key}`).toContain(key);
        }
      }
    }
  });
});
