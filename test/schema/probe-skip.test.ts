/**
 * Probes skip the work they show is not needed, and PLAN.md says what they found: no duplicates -> no dedup,
 * no NULLs -> no backfill, no orphans or breaking rows -> no fix. Only a probe that read every row can skip
 * anything; a bounded one (or one that found rows) keeps the phase and says so. The checks that guard the
 * run stay in every case, so rows written after the probe are still caught. Pure: plans built in memory.
 */
import { describe, expect, it } from "vitest";
import type { PlanAnswers } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import type { Plan } from "../../src/plan/model.js";
import { renderPlanMarkdown } from "../../src/render/plan-md.js";
import type { ProbeFinding, SchemaSnapshot, TableInfo } from "../../src/schema/model.js";
import { emptyTable } from "../../src/schema/model.js";

const column = (name: string, type: string, nullable = true) => ({ name, type, nullable, default: null, identity: null, generated: null, collation: null, sequence: null });

const table = (name: string, columns: ReturnType<typeof column>[]): TableInfo => ({
  ...emptyTable("public", name, 50_000, 1 << 20),
  columns,
  primaryKey: { name: `${name}_pkey`, columns: ["id"] },
});

function snapshot(probe: ProbeFinding): SchemaSnapshot {
  return {
    engine: "postgresql",
    serverVersion: "16.4",
    source: { kind: "database-url", where: "postgresql://app@db/shop" },
    read: [],
    schemas: ["public"],
    tables: [table("users", [column("id", "integer", false), column("email", "text"), column("team_id", "integer")]), table("teams", [column("id", "integer", false)])],
    views: [],
    enums: [],
    sequences: [],
    names: [],
    probes: [probe],
  };
}

const base = {
  mode: "plan",
  engine: "postgresql",
  engine_version: "16",
  table: "users",
  approx_rows: 50_000,
  downtime_tolerance: "none",
  rollback_need: "phase-level",
  tool: "raw-sql",
} as const;

const CASES = {
  add_unique_constraint: {
    answers: { ...base, operation: "add_unique_constraint", columns: [{ name: "email" }] },
    probe: "duplicate_keys",
    what: "duplicated (email) values",
    hasFix: (p: Plan) => p.phases.some((x) => /Remove the extra copies/.test(x.title)),
    guard: /SELECT NOT EXISTS \(SELECT 1 FROM users .*GROUP BY .*HAVING count\(\*\) > 1/,
  },
  set_not_null: {
    answers: { ...base, operation: "set_not_null", columns: [{ name: "email" }], details: { set: "'unknown@example.com'" } },
    probe: "null_count",
    what: "NULL email",
    hasFix: (p: Plan) => p.phases.some((x) => x.kind === "backfill"),
    guard: /VALIDATE CONSTRAINT/,
  },
  add_foreign_key: {
    answers: { ...base, operation: "add_foreign_key", columns: [{ name: "team_id" }], details: { ref_table: "teams" } },
    probe: "orphans",
    what: "users rows whose team_id has no teams row",
    hasFix: (p: Plan) => p.phases.some((x) => x.why.includes("If the orphan check fails")),
    guard: /VALIDATE CONSTRAINT/,
  },
  add_check_constraint: {
    answers: { ...base, operation: "add_check_constraint", columns: [{ name: "email" }], details: { check: "email <> ''" } },
    probe: "check_violations",
    what: "rows breaking CHECK (email <> '')",
    hasFix: (p: Plan) => p.phases.some((x) => x.why.includes("If the violation check fails")),
    guard: /VALIDATE CONSTRAINT/,
  },
} as const;

function plan(op: keyof typeof CASES, found: number, exact: boolean): Plan {
  const c = CASES[op];
  const probe: ProbeFinding = { name: c.probe, value: found, exact, rowsRead: exact ? 50_000 : 100_000, text: `${found} ${c.what} ${exact ? "in all" : "in the first 100,000"} rows of public.users` };
  return buildPlan(c.answers as unknown as PlanAnswers, { snapshot: snapshot(probe), facts: { source: "the database", read: [], assumed: [] } });
}

const allSql = (p: Plan) => p.phases.flatMap((x) => [...x.statements.map((s) => s.sql), ...x.checks.map((k) => k.sql)]).join("\n");

describe.each(Object.keys(CASES) as (keyof typeof CASES)[])("%s with a probe", (op) => {
  it("an exact probe that found nothing leaves out the fix, states the count and that the run re-checks", () => {
    const p = plan(op, 0, true);
    expect(CASES[op].hasFix(p)).toBe(false);
    const md = renderPlanMarkdown(p);
    expect(md).toContain(`The probe run before planning found 0 ${CASES[op].what}`);
    expect(md).toContain("(exact: every row was read)");
    expect(md).toContain("The run re-checks");
    expect(allSql(p)).toMatch(CASES[op].guard);
  });

  it("a probe that found rows keeps the fix and says how many", () => {
    const p = plan(op, 12, true);
    expect(CASES[op].hasFix(p)).toBe(true);
    expect(renderPlanMarkdown(p)).toContain(`found 12 ${CASES[op].what}`);
  });

  it("a bounded probe that found nothing keeps the fix: the rows past the bound were not read", () => {
    const p = plan(op, 0, false);
    expect(CASES[op].hasFix(p)).toBe(true);
    expect(renderPlanMarkdown(p)).toContain("(bounded: only the first 100,000 rows were read, the table has more)");
  });

  it("without a probe the plan is the one it always was", () => {
    const c = CASES[op];
    const p = buildPlan(c.answers as unknown as PlanAnswers);
    expect(CASES[op].hasFix(p)).toBe(true);
    expect(renderPlanMarkdown(p)).not.toContain("The probe run before planning");
  });
});
