/**
 * `migration-wizard plan`: from answers (a file, the wizard, or both) to the plan folder.
 * The run from a complete answers file is plan-batch.ts; it and the wizard load lazily, so neither waits for the other.
 */
import type { Answers } from "../answers/schema.js";
import { conflicts } from "../output/write.js";
import type { BatchResult } from "./plan-batch.js";
import { CliError, EXIT, noTtyMessage } from "./common.js";
import { writeOrExplain } from "./plan-output.js";
import type { SchemaSnapshot } from "../schema/model.js";
import type { Project } from "../project/index.js";
import { projectAndOut } from "./plan-project.js";

export { planReport, writeOrExplain } from "./plan-output.js";

export interface PlanOptions {
  answers?: string;
  out?: string;
  project?: string;
  json?: boolean;
  dryRun?: boolean;
  force?: boolean;
  trees?: string;
  /** Read the schema from this PostgreSQL (src/schema). */
  databaseUrl?: string;
  /** Read the schema from a pg_dump --schema-only file. */
  schema?: string;
  /** With databaseUrl: run the bounded probes that fit the change. */
  probe?: boolean;
}

/** Check the free-text SQL, build and render (with the schema read, when there is one); answer problems become usage errors that name the field. */
export async function outputsFor(answers: Answers, file: string, snapshot?: SchemaSnapshot, project?: Project) {
  await checkSqlOf(answers, file);
  const batch = await import("./plan-batch.js");
  if (!snapshot) return batch.outputsFor(answers, file, undefined, project);
  const { answers: filled, schema } = batch.withSnapshot(answers, file, snapshot);
  return batch.outputsFor(filled, file, schema, project);
}

/** Free-text SQL fields must each be one expression of the engine (sql-expression.ts): else exit 2, nothing written. */
async function checkSqlOf(answers: Answers, file: string): Promise<void> {
  const { checkSqlFields } = await import("../plan/sql-expression.js");
  const { SqlFieldError } = await import("../plan/sql-fields.js");
  try {
    await checkSqlFields(answers);
  } catch (e) {
    if (e instanceof SqlFieldError) throw new CliError(`${file}: ${e.message}`, EXIT.usage);
    throw e;
  }
}

/** The batch run once its free-text SQL has been checked. */
async function planFromFileChecked(opts: PlanOptions & { answers: string }, interactive: boolean, snapshot?: SchemaSnapshot): Promise<BatchResult> {
  const batch = await import("./plan-batch.js");
  const defaults = snapshot ? (await import("../schema/fill.js")).snapshotDefaults(snapshot) : undefined;
  await checkSqlOf(batch.readAnswers(opts.answers, defaults), opts.answers);
  return batch.planFromFile(opts, interactive, true, snapshot);
}

/** `batch`: what main.ts's fast path (plan-fast.ts) already made of the answers file, if it ran. */
export async function planCommand(opts: PlanOptions, interactive: boolean, batch?: BatchResult): Promise<number> {
  let prefill: Answers | undefined;
  let missing: string[] = [];
  const snapshot = opts.databaseUrl || opts.schema ? await (await import("./plan-snapshot.js")).snapshotFor(opts) : undefined;
  if (opts.answers) {
    let r = batch ?? (await import("./plan-batch.js")).planFromFile({ ...opts, answers: opts.answers }, interactive, false, snapshot);
    if ("needsSqlCheck" in r) r = await planFromFileChecked({ ...opts, answers: opts.answers }, interactive, snapshot);
    if ("exitCode" in r) return r.exitCode;
    if ("needsSqlCheck" in r) throw new Error("the SQL check did not run");
    ({ prefill, missing } = r);
  } else if (snapshot) {
    // The wizard's questions the database answers (engine, version) come pre-answered.
    prefill = (await import("../schema/fill.js")).snapshotDefaults(snapshot) as Answers;
  }
  if (!interactive) throw new CliError(noTtyMessage("plan", missing), EXIT.usage);
  const { project, out } = projectAndOut(opts);
  opts = { ...opts, out };
  if (project?.tool && prefill && !prefill.tool) prefill = { ...prefill, tool: project.tool };

  // Fail before the first question rather than after the last one.
  const clash = opts.force || opts.dryRun ? [] : conflicts(out, [{ path: "PLAN.md", content: "" }, { path: "answers.yaml", content: "" }]);
  if (clash.length) {
    throw new CliError(`${out} already holds a plan (${clash.join(", ")}). Choose another --out folder, or pass --force.`, EXIT.usage);
  }
  const trees = await loadTreesFor(opts.trees);
  const [{ launchWizard }, { planFinisher }] = await Promise.all([import("../ui/launch.js"), import("../ui/finish.js")]);
  return launchWizard({
    trees,
    mode: "plan",
    prefill,
    onFinish: planFinisher({ out, force: opts.force, dryRun: opts.dryRun, snapshot, project }),
  });
}

export async function loadTreesFor(dir?: string) {
  const shipped = await import("../trees/shipped.js");
  if (!dir) return shipped.shippedTrees();
  const r = await shipped.treesWithOverrides(dir);
  if (!r.trees) throw new CliError(`the trees in ${dir} have errors:\n${r.errors}`, EXIT.usage);
  return r.trees;
}
