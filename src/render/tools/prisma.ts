/**
 * Prisma Migrate: `prisma/migrations/<YYYYMMDDHHMMSS>_<slug>/migration.sql`. Prisma has no down
 * migrations, so the rollback SQL is written beside it as `down.sql`, run by hand. A statement that
 * cannot run in a transaction block is alone in its migration.
 */
import template from "../../../templates/prisma/migration.sql.eta?raw";
import type { Plan } from "../../plan/model.js";
import type { PhaseFiles, RenderContext, RenderedFile, ToolOutput, ToolRenderer } from "../types.js";
import { versionClock } from "../../project/versions.js";
import { fileHeader, phaseSlug, raiseIrreversibleSql, renderTemplate } from "./common.js";
import { nameSteps, phaseSteps, splitNotes, sqlPhases, terminated } from "./steps.js";
import { modelChanges } from "../models/changes.js";
import { prismaSnippet, snippetsBy } from "../models/snippets.js";

export const prisma: ToolRenderer = {
  tool: "prisma",
  render(plan: Plan, ctx: RenderContext): ToolOutput {
    const files: RenderedFile[] = [];
    const phases: Record<string, PhaseFiles> = {};
    // After the project's newest migration folder (--project).
    const clock = versionClock(ctx.now, ctx.project?.versioned?.last, "timestamp");
    for (const phase of sqlPhases(plan.phases)) {
      const { steps, droppedSettings } = phaseSteps(phase, { isolate: true });
      const paths: string[] = [];
      const rollback: string[] = [];
      for (const step of nameSteps(steps, (part) => phaseSlug(ctx, phase, part))) {
        const name = `${clock.next()}_${step.slug}`;
        const dir = `prisma/migrations/${name}`;
        const runDown = `npx prisma db execute --file ${dir}/down.sql && npx prisma migrate resolve --rolled-back ${name}`;
        rollback.unshift(runDown);
        for (const kind of ["up", "down"] as const) {
          const seg = kind === "up" ? step.up : step.down;
          const irreversible = kind === "down" ? phase.irreversible : undefined;
          const statements = irreversible
            ? [raiseIrreversibleSql(irreversible, plan.engine)]
            : seg
              ? seg.statements.map((s) => terminated(s.sql))
              : [`-- Nothing to ${kind === "up" ? "apply" : "undo"} in this migration.`];
          const path = `${dir}/${kind === "up" ? "migration.sql" : "down.sql"}`;
          files.push({
            path,
            content: renderTemplate(template, {
              title: kind === "up" ? "Migration" : "Rollback (not run by Prisma)",
              ...fileHeader(plan, phase, seg?.statements ?? []),
              alone: !step.transaction && !!seg && !irreversible,
              down: kind === "down",
              runDown,
              irreversible,
              statements,
            }),
          });
          paths.push(path);
        }
      }
      phases[phase.id] = {
        files: paths,
        command: "npx prisma migrate deploy",
        rollbackCommand: phase.irreversible ? undefined : rollback.join(" && "),
        notes: [
          ...splitNotes(steps, droppedSettings, "a migration of their own"),
          "Prisma has no down migrations: down.sql beside each migration.sql is run by hand (`prisma db execute`), then the migration is marked rolled back (`prisma migrate resolve --rolled-back`).",
          ...(phase.irreversible ? [`Its down.sql raises an error: ${phase.irreversible}`] : []),
        ],
      };
    }
    return {
      tool: "prisma",
      files,
      phases,
      models: snippetsBy(modelChanges(plan), (pm) => prismaSnippet(pm, plan.engine)),
      notes: [
        "`prisma migrate deploy` applies every pending migration folder: add a phase's folders only when that phase is due. " +
          "Update schema.prisma to match after each phase (`prisma migrate diff` shows any drift).",
      ],
    };
  },
};
