/**
 * `migration-wizard plan`: from answers (a file, the wizard, or both) to the plan folder.
 * The run from a complete answers file is plan-batch.ts; it and the wizard load lazily, so neither waits for the other.
 */
import type { Answers } from "../answers/schema.js";
import type { BatchResult } from "./plan-batch.js";
import { displayPath } from "../output/write.js";
import { CliError, EXIT, noTtyMessage } from "./common.js";
import { checkOutBeforeAsking, writeOrExplain } from "./plan-output.js";

export { planReport, writeOrExplain } from "./plan-output.js";

export interface PlanOptions {
  answers?: string;
  /** Absent: migration-plan, or (with --json) write nothing. */
  out?: string;
  json?: boolean;
  dryRun?: boolean;
  force?: boolean;
  trees?: string;
}

/** Check the free-text SQL, build and render; answer problems become usage errors that name the field. */
export async function outputsFor(answers: Answers, file: string) {
  await checkSqlOf(answers, file);
  return (await import("./plan-batch.js")).outputsFor(answers, file);
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
async function planFromFileChecked(opts: PlanOptions & { answers: string; out: string }, interactive: boolean, extraKeys?: ReadonlySet<string>): Promise<BatchResult> {
  const batch = await import("./plan-batch.js");
  await checkSqlOf(batch.readAnswers(opts.answers, extraKeys), opts.answers);
  return batch.planFromFile(opts, interactive, true, extraKeys);
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
  const opts = resolveWrites(given, DEFAULT_OUT);
  let prefill: Answers | undefined;
  let missing: string[] = [];
  // --trees is loaded (and its errors reported) before the answers, whose keys it may extend.
  const trees = opts.trees ? await loadTreesFor(opts.trees) : undefined;
  if (opts.answers) {
    const r = await planFromFileChecked({ ...opts, answers: opts.answers }, interactive, trees && treeAnswerKeys(trees));
    if ("exitCode" in r) return r.exitCode;
    if ("needsSqlCheck" in r) throw new Error("the SQL check did not run");
    ({ prefill, missing } = r);
  }
  if (!interactive) throw new CliError(noTtyMessage("plan", missing), EXIT.usage);

  // Fail before the first question rather than after the last one.
  if (!opts.dryRun) checkOutBeforeAsking(opts.out, opts.force);
  const { launchWizard } = await import("../ui/launch.js");
  return launchWizard({
    trees: trees ?? (await loadTreesFor()),
    mode: "plan",
    prefill,
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
