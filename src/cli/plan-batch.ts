/**
 * `plan --answers FILE` without questions: read and check the answers, build, render, write, report.
 * plan-command.ts imports this module lazily, so the wizard's first question never waits for it.
 */
import { AnswersError, loadAnswersFile, missingPlanKeys, requirePlanAnswers, type ParseOptions } from "../answers/load.js";
import type { Answers } from "../answers/schema.js";
import { PlanError, type SnapshotInput } from "../plan/build.js";
import { SqlFieldError } from "../plan/sql-fields.js";
import { fillFromSnapshot, snapshotDefaults, SnapshotMismatch } from "../schema/fill.js";
import type { SchemaSnapshot } from "../schema/model.js";
import { planOutputs } from "../render/outputs.js";
import { engineVersionProblem } from "../answers/versions.js";
import { unusedDetailsNote } from "../answers/details-of.js";
import { CliError, EXIT, printError } from "./common.js";
import { planReport, writeOrExplain } from "./plan-output.js";
import type { PlanOptions } from "./plan-command.js";
import { projectHistory, ProjectError, type Project } from "../project/index.js";

/** What a run with an answers file came to: finished with an exit code, or questions still to ask. */
export type BatchResult = { exitCode: number } | { prefill: Answers; missing: string[] };

/**
 * `read`: extra keys a team's trees allow, and defaults for keys the file leaves out (what a schema
 * snapshot read). `notes`: print a note about the engine version (off for a read that only looks ahead).
 */
export function readAnswers(file: string, read: ParseOptions = {}, notes = true): Answers {
  try {
    const answers = loadAnswersFile(file, read);
    const note = notes && answers.engine && answers.engine_version ? engineVersionProblem(answers.engine, answers.engine_version)?.note : undefined;
    if (note) printError(`note: ${note}`);
    const unused = notes ? unusedDetailsNote(answers) : undefined;
    if (unused) printError(`note: ${unused}`);
    return answers;
  } catch (e) {
    if (e instanceof AnswersError) throw new CliError(`invalid answers:\n${e.message}`, EXIT.usage);
    throw e;
  }
}

/** Free-text SQL fields must each be one expression of the engine (sql-expression.ts): else exit 2, nothing written. */
export async function checkSqlOf(answers: Answers, file: string): Promise<void> {
  const { checkSqlFields } = await import("../plan/sql-expression.js");
  try {
    await checkSqlFields(answers);
  } catch (e) {
    if (e instanceof SqlFieldError) throw new CliError(`${file}: ${e.message}`, EXIT.usage);
    throw e;
  }
}

/** Build and render; answer problems become usage errors that name the field. */
export function outputsFor(answers: Answers, file: string, schema?: SnapshotInput, project?: Project) {
  try {
    const complete = requirePlanAnswers(answers, file);
    const history = project ? projectHistory(project, complete.tool ?? "raw-sql", complete.table ?? "") : undefined;
    return planOutputs(complete, new Date(), schema, history);
  } catch (e) {
    if (e instanceof AnswersError) throw new CliError(`incomplete answers:\n${e.message}`, EXIT.usage);
    if (e instanceof ProjectError) throw new CliError(`--project: ${e.message}`, EXIT.usage);
    if (e instanceof PlanError) throw new CliError(`${file}: ${e.field ? e.field + ": " : ""}${e.message}`, EXIT.usage);
    throw e;
  }
}

/** The answers completed from the snapshot, and the snapshot input for the plan; a mismatch is a usage error. */
export function withSnapshot(answers: Answers, file: string, snapshot: SchemaSnapshot, defaulted: string[] = []): { answers: Answers; schema: SnapshotInput } {
  try {
    const filled = fillFromSnapshot(answers, snapshot, defaulted);
    return { answers: filled.answers, schema: { snapshot, facts: filled.facts } };
  } catch (e) {
    if (e instanceof SnapshotMismatch) throw new CliError(`${file}: ${e.field}: ${e.message}`, EXIT.usage);
    throw e;
  }
}

/**
 * The whole run when the file has every answer, or when no one can be asked (then missing answers
 * are a usage error); otherwise the answers to prefill the wizard with.
 */
export async function planFromFile(
  opts: PlanOptions & { answers: string; out: string },
  interactive: boolean,
  extraKeys?: ReadonlySet<string>,
  snapshot?: SchemaSnapshot,
  /** The --project folder (or the working directory when it is one), found once by the caller. */
  project?: Project,
): Promise<BatchResult> {
  const defaulted: string[] = [];
  // Messages name the file as the answers reader does (standard input as <stdin>).
  const source = opts.answers === "-" ? "<stdin>" : opts.answers;
  let answers = readAnswers(opts.answers, { extraKeys, defaults: snapshot ? snapshotDefaults(snapshot) : undefined, defaulted });
  await checkSqlOf(answers, source);
  let schema: SnapshotInput | undefined;
  if (snapshot) ({ answers, schema } = withSnapshot(answers, source, snapshot, defaulted));
  const out = opts.out;
  // The project's own tool is the default answer.
  if (project?.tool && !answers.tool) answers = { ...answers, tool: project.tool };
  const missing = missingPlanKeys(answers);
  if (missing.length && interactive) return { prefill: answers, missing };
  const { plan, tool, files } = outputsFor(answers, source, schema, project);
  if (!opts.dryRun) writeOrExplain(out, files, opts.force);
  if (opts.json) process.stdout.write(JSON.stringify(plan, null, 2) + "\n");
  else process.stdout.write(planReport(plan, tool, out, !opts.dryRun));
  return { exitCode: EXIT.ok };
}
