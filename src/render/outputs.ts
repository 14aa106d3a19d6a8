/**
 * answers -> plan -> every file of a plan folder. Pure (the clock is passed in); the CLI and the
 * interactive wizard both call this, then hand the files to src/output/write.ts.
 */
import { bareName } from "../plan/encode.js";
import { stringify } from "yaml";
import type { Answers, PlanAnswers } from "../answers/schema.js";
import { buildPlan, type SnapshotInput } from "../plan/build.js";
import type { Plan } from "../plan/model.js";
import { renderPlanMarkdown } from "./plan-md.js";
import { renderToolFiles } from "./tools/index.js";
import type { RenderedFile, ToolOutput } from "./types.js";
import type { ProjectHistory } from "../project/types.js";
import answersSchemaJson from "../../schemas/answers.schema.json" with { type: "json" };

export const ANSWERS_SCHEMA_FILE = "answers.schema.json";

/** A short snake_case name for the change: `add_column_status_to_accounts`. */
export function slugFor(answers: Answers): string {
  const table = bareName(answers.table ?? "table");
  const col = answers.columns?.[0]?.name;
  const op = answers.operation ?? "change";
  const core = col ? `${op}_${col}_on_${table}` : `${op}_${table}`;
  return core.toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/_+/g, "_").slice(0, 60);
}

const KEY_ORDER = ["mode", "engine", "engine_version", "operation", "table", "columns", "approx_rows", "downtime_tolerance", "rollback_need", "tool", "details"];

/** answers.yaml as written to disk: the schema line first, keys in contract order. */
export function renderAnswersYaml(answers: Answers): string {
  const ordered: Record<string, unknown> = {};
  for (const k of KEY_ORDER) if ((answers as Record<string, unknown>)[k] !== undefined) ordered[k] = (answers as Record<string, unknown>)[k];
  for (const [k, v] of Object.entries(answers)) if (!(k in ordered) && v !== undefined) ordered[k] = v;
  return (
    `# yaml-language-server: $schema=./${ANSWERS_SCHEMA_FILE}\n` +
    "# Regenerate the same plan without the UI:  migration-wizard plan --answers answers.yaml --out DIR\n" +
    stringify(ordered, { lineWidth: 0 })
  );
}

export interface PlanOutputs {
  plan: Plan;
  tool: ToolOutput;
  files: RenderedFile[];
}

/** `project`: the existing project the files chain onto (--project); its own files are never rewritten. */
export function planOutputs(answers: PlanAnswers, now: Date, schema?: SnapshotInput, project?: ProjectHistory): PlanOutputs {
  const plan = buildPlan(answers, schema);
  const tool = renderToolFiles(plan, { now, slug: slugFor(answers), project });
  const files: RenderedFile[] = [
    { path: "PLAN.md", content: renderPlanMarkdown(plan, tool) },
    { path: "answers.yaml", content: renderAnswersYaml(answers) },
    { path: ANSWERS_SCHEMA_FILE, content: JSON.stringify(answersSchemaJson, null, 2) + "\n" },
    ...tool.files,
  ];
  plan.files = files.map((f) => f.path);
  return { plan, tool, files };
}
