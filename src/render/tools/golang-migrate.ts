/**
 * golang-migrate: `migrations/<NNNNNN>_<slug>.up.sql` + `.down.sql`. It has no switch for running
 * outside a transaction, so each non-transactional statement is put alone in its file.
 */
import template from "../../../templates/golang-migrate/migration.sql.eta?raw";
import type { Plan } from "../../plan/model.js";
import type { PhaseFiles, RenderContext, RenderedFile, ToolOutput, ToolRenderer } from "../types.js";
import { fileHeader, phaseSlug, raiseIrreversibleSql, renderTemplate } from "./common.js";
import { nameSteps, phaseSteps, splitNotes, sqlPhases, terminated } from "./steps.js";

const migrateIn = (dir: string) => `migrate -path ${dir} -database "$DATABASE_URL"`;

export const golangMigrate: ToolRenderer = {
  tool: "golang-migrate",
  render(plan: Plan, ctx: RenderContext): ToolOutput {
    const files: RenderedFile[] = [];
    const phases: Record<string, PhaseFiles> = {};
    // Numbered after the project's highest version (--project), in its folder.
    const dir = ctx.project?.numbered?.dir ?? "migrations";
    const MIGRATE = migrateIn(dir);
    let version = ctx.project?.numbered?.last ?? 0;
    for (const phase of sqlPhases(plan.phases)) {
      const { steps, droppedSettings } = phaseSteps(phase, { isolate: true });
      const paths: string[] = [];
      for (const step of nameSteps(steps, (part) => phaseSlug(ctx, phase, part))) {
        const v = String(++version).padStart(6, "0");
        for (const [direction, seg] of [["up", step.up], ["down", step.down]] as const) {
          const irreversible = direction === "down" ? phase.irreversible : undefined;
          const statements = irreversible
            ? [raiseIrreversibleSql(irreversible, plan.engine)]
            : seg
              ? seg.statements.map((s) => terminated(s.sql))
              : [`-- Nothing to ${direction === "up" ? "apply" : "undo"} in this file.`];
          const path = `${dir}/${v}_${step.slug}.${direction}.sql`;
          files.push({
            path,
            content: renderTemplate(template, {
              direction: direction === "up" ? "Up" : "Down",
              ...fileHeader(plan, phase, seg?.statements ?? []),
              alone: !step.transaction && !!seg && !irreversible,
              irreversible,
              statements,
            }),
          });
          paths.push(path);
        }
      }
      phases[phase.id] = {
        files: paths,
        command: `${MIGRATE} up ${steps.length}`,
        rollbackCommand: phase.irreversible ? undefined : `${MIGRATE} down ${steps.length}`,
        notes: [
          ...splitNotes(steps, droppedSettings, "a file of their own"),
          ...(phase.irreversible ? [`The down file raises an error: ${phase.irreversible}`] : []),
        ],
      };
    }
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
