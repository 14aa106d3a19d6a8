import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkTrees } from "../../src/trees/check.js";
import { packageRoot, shippedTreesDir } from "../../src/trees/shipped.js";
import { treeDir } from "./helpers.js";

const SHIPPED = join(packageRoot(), "trees");

describe("trees check", () => {
  it("finds the shipped trees folder from source", () => {
    expect(shippedTreesDir()).toBe(SHIPPED);
  });

  it("passes the shipped trees with a one-line summary", () => {
    const files = readdirSync(SHIPPED).filter((f) => f.endsWith(".yaml")).length;
    const { output, exitCode } = checkTrees();
    expect(output).toMatch(new RegExp(`^ok: ${files} trees, \\d+ nodes$`));
    expect(exitCode).toBe(0);
  });

  it("fails on a malformed copy with file:line:col in DIR", () => {
    const dir = treeDir({});
    cpSync(SHIPPED, dir, { recursive: true });
    const file = join(dir, "downtime.yaml");
    const lines = readFileSync(file, "utf8").trimEnd().split("\n").length;
    writeFileSync(file, readFileSync(file, "utf8") + "broken: [unclosed\n");
    const { output, exitCode } = checkTrees(dir);
    expect(exitCode).toBe(1);
    expect(output.split("\n")).toEqual([
      `${dir}/downtime.yaml:${lines + 1}:1: YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
      "1 error in the trees",
    ]);
  });

  it("accepts a team's tree that replaces a shipped one and points at shipped nodes", () => {
    const dir = treeDir({
      "table-size.yaml": `title: Table size (our thresholds)
nodes:
  - id: table_size
    type: choice
    prompt: How big is the table?
    help: Our replicas lag above 100k rows, so we batch earlier than the default.
    answer: approx_rows
    next: downtime
    choices:
      - {value: 5000, label: Under 100k rows}
      - {value: 5000000, label: Over 100k rows}
`,
    });
    const { output, exitCode } = checkTrees(dir);
    expect(output).toMatch(/^ok: \d+ trees, \d+ nodes$/);
    expect(exitCode).toBe(0);
  });

  it("reports a team tree's dangling reference at the team's file", () => {
    const dir = treeDir({
      "downtime.yaml": "title: Downtime\nnodes:\n  - id: downtime\n    type: choice\n    prompt: Window?\n    help: Why it matters.\n    answer: downtime_tolerance\n    next: rollbak\n    choices: [{value: none, label: None}]\n",
    });
    const { output, exitCode } = checkTrees(dir);
    expect(exitCode).toBe(1);
    expect(output).toContain(`${dir}/downtime.yaml:8:11: "rollbak" is not a node in any tree`);
  });
});
