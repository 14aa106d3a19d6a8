/**
 * Knex: `migrations/<YYYYMMDDHHMMSS>_<slug>.js`, exports.up/down with knex.raw;
 * `exports.config = { transaction: false }` for non-transactional files.
 */
import template from "../../../templates/knex/migration.js.eta?raw";
import type { Plan } from "../../plan/model.js";
import type { PhaseFiles, RenderContext, RenderedFile, ToolOutput, ToolRenderer } from "../types.js";
import { jsQuoted, jsString, slashComment } from "../../plan/encode.js";
import { versionClock } from "../../project/versions.js";
import { fileHeader, phaseSlug, renderTemplate } from "./common.js";
import { nameSteps, phaseSteps, splitNotes, sqlPhases, type Segment } from "./steps.js";

function body(seg: Segment | null, transaction: boolean, what: string): string {
  if (!seg) return `  // Nothing to ${what} in this file.`;
  const sqls = seg.statements.map((s) => jsString(s.sql));
  if (transaction) return sqls.map((q) => `  await knex.raw(${q});`).join("\n");
  return `  await onOneConnection(knex, [\n${sqls.map((q) => `    ${q},`).join("\n")}\n  ]);`;
}

export const knex: ToolRenderer = {
  tool: "knex",
  render(plan: Plan, ctx: RenderContext): ToolOutput {
    const files: RenderedFile[] = [];
    const phases: Record<string, PhaseFiles> = {};
    // After the project's newest migration (--project), in the knexfile's migrations directory.
    const dir = ctx.project?.versioned?.dir ?? "migrations";
    const clock = versionClock(ctx.now, ctx.project?.versioned?.last, "timestamp");
    const ext = ctx.project?.commonJs ?? "js";
    for (const phase of sqlPhases(plan.phases)) {
      const { steps } = phaseSteps(phase);
      const names: string[] = [];
      for (const step of nameSteps(steps, (part) => phaseSlug(ctx, phase, part))) {
        const name = `${clock.next()}_${step.slug}.${ext}`;
        const down = phase.irreversible
          ? `  ${slashComment(`Irreversible: ${phase.irreversible}`)}\n  throw new Error(${jsQuoted(`This migration cannot be undone: ${phase.irreversible}`)});`
          : body(step.down, step.transaction, "undo");
        files.push({
          path: `${dir}/${name}`,
          content: renderTemplate(template, {
            ...fileHeader(plan, phase, step.up?.statements ?? []),
            transaction: step.transaction,
            up: body(step.up, step.transaction, "apply"),
            down,
          }),
        });
        names.push(name);
      }
      phases[phase.id] = {
        files: names.map((n) => `${dir}/${n}`),
        command: names.map((n) => `npx knex migrate:up ${n}`).join(" && "),
        rollbackCommand: phase.irreversible ? undefined : [...names].reverse().map((n) => `npx knex migrate:down ${n}`).join(" && "),
        notes: [
          ...splitNotes(steps, [], "`exports.config = { transaction: false }`"),
          ...(phase.irreversible ? [`down throws: ${phase.irreversible}`] : []),
        ],
      };
    }
    return {
      tool: "knex",
      files,
      phases,
      notes: [
        ext === "cjs"
          ? "Files are CommonJS (`exports.up`), named `.cjs` because the project's package.json makes `.js` files ES modules."
          : "Files are CommonJS (`exports.up`); in an ESM project name them `.cjs` or rewrite the exports as `export async function up` (or generate with --project).",
      ],
    };
  },
};
