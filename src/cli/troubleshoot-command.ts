/** `migration-wizard troubleshoot`: from a symptom or a pasted error to REPAIR.md and a repair migration. */
import type { Answers } from "../answers/schema.js";
import { displayPath } from "../output/write.js";
import { CliError, EXIT, noTtyMessage } from "./common.js";
import { readAnswers } from "./plan-batch.js";
import { loadTreesFor, resolveWrites, writeOrExplain, type PlanOptions } from "./plan-command.js";
import { LIMITS, stripTerminalEscapes } from "../answers/read.js";

/** The plan command's options, and the pasted error message. */
export interface TroubleshootOptions extends PlanOptions {
  error?: string;
}

/**
 * The pasted error, bounded (a whole log pasted by mistake is refused at once, and matching stays
 * fast) and with terminal escape sequences removed before it reaches REPAIR.md.
 */
function pastedError(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const bytes = Buffer.byteLength(text);
  if (bytes > LIMITS.errorBytes) {
    throw new CliError(`the error text is ${Math.round(bytes / 1024)} KB, over the ${LIMITS.errorBytes / 1024} KB limit: paste the error message itself, not the whole log`, EXIT.usage);
  }
  return stripTerminalEscapes(text);
}

export async function troubleshootCommand(given: TroubleshootOptions, interactive: boolean): Promise<number> {
  const opts = resolveWrites(given, "migration-repair");
  let answers: Answers = { mode: "troubleshoot" } as Answers;
  if (opts.answers) answers = { ...readAnswers(opts.answers), mode: "troubleshoot" };
  const error = pastedError(opts.error ?? (typeof answers.error === "string" ? answers.error : undefined));
  const trees = await loadTreesFor(opts.trees);
  const { troubleshoot } = await import("../troubleshoot/run.js");
  const result = troubleshoot({ trees, answers, error });

  if (result.status === "diagnosed") {
    const paths = result.files.map((f) => f.path);
    if (!opts.dryRun) writeOrExplain(opts.out, result.files, opts.force);
    if (opts.json) {
      process.stdout.write(JSON.stringify({ diagnosis: result.diagnosisId, answers: result.answers, files: paths }, null, 2) + "\n");
    } else {
      process.stdout.write(result.stdout.endsWith("\n") ? result.stdout : result.stdout + "\n");
      process.stdout.write(`\n${opts.dryRun ? "Would write" : "Wrote"} to ${displayPath(opts.out)}/: ${paths.join(", ")}\n`);
    }
    return EXIT.ok;
  }
  if (!interactive) throw new CliError(`${result.message}\n${noTtyMessage("troubleshoot", result.missing)}`, EXIT.usage);

  const { launchWizard } = await import("../ui/launch.js");
  return launchWizard({
    trees,
    mode: "troubleshoot",
    prefill: result.prefill ?? answers,
    onFinish: async ({ answers: final }) => {
      const r = troubleshoot({ trees, answers: final, error });
      if (r.status !== "diagnosed") throw new Error(r.message);
      if (!opts.dryRun) writeOrExplain(opts.out, r.files, opts.force);
      return {
        files: r.files.map((f) => `${displayPath(opts.out)}/${f.path}`),
        nextSteps: [`Read ${displayPath(opts.out)}/REPAIR.md: run its confirming queries before any repair`],
      };
    },
  });
}
