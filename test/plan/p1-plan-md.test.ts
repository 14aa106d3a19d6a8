import { describe, expect, it } from "vitest";
import { renderPlanMarkdown } from "../../src/render/plan-md.js";
import type { ToolOutput } from "../../src/render/types.js";
import { planFor } from "./p1-pglite.js";

const plan = planFor({ operation: "add_column", columns: [{ name: "token", type: "uuid", nullable: false, default: "gen_random_uuid()" }] });

const headings = (md: string) => md.split("\n").filter((l) => /^#{1,3} /.test(l));

describe("renderPlanMarkdown", () => {
  const md = renderPlanMarkdown(plan);

  it("has the sections of a runbook, in order", () => {
    const top = headings(md).filter((h) => /^#{1,2} /.test(h));
    expect(top).toEqual([
      `# ${plan.summary}`,
      "## Strategy",
      "## Your answers",
      "## Assumptions",
      "## Warnings",
      "## Before you start",
      "## Phases at a glance",
      ...plan.phases.map((p, i) => `## Phase ${i + 1} of ${plan.phases.length}: ${p.title}`),
      "## Deadlock",
      "## Lock glossary",
    ]);
  });

  it("shows every statement, check and rollback of every phase as SQL, in phase order", () => {
    let at = 0;
    for (const phase of plan.phases) {
      const start = md.indexOf(`: ${phase.title}\n`, at);
      expect(start).toBeGreaterThan(at);
      for (const s of phase.statements) expect(md.indexOf("```sql\n" + s.sql + "\n```", start)).toBeGreaterThan(start);
      for (const c of phase.checks) expect(md).toContain(c.sql);
      for (const r of phase.rollback ?? []) expect(md).toContain(r.sql);
      at = start;
    }
  });

  it("notes each statement's lock, rewrite and transaction, and explains the locks used", () => {
    expect(md).toContain("_lock: **ACCESS EXCLUSIVE** on `accounts` · no rewrite · inside a transaction._");
    expect(md).toContain("**outside a transaction block** (runs on its own, autocommit)");
    expect(md).toContain("batched: 1000 rows per batch, 20 ms pause");
    expect(md).toMatch(/- \*\*ACCESS EXCLUSIVE\*\*: blocks everything/);
    expect(md).toMatch(/- \*\*SHARE UPDATE EXCLUSIVE\*\*: /);
    expect(md).not.toMatch(/- \*\*SHARE\*\*: /);
  });

  it("has checklist boxes, the answers table, estimates and lock-timeout advice", () => {
    expect(md).toContain("- [ ] A backup (or snapshot) taken");
    expect(md).toContain("| table | `accounts` |");
    expect(md).toContain("| approx. rows | 50,000,000 |");
    expect(md).toContain("### How long it may take\n\nAbout 50,000 batches");
    expect(md).toContain("### If the lock timeout fires");
    expect(md).toContain("### Checks");
  });

  it("says when a phase is irreversible and when a deploy must happen first", () => {
    const rename = planFor({ operation: "rename_column", columns: [{ name: "email", type: "text" }], details: { new_name: "email_address" } });
    const text = renderPlanMarkdown(rename);
    expect(text).toContain("**Irreversible:** Dropping email deletes its data.");
    expect(text).toContain("### Deploy before the next phase\n\nDeploy the version that reads and writes email_address");
    expect(text).toContain("Redeploy the previous application version.");
    expect(text).toMatch(/\| 3 \| Switch the application to email_address \| deploy \| none \| no \| yes \|/);
  });

  it("includes the tool's files and commands when given", () => {
    const tool: ToolOutput = {
      tool: "alembic",
      files: [],
      notes: ["Put the files in alembic/versions."],
      phases: {
        [plan.phases[0].id]: { files: ["alembic/versions/a1_add.py"], command: "alembic upgrade +1", rollbackCommand: "alembic downgrade -1" },
      },
    };
    const text = renderPlanMarkdown(plan, tool);
    expect(text).toContain("## Using alembic\n\n- Put the files in alembic/versions.");
    expect(text).toContain("- Files: `alembic/versions/a1_add.py`\n- Command: `alembic upgrade +1`");
    expect(text).toContain("With the tool: `alembic downgrade -1`");
    expect(md).toContain("Run the statements in order.");
  });
});
