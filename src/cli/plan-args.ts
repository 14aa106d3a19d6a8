/**
 * The fast path of the command line: `[plan] [options]` with only plan's own options, parsed with
 * node:util so the commonest scripted run does not load commander. It must accept exactly what
 * program.ts's `plan` accepts and give the same options (test/cli/plan-args.test.ts compares them).
 */
import { parseArgs } from "node:util";
import type { PlanOptions } from "./plan-command.js";

/** `plan`'s options exactly as program.ts declares them (same names, short flags and default). */
const PLAN_OPTIONS = {
  answers: { type: "string", short: "a" },
  out: { type: "string", short: "o", default: "migration-plan" },
  json: { type: "boolean" },
  "dry-run": { type: "boolean" },
  force: { type: "boolean", short: "f" },
  trees: { type: "string" },
} as const;

/**
 * The options of `[plan] [options]` when every argument is one of plan's options with a proper value;
 * undefined for anything else, which commander then handles (and explains) as it always has.
 */
export function plainPlanOptions(args: string[]): PlanOptions | undefined {
  if (args[0] === "plan") args = args.slice(1);
  let values;
  try {
    ({ values } = parseArgs({ args, options: PLAN_OPTIONS, strict: true, allowPositionals: false }));
  } catch {
    return undefined;
  }
  const { "dry-run": dryRun, ...rest } = values;
  return { ...rest, ...(dryRun === undefined ? {} : { dryRun }) };
}
