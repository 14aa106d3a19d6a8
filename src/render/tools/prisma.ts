/**
 * Prisma Migrate: `prisma/migrations/<YYYYMMDDHHMMSS>_<slug>/migration.sql`. Prisma has no down
 * migrations, so the rollback SQL is written beside it as `down.sql`, run by hand. A statement that
 * cannot run in a transaction block is alone in its migration.
 */
import template from "../../../templates/prisma/migration.sql.eta?raw";
import type { Plan } from "../../plan/model.js";
import type { RenderContext, ToolOutput, ToolRenderer } from "../types.js";
import { versionClock } from "../../project/versions.js";
import { fileHeader, renderTemplate } from "./common.js";
import { splitNotes } from "./steps.js";
import { fileStatements, renderPhaseSteps } from "./phase-loop.js";
import { modelChanges } from "../models/changes.js";
import { prismaSnippet, snippetsBy } from "../models/snippets.js";

export const prisma: ToolRenderer = {
  tool: "prisma",
  render(plan: Plan, ctx: RenderContext): ToolOutput {
    // After the project's newest migration folder (--project).
    const clock = versionClock(ctx.now, ctx.project?.versioned?.last, "timestamp");
    const { files, phases } = renderPhaseSteps(
      plan,
      ctx,
      { isolate: true },
      (phase, step) => {
        const name = `${clock.next()}_${step.slug}`;
        const dir = `prisma/migrations/${name}`;
        const runDown = `npx prisma db execute --file ${dir}/down.sql && npx prisma migrate resolve --rolled-back ${name}`;
        const files = (["up", "down"] as const).map((kind) => {
          const seg = kind === "up" ? step.up : step.down;
          const irreversible = kind === "down" ? phase.irreversible : undefined;
          const nothing = `-- Nothing to ${kind === "up" ? "apply" : "undo"} in this migration.`;
          const content = renderTemplate(template, {
            title: kind === "up" ? "Migration" : "Rollback (not run by Prisma)",
            ...fileHeader(plan, phase, seg?.statements ?? []),
            alone: !step.transaction && !!seg && !irreversible,
            down: kind === "down",
            runDown,
            irreversible,
            statements: fileStatements(seg, irreversible, plan.engine, nothing),
          });
          return { path: `${dir}/${kind === "up" ? "migration.sql" : "down.sql"}`, content };
        });
        return { files, ref: runDown };
      },
      ({ phase, steps, droppedSettings, paths, refs: runDowns }) => ({
        files: paths,
        command: "npx prisma migrate deploy",
        rollbackCommand: phase.irreversible ? undefined : [...runDowns].reverse().join(" && "),
        notes: [
          ...splitNotes(steps, droppedSettings, "a migration of their own"),
          "Prisma has no down migrations: down.sql beside each migration.sql is run by hand (`prisma db execute`), then the migration is marked rolled back (`prisma migrate resolve --rolled-back`).",
          ...(phase.irreversible ? [`Its down.sql raises an error: ${phase.irreversible}`] : []),
        ],
      }),
    );
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
