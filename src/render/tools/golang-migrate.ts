/**
 * golang-migrate: `migrations/<NNNNNN>_<slug>.up.sql` + `.down.sql`. It has no switch for running
 * outside a transaction, so each non-transactional statement is put alone in its file.
 */
import template from "../../../templates/golang-migrate/migration.sql.eta?raw";
import type { Plan } from "../../plan/model.js";
import type { RenderContext, ToolOutput, ToolRenderer } from "../types.js";
import { fileHeader, renderTemplate } from "./common.js";
import { splitNotes } from "./steps.js";
import { fileStatements, renderPhaseSteps } from "./phase-loop.js";

const migrateIn = (dir: string) => `migrate -path ${dir} -database "$DATABASE_URL"`;

export const golangMigrate: ToolRenderer = {
  tool: "golang-migrate",
  render(plan: Plan, ctx: RenderContext): ToolOutput {
    // Numbered after the project's highest version (--project), in its folder.
    const dir = ctx.project?.numbered?.dir ?? "migrations";
    const MIGRATE = migrateIn(dir);
    let version = ctx.project?.numbered?.last ?? 0;
    const { files, phases } = renderPhaseSteps(
      plan,
      ctx,
      { isolate: true },
      (phase, step) => {
        const v = String(++version).padStart(6, "0");
        const files = (["up", "down"] as const).map((direction) => {
          const seg = direction === "up" ? step.up : step.down;
          const irreversible = direction === "down" ? phase.irreversible : undefined;
          const nothing = `-- Nothing to ${direction === "up" ? "apply" : "undo"} in this file.`;
          const content = renderTemplate(template, {
            direction: direction === "up" ? "Up" : "Down",
            ...fileHeader(plan, phase, seg?.statements ?? []),
            alone: !step.transaction && !!seg && !irreversible,
            irreversible,
            statements: fileStatements(seg, irreversible, plan.engine, nothing),
          });
          return { path: `${dir}/${v}_${step.slug}.${direction}.sql`, content };
        });
        return { files, ref: v };
      },
      ({ phase, steps, droppedSettings, paths }) => ({
        files: paths,
        command: `${MIGRATE} up ${steps.length}`,
        rollbackCommand: phase.irreversible ? undefined : `${MIGRATE} down ${steps.length}`,
        notes: [
          ...splitNotes(steps, droppedSettings, "a file of their own"),
          ...(phase.irreversible ? [`The down file raises an error: ${phase.irreversible}`] : []),
        ],
      }),
    );
    return {
      tool: "golang-migrate",
      files,
      phases,
      notes: [
        "golang-migrate has no switch for running outside a transaction: every statement that cannot run in a transaction block " +
          "(CREATE INDEX CONCURRENTLY, a loop that commits) is alone in its file. Versions start at 000001: renumber after your latest.",
      ],
    };
  },
};
