/**
 * `plan --answers FILE` without questions: read and check the answers, build, render, write, report.
 * plan-command.ts imports this module lazily, so the wizard's first question never waits for it.
 */
import { AnswersError, loadAnswersFile, missingPlanKeys, requirePlanAnswers } from "../answers/load.js";
import type { Answers } from "../answers/schema.js";
import { PlanError } from "../plan/build.js";
import { needsSqlCheck } from "../plan/sql-fields.js";
import { planOutputs } from "../render/outputs.js";
import { engineVersionProblem } from "../answers/versions.js";
import { CliError, EXIT, printError } from "./common.js";
import { planReport, writeOrExplain } from "./plan-output.js";
import type { PlanOptions } from "./plan-command.js";

/**
 * What a run with an answers file came to: finished with an exit code, questions still to ask, or
 * free-text SQL to check first (with the parser, which only the ESM build can load).
 */
export type BatchResult = { exitCode: number } | { prefill: Answers; missing: string[] } | { needsSqlCheck: true };

/** `notes`: print a note about the engine version (once per run: the SQL check reads the file first). */
export function readAnswers(file: string, extraKeys?: ReadonlySet<string>, notes = true): Answers {
  try {
    const answers = loadAnswersFile(file, { extraKeys });
    const note = notes && answers.engine && answers.engine_version ? engineVersionProblem(answers.engine, answers.engine_version)?.note : undefined;
    if (note) printError(`note: ${note}`);
    return answers;
  } catch (e) {
    if (e instanceof AnswersError) throw new CliError(`invalid answers:\n${e.message}`, EXIT.usage);
    throw e;
  }
}

/** Build and render; answer problems become usage errors that name the field. */
export function outputsFor(answers: Answers, file: string) {
  try {
    return planOutputs(requirePlanAnswers(answers, file), new Date());
  } catch (e) {
    if (e instanceof AnswersError) throw new CliError(`incomplete answers:\n${e.message}`, EXIT.usage);
    if (e instanceof PlanError) throw new CliError(`${file}: ${e.field ? e.field + ": " : ""}${e.message}`, EXIT.usage);
    throw e;
  }
}

/**
 * The whole run when the file has every answer, or when no one can be asked (then missing answers
 * are a usage error); otherwise the answers to prefill the wizard with.
 */
export function planFromFile(
  opts: PlanOptions & { answers: string; out: string },
  interactive: boolean,
  sqlChecked = false,
  extraKeys?: ReadonlySet<string>,
): BatchResult {
  const answers = readAnswers(opts.answers, extraKeys, !sqlChecked);
  const missing = missingPlanKeys(answers);
  if (missing.length && interactive) return { prefill: answers, missing };
  if (!sqlChecked && !missing.length && needsSqlCheck(answers)) return { needsSqlCheck: true };
  const { plan, tool, files } = outputsFor(answers, opts.answers);
  if (!opts.dryRun) writeOrExplain(opts.out, files, opts.force);
  if (opts.json) process.stdout.write(JSON.stringify(plan, null, 2) + "\n");
  else process.stdout.write(planReport(plan, tool, opts.out, !opts.dryRun));
  return { exitCode: EXIT.ok };
}
