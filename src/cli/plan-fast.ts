/**
 * Entry point of dist/plan-fast.cjs: the run from a complete answers file as ONE CommonJS bundle,
 * which main.ts loads through V8's code cache (code-cache.ts) instead of compiling the ESM chunks.
 * Its classes are copies of the ESM build's, so `instanceof` does not hold across the two: a CliError
 * is reported here, and only plain data (exit code, or answers for the wizard) goes back.
 */
import { CliError, printError } from "./common.js";
import { planFromFile, type BatchResult } from "./plan-batch.js";
import type { PlanOptions } from "./plan-command.js";

export function planFast(opts: PlanOptions & { answers: string }, interactive: boolean): BatchResult {
  try {
    return planFromFile(opts, interactive);
  } catch (e) {
    if (e instanceof CliError) {
      printError(e.message);
      return { exitCode: e.exitCode };
    }
    throw e;
  }
}
