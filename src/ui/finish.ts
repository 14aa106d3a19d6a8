/**
 * What the wizard does once the summary is confirmed: write the plan folder and say what to do next,
 * in commands the user can type from where they are. The answers are never lost: when building or
 * writing fails, they are saved to a file of their own and the error says where and how to retry.
 */
import { existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import type { Answers } from "../answers/schema.js";
import type { Plan } from "../plan/model.js";
import { shellArg } from "../plan/encode.js";
import type { ToolOutput } from "../render/types.js";
import type { FinishResult } from "./App.js";

/** How this run was started, as the user would type it again: `npm start --`, `migration-wizard`, `node dist/cli.js`. */
export function invokedAs(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv, cwd = process.cwd()): string {
  if (env.npm_lifecycle_event === "start" && env.npm_package_name === "migration-wizard") return "npm start --";
  const script = argv[1] ?? "";
  if (/^migration-wizard(\.js|\.cmd)?$/.test(basename(script))) return "migration-wizard";
  if (!script) return "migration-wizard";
  const rel = relative(cwd, script) || script;
  return `node ${rel.includes(" ") ? JSON.stringify(rel) : rel}`;
}

/**
 * The next steps after writing: read the runbook, then the plan's first phase exactly as PLAN.md numbers it
 * (a check or a deploy stays a check or a deploy), then the proof.
 */
export function nextSteps(plan: Plan, tool: ToolOutput, out: string, cli: string): string[] {
  const dir = shellArg(out);
  const steps = [`Read ${out}/PLAN.md and tick its checklist before phase 1`];
  const first = plan.phases[0];
  if (first) {
    const files = tool.phases[first.id];
    const label = `Phase 1 of ${plan.phases.length} (${first.kind}): ${first.title}`;
    if (!files) steps.push(`${label}: follow PLAN.md (no migration file for this phase)`);
    else if (files.files.some((f) => files.command.includes(f))) steps.push(`${label}: cd ${dir} && ${files.command}`);
    else steps.push(`${label}: put ${files.files.map((f) => `${out}/${f}`).join(", ")} into your project, then run ${files.command}`);
  }
  if (plan.engine === "postgresql") steps.push(`Prove the SQL on embedded PostgreSQL: ${cli} verify ${dir}`);
  return steps;
}

/** Saves the answers where the user can find them; returns the path written, or undefined if nothing could be. */
export function saveAnswers(yaml: string, out: string, now = new Date()): string | undefined {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "");
  const name = `migration-wizard-answers-${stamp}.yaml`;
  // Beside the folder that could not be written, else the temporary folder.
  const candidates = [`${out.replace(/\/+$/, "")}.answers.yaml`, name, join(tmpdir(), name)];
  for (const path of candidates) {
    if (existsSync(path)) continue;
    try {
      writeFileSync(path, yaml, { flag: "wx" });
      return path;
    } catch {
      // try the next place
    }
  }
  return undefined;
}

export interface FinishOptions {
  out: string;
  force?: boolean;
  dryRun?: boolean;
  /** How the user started the tool, for the commands shown (invokedAs()). */
  cli?: string;
  /** The schema read with --database-url / --schema, when there is one. */
  snapshot?: import("../schema/model.js").SchemaSnapshot;
  /** The project the files chain onto (--project). */
  project?: import("../project/index.js").Project;
}

/** The plan wizard's finish: builds, writes, and on any failure saves the answers and says how to go on. */
export function planFinisher(opts: FinishOptions) {
  const cli = opts.cli ?? invokedAs();
  return async ({ answers }: { answers: Answers }): Promise<FinishResult> => {
    const [{ outputsFor, writeOrExplain }, { displayPath }, { renderAnswersYaml }] = await Promise.all([
      import("../cli/plan-command.js"),
      import("../output/write.js"),
      import("../render/outputs.js"),
    ]);
    const full = { ...answers, mode: "plan" } as Answers;
    const out = displayPath(opts.out);
    try {
      const { plan, tool, files } = await outputsFor(full, "answers", opts.snapshot, opts.project);
      if (!opts.dryRun) writeOrExplain(opts.out, files, opts.force);
      return { files: plan.files.map((f) => `${out}/${f}`), nextSteps: nextSteps(plan, tool, out, cli) };
    } catch (e) {
      const saved = saveAnswers(renderAnswersYaml(full), opts.out);
      const why = e instanceof Error ? e.message : String(e);
      if (!saved) throw new Error(`${why}\nYour answers could not be saved either.`);
      throw new Error(`${why}\nYour answers are saved in ${saved}. Fix the problem, then run: ${cli} plan --answers ${shellArg(saved)} --out ${shellArg(out)}`);
    }
  };
}

export interface TroubleshootFinishOptions extends FinishOptions {
  trees: import("../trees/model.js").TreeSet;
  /** The message given with --error, if any (the wizard's own answer wins when the user pasted one). */
  error?: string;
}

/** The troubleshoot wizard's finish: the diagnosis on screen (as the non-interactive run prints it), then REPAIR.md. */
export function troubleshootFinisher(opts: TroubleshootFinishOptions) {
  return async ({ answers }: { answers: Answers }): Promise<FinishResult> => {
    const [{ troubleshoot }, { writeOrExplain }, { displayPath }] = await Promise.all([
      import("../troubleshoot/run.js"),
      import("../cli/plan-command.js"),
      import("../output/write.js"),
    ]);
    const r = troubleshoot({ trees: opts.trees, answers, error: opts.error });
    if (r.status !== "diagnosed") throw new Error(r.message);
    if (!opts.dryRun) writeOrExplain(opts.out, r.files, opts.force);
    const out = displayPath(opts.out);
    return {
      report: r.stdout,
      files: r.files.map((f) => `${out}/${f.path}`),
      nextSteps: [`Read ${out}/REPAIR.md: run its confirming queries before any repair`],
    };
  };
}
