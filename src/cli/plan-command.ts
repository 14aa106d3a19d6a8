/**
 * `migration-wizard plan`: from answers (a file, the wizard, or both) to the plan folder.
 * Validation, the plan builder and the renderers load lazily: the wizard's first question must not wait for them.
 */
import type { Answers } from "../answers/schema.js";
import type { Plan } from "../plan/model.js";
import { conflicts, displayPath, OutputError, writeAll, type OutputFile } from "../output/write.js";
import type { ToolOutput } from "../render/types.js";
import { CliError, EXIT, noTtyMessage } from "./common.js";

export interface PlanOptions {
  answers?: string;
  out: string;
  json?: boolean;
  dryRun?: boolean;
  force?: boolean;
  trees?: string;
}

async function readAnswers(file: string): Promise<Answers> {
  const { AnswersError, loadAnswersFile } = await import("../answers/load.js");
  try {
    return loadAnswersFile(file);
  } catch (e) {
    if (e instanceof AnswersError) throw new CliError(`invalid answers:\n${e.message}`, EXIT.usage);
    throw e;
  }
}

/** Build and render; answer problems become usage errors that name the field. */
export async function outputsFor(answers: Answers, file: string) {
  const [{ AnswersError, requirePlanAnswers }, { PlanError }, { planOutputs }] = await Promise.all([
    import("../answers/load.js"),
    import("../plan/build.js"),
    import("../render/outputs.js"),
  ]);
  try {
    return planOutputs(requirePlanAnswers(answers, file), new Date());
  } catch (e) {
    if (e instanceof AnswersError) throw new CliError(`incomplete answers:\n${e.message}`, EXIT.usage);
    if (e instanceof PlanError) throw new CliError(`${file}: ${e.field ? e.field + ": " : ""}${e.message}`, EXIT.usage);
    throw e;
  }
}

export function writeOrExplain(out: string, files: OutputFile[], force?: boolean): string[] {
  try {
    return writeAll(out, files, { force });
  } catch (e) {
    if (e instanceof OutputError) throw new CliError(e.message, e.exitCode);
    throw e;
  }
}

export function planReport(plan: Plan, tool: ToolOutput, out: string, written: boolean): string {
  const lines: string[] = [];
  lines.push(`${written ? "Wrote" : "Would write"} ${plan.files.length} files to ${displayPath(out)}/:`);
  for (const f of plan.files) lines.push(`  ${f}`);
  lines.push("", plan.summary, "");
  let n = 0;
  for (const p of plan.phases) {
    const how = tool.phases[p.id]?.command;
    lines.push(`  ${String(++n).padStart(2)}. [${p.kind}] ${p.title}${how ? `  ->  ${how}` : ""}`);
  }
  if (plan.warnings.length) {
    lines.push("", "Warnings:");
    for (const w of plan.warnings) lines.push(`  ! ${w}`);
  }
  lines.push("", `Next: read ${displayPath(out)}/PLAN.md, tick its checklist, then run phase 1.`);
  return lines.join("\n") + "\n";
}

export async function planCommand(opts: PlanOptions, interactive: boolean): Promise<number> {
  const fromFile = opts.answers ? await readAnswers(opts.answers) : undefined;
  const missing = fromFile ? (await import("../answers/load.js")).missingPlanKeys(fromFile) : [];
  const complete = fromFile !== undefined && missing.length === 0;

  if (complete || (fromFile && !interactive)) {
    const { plan, tool, files } = await outputsFor(fromFile!, opts.answers!);
    if (!opts.dryRun) writeOrExplain(opts.out, files, opts.force);
    if (opts.json) process.stdout.write(JSON.stringify(plan, null, 2) + "\n");
    else process.stdout.write(planReport(plan, tool, opts.out, !opts.dryRun));
    return EXIT.ok;
  }
  if (!interactive) throw new CliError(noTtyMessage("plan", missing), EXIT.usage);

  // Fail before the first question rather than after the last one.
  const clash = opts.force || opts.dryRun ? [] : conflicts(opts.out, [{ path: "PLAN.md", content: "" }, { path: "answers.yaml", content: "" }]);
  if (clash.length) {
    throw new CliError(`${opts.out} already holds a plan (${clash.join(", ")}). Choose another --out folder, or pass --force.`, EXIT.usage);
  }
  const trees = await loadTreesFor(opts.trees);
  const { launchWizard } = await import("../ui/launch.js");
  return launchWizard({
    trees,
    mode: "plan",
    prefill: fromFile,
    onFinish: async ({ answers }) => {
      const { plan, tool, files } = await outputsFor({ ...answers, mode: "plan" }, "answers");
      if (!opts.dryRun) writeOrExplain(opts.out, files, opts.force);
      const first = plan.phases.find((p) => tool.phases[p.id]);
      return {
        files: plan.files.map((f) => `${displayPath(opts.out)}/${f}`),
        nextSteps: [
          `Read ${displayPath(opts.out)}/PLAN.md and tick its checklist`,
          first ? `Phase 1: ${tool.phases[first.id].command}` : "Run the phases in order",
          `Prove the SQL on embedded PostgreSQL: migration-wizard verify ${displayPath(opts.out)}`,
        ],
      };
    },
  });
}

export async function loadTreesFor(dir?: string) {
  const shipped = await import("../trees/shipped.js");
  if (!dir) return shipped.shippedTrees();
  const r = await shipped.treesWithOverrides(dir);
  if (!r.trees) throw new CliError(`the trees in ${dir} have errors:\n${r.errors}`, EXIT.usage);
  return r.trees;
}
