/**
 * node-pg-migrate: `migrations/<ms timestamp>_<slug>.js`, `exports.up = (pgm) => { pgm.sql(...) }`;
 * `pgm.noTransaction()` for non-transactional files; `exports.down = false` for one-way phases.
 */
import template from "../../../templates/node-pg-migrate/migration.js.eta?raw";
import type { Plan } from "../../plan/model.js";
import type { PhaseFiles, RenderContext, RenderedFile, ToolOutput, ToolRenderer } from "../types.js";
import { jsString } from "../../plan/encode.js";
import { versionClock } from "../../project/versions.js";
import { fileHeader, phaseSlug, renderTemplate } from "./common.js";
import { nameSteps, phaseSteps, splitNotes, sqlPhases, type Segment } from "./steps.js";

function body(seg: Segment | null, transaction: boolean, what: string): string {
  const lines: string[] = [];
  if (!transaction) lines.push("  // Cannot run inside a transaction block (CREATE INDEX CONCURRENTLY, a loop that commits).", "  pgm.noTransaction();");
  if (!seg) lines.push(`  // Nothing to ${what} in this file.`);
  else lines.push(...seg.statements.map((s) => `  pgm.sql(${jsString(s.sql)});`));
  return lines.join("\n");
}

export const nodePgMigrate: ToolRenderer = {
  tool: "node-pg-migrate",
  render(plan: Plan, ctx: RenderContext): ToolOutput {
    const files: RenderedFile[] = [];
    const phases: Record<string, PhaseFiles> = {};
    // node-pg-migrate's default prefix: milliseconds since the epoch, one second apart, after the project's newest (--project).
    const clock = versionClock(ctx.now, ctx.project?.versioned?.last, "milliseconds");
    // CommonJS files: `.cjs` in a project whose package.json makes `.js` files ES modules.
    const ext = ctx.project?.commonJs ?? "js";
    for (const phase of sqlPhases(plan.phases)) {
      const { steps } = phaseSteps(phase);
      const paths: string[] = [];
      for (const step of nameSteps(steps, (part) => phaseSlug(ctx, phase, part))) {
        const path = `migrations/${clock.next()}_${step.slug}.${ext}`;
        files.push({
          path,
          content: renderTemplate(template, {
            ...fileHeader(plan, phase, step.up?.statements ?? []),
            up: body(step.up, step.transaction, "apply"),
            down: body(step.down, step.transaction, "undo"),
            irreversible: phase.irreversible,
          }),
        });
        paths.push(path);
      }
      // A migration's name is its file name without the extension; `up NAME` / `down NAME` run exactly that one.
      const names = paths.map((p) => p.replace(/^migrations\//, "").replace(/\.c?js$/, ""));
      phases[phase.id] = {
        files: paths,
        command: names.map((n) => `npx node-pg-migrate up ${n}`).join(" && "),
        rollbackCommand: phase.irreversible ? undefined : [...names].reverse().map((n) => `npx node-pg-migrate down ${n}`).join(" && "),
        notes: [
          ...splitNotes(steps, [], "`pgm.noTransaction()`"),
          ...(phase.irreversible ? [`exports.down = false: ${phase.irreversible}`] : []),
        ],
      };
    }
    return {
      tool: "node-pg-migrate",
      files,
      phases,
      notes: [
        "`up NAME` / `down NAME` run exactly the named migration (`up N` / `down N` would take the next or last N, whichever phase they belong to): run each phase's command when that phase is due, and undo phases newest first. " +
          "Do not pass --single-transaction: it would wrap the non-transactional files too.",
      ],
    };
  },
};
