/** PLAN.md for a newcomer: a diagram of the phases first, and every assumption listed with how to check it. */
import { describe, expect, it } from "vitest";
import type { PlanAnswers } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import { mermaidLabel } from "../../src/render/mermaid.js";
import { planOutputs } from "../../src/render/outputs.js";

const NOW = new Date("2026-12-04T12:00:00Z");
const notSure = {
  mode: "plan",
  engine: "postgresql",
  engine_version: "10",
  operation: "rename_column",
  table: "users",
  columns: [{ name: "email", type: "text" }],
  details: { new_name: "email_address" },
  approx_rows: 50_000_000,
  downtime_tolerance: "none",
  rollback_need: "full",
  tool: "raw-sql",
  assumed: { engine_version: "not sure", approx_rows: "not sure", downtime_tolerance: "not sure", rollback_need: "not sure", tool: "not sure" },
} as PlanAnswers;
const planMd = (answers: PlanAnswers) => planOutputs(answers, NOW).files.find((f) => f.path === "PLAN.md")!.content;

describe("PLAN.md's Assumptions section", () => {
  it("lists every Not sure answer with the value used and how to check it", () => {
    const md = planMd(notSure);
    const section = md.slice(md.indexOf("## Assumptions"), md.indexOf("## ", md.indexOf("## Assumptions") + 3));
    expect(section).toContain("**engine version**: PostgreSQL 10, the oldest supported (you were not sure).");
    expect(section).toMatch(/On PostgreSQL 18 this plan would (be the same|have .*instead of)/);
    expect(section).toContain("`SELECT version();`");
    expect(section).toContain("**table size**: 50,000,000 rows: planned as very large");
    expect(section).toContain("`SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass('users');`");
    expect(section).toContain("**downtime tolerance**");
    expect(section).toContain("**rollback need**");
    expect(section).toContain("**migration tool**: plain SQL files");
    expect(section).toContain("**primary key**: a single column named `id`");
    expect(section).toContain("**migration file names**");
  });

  it("says a size class stands for a row count, and names the Django app label", () => {
    const md = planMd({ ...notSure, assumed: { approx_rows: "size class" }, approx_rows: 5000, tool: "django" });
    expect(md).toContain("**table size**: 5,000 rows, standing for the size class you picked");
    expect(md).toContain("**Django app label**");
    expect(md).not.toContain("**engine version**");
  });

  it("says what a newer version would save when it changes the plan", () => {
    const md = planMd({ ...notSure, operation: "add_column", columns: [{ name: "status", type: "text", default: "'new'", nullable: false }], details: {} });
    expect(md).toMatch(/On PostgreSQL 18 this plan would have [^.]*instead of/);
  });
});

describe("PLAN.md's diagram", () => {
  it("opens the runbook, one node per phase with its kind and lock, deploys as their own shape", () => {
    const md = planMd(notSure);
    const plan = buildPlan(notSure);
    const diagram = md.slice(md.indexOf("```mermaid"), md.indexOf("```", md.indexOf("```mermaid") + 3) + 3);
    expect(md.indexOf("```mermaid")).toBeLessThan(md.indexOf("## Strategy"));
    expect(diagram).toContain("flowchart TD");
    plan.phases.forEach((p, i) => expect(diagram).toContain(`p${i + 1}`));
    expect(diagram).toMatch(/lock: ACCESS EXCLUSIVE/);
    expect(diagram).toMatch(/\[\/".*application deploy, no SQL.*"\/\]/);
  });

  it("encodes user text for Mermaid labels: quotes, #, <, >, & and backticks cannot end or break a label", () => {
    expect(mermaidLabel('say "hi" #1 <b> & `x`\nnext')).toBe("say #34;hi#34; #35;1 #60;b#62; #38; #96;x#96; next");
    const md = planMd({ ...notSure, operation: "backfill", details: { set: 'note = \'"quoted" <b>\'', backfill_where: "note IS NULL" }, columns: [] } as PlanAnswers);
    const diagram = md.slice(md.indexOf("```mermaid"), md.indexOf("```", md.indexOf("```mermaid") + 3));
    for (const line of diagram.split("\n").slice(2)) expect(line).not.toMatch(/\["[^"]*"[^\]]*"\]/);
  });
});
