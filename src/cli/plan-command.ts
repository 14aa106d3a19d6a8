/**
 * `migration-wizard plan`: from answers (a file, the wizard, or both) to the plan folder.
 * The run from a complete answers file is plan-batch.ts; it and the wizard load lazily, so neither waits for the other.
 */
import type { Answers } from "../answers/schema.js";
import { CliError, EXIT, noTtyMessage } from "./common.js";
import { checkOutBeforeAsking } from "./plan-output.js";
import type { SchemaSnapshot } from "../schema/model.js";
import type { Project } from "../project/index.js";
import { projectAndOut } from "./plan-project.js";

export { planReport, writeOrExplain } from "./plan-output.js";

export interface PlanOptions {
  answers?: string;
  /** Absent: the --project folder, else migration-plan, or (with --json) write nothing. */
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
  const batch = await import("./plan-batch.js");
  await batch.checkSqlOf(answers, file);
  if (!snapshot) return batch.outputsFor(answers, file, undefined, project);
  const { answers: filled, schema } = batch.withSnapshot(answers, file, snapshot);
  return batch.outputsFor(filled, file, schema, project);
}

export const DEFAULT_OUT = "migration-plan";

/**
 * The `gh` convention: `--json` prints to stdout and writes files only when `--out` is given.
 * The result has `out` set and `dryRun` true whenever nothing is to be written.
 */
export function resolveWrites<T extends { out?: string; json?: boolean; dryRun?: boolean }>(opts: T, fallback: string): T & { out: string } {
  return { ...opts, out: opts.out ?? fallback, dryRun: opts.dryRun || (opts.json && opts.out === undefined) };
}

/** Top-level answer keys a team's trees add (their questions' answers), allowed in an answers file. */
function treeAnswerKeys(trees: Awaited<ReturnType<typeof loadTreesFor>>): Set<string> {
  const keys = new Set<string>();
  for (const n of Object.values(trees.nodes)) if (n.type !== "end") keys.add(n.answer.split(".")[0]);
  return keys;
}

export async function planCommand(given: PlanOptions, interactive: boolean): Promise<number> {
  // --out defaults to the --project folder (or the working directory when it is a project).
  const { project, out } = projectAndOut(given);
  const opts = { ...resolveWrites(given, out), out };
  let prefill: Answers | undefined;
  let missing: string[] = [];
  const snapshot = opts.databaseUrl || opts.schema ? await (await import("./plan-snapshot.js")).snapshotFor(opts) : undefined;
  // --trees is loaded (and its errors reported) before the answers, whose keys it may extend.
  const trees = opts.trees ? await loadTreesFor(opts.trees) : undefined;
  if (opts.answers) {
    const batch = await import("./plan-batch.js");
    const r = await batch.planFromFile({ ...opts, answers: opts.answers }, interactive, trees && treeAnswerKeys(trees), snapshot, project);
    if ("exitCode" in r) return r.exitCode;
    ({ prefill, missing } = r);
  } else if (snapshot) {
    // The wizard's questions the database answers (engine, version) come pre-answered.
    prefill = (await import("../schema/fill.js")).snapshotDefaults(snapshot) as Answers;
  }
  if (!interactive) throw new CliError(noTtyMessage("plan", missing), EXIT.usage);
  if (project?.tool && prefill && !prefill.tool) prefill = { ...prefill, tool: project.tool };

  // Fail before the first question rather than after the last one.
  if (!opts.dryRun) checkOutBeforeAsking(opts.out, opts.force);
  const [{ launchWizard }, { planFinisher }] = await Promise.all([import("../ui/launch.js"), import("../ui/finish.js")]);
  return launchWizard({
    trees: trees ?? (await loadTreesFor()),
    mode: "plan",
    prefill,
    ...(snapshot ? { catalog: (await import("../wizard/catalog.js")).catalogOf(snapshot) } : {}),
    onFinish: planFinisher({ out, force: opts.force, dryRun: opts.dryRun, snapshot, project }),
  });
}

export async function loadTreesFor(dir?: string) {
  const shipped = await import("../trees/shipped.js");
  if (!dir) return shipped.shippedTrees();
  let r: Awaited<ReturnType<typeof shipped.treesWithOverrides>>;
  try {
    r = await shipped.treesWithOverrides(dir);
  } catch (e) {
    // A YAML alias bomb, a chain too deep to walk, an unreadable folder: one line, not a stack trace.
    const why = e instanceof RangeError ? "the trees are nested or chained too deeply to check" : (e as Error).message.split("\n")[0].slice(0, 200);
    throw new CliError(`cannot load the trees in ${dir}: ${why}`, EXIT.usage);
  }
  if (!r.trees) throw new CliError(`the trees in ${dir} have errors:\n${r.errors}`, EXIT.usage);
  const { treeValueErrors } = await import("./tree-values.js");
  const bad = treeValueErrors(r.trees);
  if (bad.length) throw new CliError(`the trees in ${dir} have errors:\n${bad.join("\n")}`, EXIT.usage);
  return r.trees;
}
