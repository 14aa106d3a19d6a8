/**
 * node-pg-migrate: `migrations/<ms timestamp>_<slug>.js`, `exports.up = (pgm) => { pgm.sql(...) }`;
 * `pgm.noTransaction()` for non-transactional files; `exports.down = false` for one-way phases.
 */
import template from "../../../templates/node-pg-migrate/migration.js.eta?raw";
import type { Plan } from "../../plan/model.js";
import type { RenderContext, ToolOutput, ToolRenderer } from "../types.js";
import { jsString } from "../../plan/encode.js";
import { versionClock } from "../../project/versions.js";
import { fileHeader, renderTemplate } from "./common.js";
import { splitNotes, type Segment } from "./steps.js";
import { renderPhaseSteps } from "./phase-loop.js";

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
    // node-pg-migrate's default prefix: milliseconds since the epoch, one second apart, after the project's newest (--project).
    const clock = versionClock(ctx.now, ctx.project?.versioned?.last, "milliseconds");
    // CommonJS files: `.cjs` in a project whose package.json makes `.js` files ES modules.
    const ext = ctx.project?.commonJs ?? "js";
    const { files, phases } = renderPhaseSteps(
      plan,
      ctx,
      {},
      (phase, step) => {
        // A migration's name is its file name without the extension; `up NAME` / `down NAME` run exactly that one.
        const name = `${clock.next()}_${step.slug}`;
        const content = renderTemplate(template, {
          ...fileHeader(plan, phase, step.up?.statements ?? []),
          up: body(step.up, step.transaction, "apply"),
          down: body(step.down, step.transaction, "undo"),
          irreversible: phase.irreversible,
        });
        return { files: [{ path: `migrations/${name}.${ext}`, content }], ref: name };
      },
      ({ phase, steps, paths, refs: names }) => ({
        files: paths,
        command: names.map((n) => `npx node-pg-migrate up ${n}`).join(" && "),
        rollbackCommand: phase.irreversible ? undefined : [...names].reverse().map((n) => `npx node-pg-migrate down ${n}`).join(" && "),
        notes: [
          ...splitNotes(steps, [], "`pgm.noTransaction()`"),
          ...(phase.irreversible ? [`exports.down = false: ${phase.irreversible}`] : []),
        ],
      }),
    );
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
