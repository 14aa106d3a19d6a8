/** Plain SQL files for psql: `migrations/NNN_<phase>.up.sql` and `.down.sql`, numbered in order. */
import template from "../../../templates/raw-sql/migration.sql.eta?raw";
import type { Phase, Plan } from "../../plan/model.js";
import type { PhaseFiles, RenderedFile, ToolOutput, ToolRenderer } from "../types.js";
import { fileHeader, raiseIrreversibleSql, renderTemplate, snake } from "./common.js";
import { segments, sqlPhases, terminated, type Segment } from "./steps.js";

const psql = (file: string, transactional: boolean) =>
  `psql "$DATABASE_URL" -v ON_ERROR_STOP=1${transactional ? " -1" : ""} -f ${file}`;

function sqlFile(plan: Plan, phase: Phase, path: string, direction: "up" | "down", segs: Segment[]) {
  const transactional = segs.every((s) => s.transaction);
  const irreversible = direction === "down" ? phase.irreversible : undefined;
  const content = renderTemplate(template, {
    direction: direction === "up" ? "Apply" : "Roll back",
    ...fileHeader(plan, phase, segs.flatMap((s) => s.statements)),
    transactional,
    command: psql(path, transactional),
    irreversible,
    raise: irreversible ? raiseIrreversibleSql(irreversible) : "",
    blocks: segs.map((s) => ({ wrap: !transactional && s.transaction, statements: s.statements.map((st) => terminated(st.sql)) })),
  });
  return { file: { path, content }, command: psql(path, transactional) };
}

export const rawSql: ToolRenderer = {
  tool: "raw-sql",
  render(plan): ToolOutput {
    const files: RenderedFile[] = [];
    const phases: Record<string, PhaseFiles> = {};
    sqlPhases(plan.phases).forEach((phase, i) => {
      // Numbered like the phase ids (02-contract -> 002_contract), so PLAN.md and the files agree.
      const base = `migrations/${(/^\d+/.exec(phase.id)?.[0] ?? String(i + 1)).padStart(3, "0")}_${snake(phase.kind)}`;
      const up = sqlFile(plan, phase, `${base}.up.sql`, "up", segments(phase.statements));
      const down = sqlFile(plan, phase, `${base}.down.sql`, "down", phase.irreversible ? [] : segments(phase.rollback ?? []));
      files.push(up.file, down.file);
      phases[phase.id] = {
        files: [up.file.path, down.file.path],
        command: up.command,
        rollbackCommand: phase.irreversible ? undefined : down.command,
        notes: phase.irreversible ? [`Cannot be rolled back: ${phase.irreversible}`] : undefined,
      };
    });
    return {
      tool: "raw-sql",
      files,
      phases,
      notes: ["Run each file with psql in order; `-1` wraps a file in one transaction, so it is left out for files with non-transactional statements."],
    };
  },
};
