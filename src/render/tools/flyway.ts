/**
 * Flyway: `sql/V<n>__<slug>.sql` and its undo `sql/U<n>__<slug>.sql`; a script configuration file
 * `<script>.conf` with `executeInTransaction=false` beside each non-transactional script.
 */
import template from "../../../templates/flyway/migration.sql.eta?raw";
import confTemplate from "../../../templates/flyway/script.conf.eta?raw";
import type { Plan } from "../../plan/model.js";
import type { RenderContext, RenderedFile, ToolOutput, ToolRenderer } from "../types.js";
import { fileHeader, renderTemplate } from "./common.js";
import { splitNotes } from "./steps.js";
import { fileStatements, renderPhaseSteps } from "./phase-loop.js";

const REASON = "it holds a statement that cannot run inside a transaction block";

export const flyway: ToolRenderer = {
  tool: "flyway",
  render(plan: Plan, ctx: RenderContext): ToolOutput {
    // Numbered after the project's highest version (--project), in its folder.
    const dir = ctx.project?.numbered?.dir ?? "sql";
    let version = ctx.project?.numbered?.last ?? 0;
    const { files, phases } = renderPhaseSteps(
      plan,
      ctx,
      {},
      (phase, step) => {
        const v = ++version;
        const files: RenderedFile[] = [];
        for (const [prefix, seg] of [["V", step.up], ["U", step.down]] as const) {
          const script = `${prefix}${v}__${step.slug}.sql`;
          const irreversible = prefix === "U" ? phase.irreversible : undefined;
          const nothing = `-- Nothing to ${prefix === "V" ? "apply" : "undo"} in this script.`;
          const path = `${dir}/${script}`;
          files.push({
            path,
            content: renderTemplate(template, {
              direction: prefix === "V" ? "Migrate" : "Undo",
              ...fileHeader(plan, phase, seg?.statements ?? []),
              transaction: step.transaction || !seg,
              conf: `${script}.conf`,
              irreversible,
              statements: fileStatements(seg, irreversible, plan.engine, nothing),
            }),
          });
          if (!step.transaction && seg && !irreversible) files.push({ path: `${path}.conf`, content: renderTemplate(confTemplate, { script, reason: REASON }) });
        }
        return { files, ref: v };
      },
      ({ phase, steps, paths, refs: versions }) => ({
        files: paths,
        command: `flyway migrate -target=${versions[versions.length - 1]}`,
        rollbackCommand: phase.irreversible ? undefined : versions.map(() => "flyway undo").join(" && "),
        notes: [
          ...splitNotes(steps, [], "a `.conf` script configuration with `executeInTransaction=false`"),
          ...(phase.irreversible ? [`The undo script raises an error: ${phase.irreversible}`] : []),
        ],
      }),
    );
    return {
      tool: "flyway",
      files,
      phases,
      notes: [
        "Versions start at V1: renumber them after your latest version (keep each U<n> and .conf with its V<n>).",
        "Undo scripts (U<n>__) need Flyway Teams/Enterprise; on Community run them by hand with psql, newest first.",
      ],
    };
  },
};
