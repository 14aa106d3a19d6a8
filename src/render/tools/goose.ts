/**
 * goose: `migrations/<YYYYMMDDHHMMSS>_<slug>.sql` with `-- +goose Up` / `-- +goose Down`,
 * `-- +goose StatementBegin/End` around blocks with inner semicolons, `-- +goose NO TRANSACTION`.
 */
import template from "../../../templates/goose/migration.sql.eta?raw";
import type { Plan } from "../../plan/model.js";
import type { RenderContext, ToolOutput, ToolRenderer } from "../types.js";
import { sqlComment } from "../../plan/encode.js";
import { versionClock } from "../../project/versions.js";
import { fileHeader, raiseIrreversibleSql, renderTemplate } from "./common.js";
import { isBlock, splitNotes, terminated, type Segment } from "./steps.js";
import { renderPhaseSteps } from "./phase-loop.js";

const gooseCommand = (dir: string) => `goose -dir ${dir} postgres "$DATABASE_URL"`;

// goose splits a file at semicolons that end a line; a DO block must be marked as one statement.
const statement = (sql: string) =>
  isBlock(sql) ? `-- +goose StatementBegin\n${terminated(sql)}\n-- +goose StatementEnd` : terminated(sql);

const section = (seg: Segment | null, what: string) =>
  seg ? seg.statements.map((s) => statement(s.sql)).join("\n") : `SELECT 'nothing to ${what} in this file';`;

export const goose: ToolRenderer = {
  tool: "goose",
  render(plan: Plan, ctx: RenderContext): ToolOutput {
    // After the project's newest migration (--project), in its folder and its naming style (timestamp or sequence).
    const dir = ctx.project?.versioned?.dir ?? "migrations";
    const clock = versionClock(ctx.now, ctx.project?.versioned?.last, "timestamp");
    const GOOSE = gooseCommand(dir);
    let before = ctx.project?.versioned?.last ?? "0";
    const { files, phases } = renderPhaseSteps(
      plan,
      ctx,
      {},
      (phase, step) => {
        const version = clock.next();
        const down = phase.irreversible
          ? `${sqlComment(`Irreversible: ${phase.irreversible}`)}\n${statement(raiseIrreversibleSql(phase.irreversible, plan.engine))}`
          : section(step.down, "undo");
        const content = renderTemplate(template, {
          ...fileHeader(plan, phase, step.up?.statements ?? []),
          transaction: step.transaction,
          up: section(step.up, "apply"),
          down,
        });
        return { files: [{ path: `${dir}/${version}_${step.slug}.sql`, content }], ref: version };
      },
      ({ phase, steps, paths, refs }) => {
        const last = refs[refs.length - 1] ?? before;
        const entry = {
          files: paths,
          command: `${GOOSE} up-to ${last}`,
          rollbackCommand: phase.irreversible ? undefined : `${GOOSE} down-to ${before}`,
          notes: [
            ...splitNotes(steps, [], "`-- +goose NO TRANSACTION`"),
            ...(phase.irreversible ? [`The Down section raises an error: ${phase.irreversible}`] : []),
          ],
        };
        before = last;
        return entry;
      },
    );
    return { tool: "goose", files, phases, notes: [] };
  },
};
