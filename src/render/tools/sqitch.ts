/**
 * Sqitch: `sqitch.plan`, `sqitch.conf`, and `deploy/`, `revert/`, `verify/<change>.sql`, one change
 * per phase. Scripts run through psql: transactional parts carry their own BEGIN/COMMIT and
 * non-transactional statements stand outside them; verify scripts fail when a check is false.
 */
import { commentText, dollarQuoted, raiseMessage } from "../../plan/encode.js";
import scriptTemplate from "../../../templates/sqitch/script.sql.eta?raw";
import planTemplate from "../../../templates/sqitch/sqitch.plan.eta?raw";
import confTemplate from "../../../templates/sqitch/sqitch.conf.eta?raw";
import type { Check, Phase, Plan } from "../../plan/model.js";
import type { PhaseFiles, RenderContext, RenderedFile, ToolOutput, ToolRenderer } from "../types.js";
import { lockSummary, raiseIrreversibleSql, renderTemplate, snake } from "./common.js";
import { appendLines } from "../../project/edits.js";
import { ProjectError } from "../../project/types.js";
import { segments, sqlPhases, terminated, type Segment } from "./steps.js";

const PLANNER = "migration-wizard <migration-wizard@example.invalid>";

const blocks = (segs: Segment[]) =>
  segs.map((s) => ({ wrap: s.transaction, end: "COMMIT", statements: s.statements.map((st) => terminated(st.sql)) }));

/** A check turned into a statement that fails when the check's `ok` is not true. */
function verifyStatement(check: Check): string {
  const query = check.sql.trim().replace(/;\s*$/, "");
  const body = `\nBEGIN\n  IF NOT coalesce((SELECT ok FROM (${query}) AS c LIMIT 1), false) THEN\n    RAISE EXCEPTION ${raiseMessage(`verify failed: ${check.description}`)};\n  END IF;\nEND\n`;
  return `DO ${dollarQuoted(body, "verify")};`;
}

/** A phase's three scripts: deploy, revert, and verify (its checks, each failing the verify when not ok). */
function changeScripts(plan: Plan, phase: Phase, change: string): RenderedFile[] {
  const common = { change, phase, summary: plan.summary };
  const upSegs = segments(phase.statements);
  const mixed = upSegs.some((s) => !s.transaction);
  const script = (kind: string, data: object) => ({ path: `${kind.toLowerCase()}/${change}.sql`, content: renderTemplate(scriptTemplate, { ...common, kind, ...data }) });
  return [
    script("Deploy", {
      locks: lockSummary(phase.statements),
      explain: mixed ? ["Statements outside BEGIN/COMMIT cannot run in a transaction block; psql runs them one by one."] : [],
      blocks: blocks(upSegs),
    }),
    script("Revert", {
      locks: lockSummary(phase.rollback ?? []),
      explain: phase.irreversible ? [`Irreversible: ${phase.irreversible}`] : [],
      blocks: phase.irreversible ? [{ wrap: false, statements: [raiseIrreversibleSql(phase.irreversible, plan.engine)] }] : blocks(segments(phase.rollback ?? [])),
    }),
    script("Verify", {
      locks: [],
      explain: phase.checks.map((c) => `Check: ${c.description}`),
      // Verify reads only; ROLLBACK leaves no trace.
      blocks: [{ wrap: true, end: "ROLLBACK", statements: phase.checks.length ? phase.checks.map(verifyStatement) : ["SELECT 1;"] }],
    }),
  ];
}

export const sqitch: ToolRenderer = {
  tool: "sqitch",
  render(plan: Plan, ctx: RenderContext): ToolOutput {
    const files: RenderedFile[] = [];
    const phases: Record<string, PhaseFiles> = {};
    const changes: { name: string; requires: string; note: string }[] = [];
    // Joining a project (--project): lines appended to its sqitch.plan, the first change requiring its last one.
    const project = ctx.project?.sqitch;
    let previous: string | null = project?.last ?? null;
    for (const phase of sqlPhases(plan.phases)) {
      const change = `${snake(ctx.slug)}_${snake(phase.id)}`;
      if (project?.changes.includes(change)) {
        throw new ProjectError(`${project.plan.path} already has a change named ${change}: this plan was added before (revert and remove it, or choose another change)`);
      }
      const scripts = changeScripts(plan, phase, change);
      files.push(...scripts);
      changes.push({ name: change, requires: previous ? ` [${previous}]` : "", note: commentText(phase.title) });
      phases[phase.id] = {
        files: scripts.map((f) => f.path),
        command: `sqitch deploy --to ${change}`,
        rollbackCommand: phase.irreversible ? undefined : previous ? `sqitch revert -y --to ${previous}` : "sqitch revert -y",
        notes: [
          ...(phase.irreversible ? [`revert/${change}.sql raises an error: ${phase.irreversible}`] : []),
          ...(!previous && !phase.irreversible
            ? ["In the project written here this is the first change, so `sqitch revert -y` reverts it alone; appended to an existing plan, use `sqitch revert -y --to <the change before it>` (or generate with --project)."]
            : []),
        ],
      };
      previous = change;
    }
    const planned = ctx.now.toISOString().replace(/\.\d+Z$/, "Z");
    const lines = renderTemplate(planTemplate, { header: !project, project: snake(ctx.slug), changes, planned, planner: PLANNER });
    files.unshift(
      ...(project
        ? [{ path: project.plan.path, content: appendLines(project.plan, lines.split("\n").filter(Boolean)), base: project.plan.content }]
        : [
            { path: "sqitch.conf", content: renderTemplate(confTemplate, {}) },
            { path: "sqitch.plan", content: lines },
          ]),
    );
    return {
      tool: "sqitch",
      files,
      phases,
      notes: [
        project
          ? `The changes are appended to ${project.plan.path}${project.last ? `, the first one requiring ${project.last}` : ""}; sqitch.conf is the project's own.`
          : "In an existing Sqitch project, append the changes to your sqitch.plan (`sqitch add` writes the same lines) and keep your sqitch.conf, or generate with --project.",
      ],
    };
  },
};
