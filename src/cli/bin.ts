/**
 * The command (dist/cli.js), a small CommonJS file: Node starts a CommonJS entry faster than an ES
 * module. `plan --answers FILE` with every answer, the commonest scripted run, is done here through
 * dist/plan-fast.cjs and V8's code cache (code-cache.ts): compiling its code is otherwise a large
 * share of the run. Everything else, and a run that still has questions to ask, goes to main.ts (ESM).
 */
import { loadCachedBundle } from "./code-cache.js";
import { EXIT, isInteractive, printError } from "./common.js";
import { plainPlanOptions } from "./plan-args.js";
import type { BatchResult } from "./plan-batch.js";
import type { PlanOptions } from "./plan-command.js";
import type { planFast } from "./plan-fast.js";

/** Names dist/plan-fast.cjs's code cache: package version and a hash of the bundle (scripts/build.mjs). */
declare const __PLAN_FAST_ID__: string | undefined;

/** plan-batch.ts's run from dist/plan-fast.cjs; undefined without that bundle (main.ts then does it all). */
function planFromFileFast(opts: PlanOptions & { answers: string }, interactive: boolean): BatchResult | undefined {
  if (typeof __PLAN_FAST_ID__ === "undefined") return undefined;
  const bundle = loadCachedBundle(`${__dirname}/plan-fast.cjs`, __PLAN_FAST_ID__);
  if (!bundle) return undefined;
  const result = (bundle.exports.planFast as typeof planFast)(opts, interactive);
  bundle.saveCache();
  return result;
}

async function start(argv: string[]): Promise<void> {
  // Ctrl-C outside the wizard (which handles it itself): nothing is half-written, since writes are staged.
  process.on("SIGINT", () => process.exit(EXIT.cancelled));
  const plan = plainPlanOptions(argv.slice(2));
  let batch: BatchResult | undefined;
  // With a schema to read (async, lazily loaded drivers) the run goes through main.ts.
  if (plan?.answers && !plan.databaseUrl && !plan.schema) {
    try {
      batch = planFromFileFast({ ...plan, answers: plan.answers }, isInteractive());
    } catch (e) {
      printError(`unexpected error: ${(e as Error).stack ?? e}`);
      process.exitCode = EXIT.failure;
      return;
    }
    if (batch && "exitCode" in batch) {
      process.exitCode = batch.exitCode;
      return;
    }
  }
  // A variable, so that the bundler leaves this import to Node (main.mjs is built beside cli.js).
  const entry = "./main.mjs";
  const { main } = (await import(entry)) as typeof import("./main.js");
  await main(argv, batch);
}

void start(process.argv);
