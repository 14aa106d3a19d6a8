/**
 * dbmate: `db/migrations/<YYYYMMDDHHMMSS>_<slug>.sql` with `-- migrate:up` / `-- migrate:down`,
 * each with `transaction:false` where the statements cannot run in a transaction block.
 */
import template from "../../../templates/dbmate/migration.sql.eta?raw";
import type { Plan } from "../../plan/model.js";
import type { RenderContext, ToolOutput, ToolRenderer } from "../types.js";
import { sqlComment } from "../../plan/encode.js";
import { versionClock } from "../../project/versions.js";
import { fileHeader, raiseIrreversibleSql, renderTemplate } from "./common.js";
import { splitNotes, terminated, type Segment } from "./steps.js";
import { renderPhaseSteps } from "./phase-loop.js";

const section = (seg: Segment | null, what: string) =>
  seg ? seg.statements.map((s) => terminated(s.sql)).join("\n") : `-- Nothing to ${what} in this file.`;

export const dbmate: ToolRenderer = {
  tool: "dbmate",
  render(plan: Plan, ctx: RenderContext): ToolOutput {
    // After the project's newest migration (--project), in its naming style (timestamp or sequence).
    const clock = versionClock(ctx.now, ctx.project?.versioned?.last, "timestamp");
    // dbmate sends a section as one query: in a transaction:false section, two statements would share an
    // implicit transaction block and CONCURRENTLY fails (25001). So each such statement gets its own file.
    const { files, phases } = renderPhaseSteps(
      plan,
      ctx,
      { isolate: true },
      (phase, step) => {
        const down = phase.irreversible
          ? `${sqlComment(`Irreversible: ${phase.irreversible}`)}\n${raiseIrreversibleSql(phase.irreversible, plan.engine)}`
          : section(step.down, "undo");
        const content = renderTemplate(template, {
          ...fileHeader(plan, phase, step.up?.statements ?? []),
          transaction: step.transaction,
          up: section(step.up, "apply"),
          down,
        });
        return { files: [{ path: `db/migrations/${clock.next()}_${step.slug}.sql`, content }], ref: null };
      },
      ({ phase, steps, droppedSettings, paths }) => ({
        files: paths,
        command: "dbmate migrate",
        // dbmate can only undo the newest applied file: this phase's files are the newest once later phases are undone.
        rollbackCommand: phase.irreversible ? undefined : paths.map(() => "dbmate rollback").join(" && "),
        notes: [
          ...splitNotes(steps, droppedSettings, "`transaction:false`"),
          ...(!phase.irreversible
            ? [`\`dbmate rollback\` undoes the newest applied file only: undo every later phase first, then run it ${paths.length === 1 ? "once" : `${paths.length} times`} for this phase's file${paths.length === 1 ? "" : "s"} (\`dbmate status\` shows which are applied).`]
            : []),
          ...(phase.irreversible ? [`The migrate:down section raises an error: ${phase.irreversible}`] : []),
        ],
      }),
    );
    return {
      tool: "dbmate",
      files,
      phases,
      notes: [
        "`dbmate migrate` applies every pending file: add a phase's files to db/migrations only when that phase is due. " +
          "`dbmate rollback` undoes the latest file, once per call.",
      ],
    };
  },
};
