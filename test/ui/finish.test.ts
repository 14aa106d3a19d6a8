/** The wizard's finish: next steps as typed from here, and answers never lost when writing fails. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Answers, PlanAnswers } from "../../src/answers/schema.js";
import { planOutputs } from "../../src/render/outputs.js";
import { invokedAs, nextSteps, planFinisher } from "../../src/ui/finish.js";

const dir = mkdtempSync(join(tmpdir(), "mw-finish-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dropIndex = {
  mode: "plan",
  engine: "postgresql",
  engine_version: "16.2",
  operation: "drop_index",
  table: "users",
  details: { index_name: "users_email_idx" },
  approx_rows: 5_000_000,
  downtime_tolerance: "none",
  rollback_need: "phase-level",
  tool: "raw-sql",
} as PlanAnswers;

describe("next steps", () => {
  it("drop_index: step 1 is the plan's phase 1 (the check), paths carry the output folder, commands run from here", () => {
    const { plan, tool } = planOutputs(dropIndex, new Date(0));
    const steps = nextSteps(plan, tool, "plans/drop idx", "npm start --");
    expect(steps[0]).toBe("Read plans/drop idx/PLAN.md and tick its checklist before phase 1");
    expect(steps[1]).toMatch(new RegExp(`^Phase 1 of ${plan.phases.length} \\(${plan.phases[0].kind}\\): ${plan.phases[0].title.replace(/[()]/g, ".")}`));
    expect(steps[1]).not.toMatch(/DROP/i);
    expect(steps.join("\n")).toContain("npm start -- verify 'plans/drop idx'");
    const withFile = nextSteps(planOutputs({ ...dropIndex, operation: "add_column", columns: [{ name: "s", type: "text" }], details: {} }, new Date(0)).plan, planOutputs({ ...dropIndex, operation: "add_column", columns: [{ name: "s", type: "text" }], details: {} }, new Date(0)).tool, "out", "migration-wizard");
    expect(withFile[1]).toMatch(/: cd out && psql "\$DATABASE_URL" .* -f migrations\/\S+\.up\.sql$/);
  });

  it("names the command the way this run was started", () => {
    expect(invokedAs({ npm_lifecycle_event: "start", npm_package_name: "migration-wizard" }, ["node", "/x/scripts/start.mjs"], "/x")).toBe("npm start --");
    expect(invokedAs({}, ["node", "/usr/local/bin/migration-wizard"], "/home/u")).toBe("migration-wizard");
    expect(invokedAs({}, ["node", "/repo/dist/cli.js"], "/repo")).toBe("node dist/cli.js");
  });
});

describe("answers are never lost", () => {
  it("when the folder cannot be written, the answers are saved beside it and the error says where and how to retry", async () => {
    const out = join(dir, "taken");
    mkdirSync(out);
    writeFileSync(join(out, "PLAN.md"), "someone else's plan\n");
    const finish = planFinisher({ out, cli: "migration-wizard" });
    const error = await finish({ answers: dropIndex as Answers }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/Your answers are saved in (\S+)\. Fix the problem, then run: migration-wizard plan --answers \S+ --out \S+/);
    const saved = /saved in (\S+)\./.exec(error!.message)![1];
    expect(existsSync(saved)).toBe(true);
    expect(parse(readFileSync(saved, "utf8"))).toMatchObject({ operation: "drop_index", table: "users", details: { index_name: "users_email_idx" } });
    expect(readFileSync(join(out, "PLAN.md"), "utf8")).toBe("someone else's plan\n");
  });

  it("when building fails (an answer the plan cannot use), the answers are saved too", async () => {
    const out = join(dir, "bad");
    const finish = planFinisher({ out, cli: "migration-wizard" });
    const error = await finish({ answers: { ...dropIndex, operation: "rename_column", columns: [{ name: "email" }], details: { new_name: "email" } } as Answers }).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/Your answers are saved in /);
    expect(existsSync(join(out, "PLAN.md"))).toBe(false);
  });
});
