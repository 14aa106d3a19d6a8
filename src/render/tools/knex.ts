/**
 * Knex: `migrations/<YYYYMMDDHHMMSS>_<slug>.js`, exports.up/down with knex.raw;
 * `exports.config = { transaction: false }` for non-transactional files.
 */
import template from "../../../templates/knex/migration.js.eta?raw";
import type { Plan } from "../../plan/model.js";
import type { RenderContext, ToolOutput, ToolRenderer } from "../types.js";
import { jsQuoted, jsString, slashComment } from "../../plan/encode.js";
import { versionClock } from "../../project/versions.js";
import { fileHeader, renderTemplate } from "./common.js";
import { splitNotes, type Segment } from "./steps.js";
import { renderPhaseSteps } from "./phase-loop.js";

function body(seg: Segment | null, transaction: boolean, what: string): string {
  if (!seg) return `  // Nothing to ${what} in this file.`;
  const sqls = seg.statements.map((s) => jsString(s.sql));
  if (transaction) return sqls.map((q) => `  await knex.raw(${q});`).join("\n");
  return `  await onOneConnection(knex, [\n${sqls.map((q) => `    ${q},`).join("\n")}\n  ]);`;
}

export const knex: ToolRenderer = {
  tool: "knex",
  render(plan: Plan, ctx: RenderContext): ToolOutput {
    // After the project's newest migration (--project), in the knexfile's migrations directory.
    const dir = ctx.project?.versioned?.dir ?? "migrations";
    const clock = versionClock(ctx.now, ctx.project?.versioned?.last, "timestamp");
    const ext = ctx.project?.commonJs ?? "js";
    const { files, phases } = renderPhaseSteps(
      plan,
      ctx,
      {},
      (phase, step) => {
        const name = `${clock.next()}_${step.slug}.${ext}`;
        const down = phase.irreversible
          ? `  ${slashComment(`Irreversible: ${phase.irreversible}`)}\n  throw new Error(${jsQuoted(`This migration cannot be undone: ${phase.irreversible}`)});`
          : body(step.down, step.transaction, "undo");
        const content = renderTemplate(template, {
          ...fileHeader(plan, phase, step.up?.statements ?? []),
          transaction: step.transaction,
          up: body(step.up, step.transaction, "apply"),
          down,
        });
        return { files: [{ path: `${dir}/${name}`, content }], ref: name };
      },
      ({ phase, steps, paths, refs: names }) => ({
        files: paths,
        command: names.map((n) => `npx knex migrate:up ${n}`).join(" && "),
        rollbackCommand: phase.irreversible ? undefined : [...names].reverse().map((n) => `npx knex migrate:down ${n}`).join(" && "),
        notes: [
          ...splitNotes(steps, [], "`exports.config = { transaction: false }`"),
          ...(phase.irreversible ? [`down throws: ${phase.irreversible}`] : []),
        ],
      }),
    );
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
