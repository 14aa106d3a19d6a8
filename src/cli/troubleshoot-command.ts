/** `migration-wizard troubleshoot`: from a symptom or a pasted error to REPAIR.md and a repair migration. */
import type { Answers } from "../answers/schema.js";
import { conflicts, displayPath } from "../output/write.js";
import { CliError, EXIT, noTtyMessage } from "./common.js";
import { readAnswers } from "./plan-batch.js";
import { loadTreesFor, writeOrExplain, type PlanOptions } from "./plan-command.js";

/** The plan command's options, and the pasted error message. */
export interface TroubleshootOptions extends PlanOptions {
  error?: string;
}

export async function troubleshootCommand(opts: TroubleshootOptions, interactive: boolean): Promise<number> {
  let answers: Answers = { mode: "troubleshoot" } as Answers;
  if (opts.answers) answers = { ...readAnswers(opts.answers), mode: "troubleshoot" };
  const error = opts.error ?? (typeof answers.error === "string" ? answers.error : undefined);
  const trees = await loadTreesFor(opts.trees);
  const { troubleshoot } = await import("../troubleshoot/run.js");
  // Without a terminal to ask, a pasted error is enough: what it does not say is assumed, and said so.
  const result = troubleshoot({ trees, answers, error, useDefaults: !interactive && Boolean(error) });

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

  // Fail before the first question rather than after the last one.
  const clash = opts.force || opts.dryRun ? [] : conflicts(opts.out, [{ path: "REPAIR.md", content: "" }]);
  if (clash.length) throw new CliError(`${opts.out} already holds a repair (${clash.join(", ")}). Choose another --out folder, or pass --force.`, EXIT.usage);
  const [{ launchWizard }, { troubleshootFinisher }] = await Promise.all([import("../ui/launch.js"), import("../ui/finish.js")]);
  return launchWizard({
    trees,
    mode: "troubleshoot",
    prefill: result.prefill ?? answers,
    onFinish: troubleshootFinisher({ trees, error, out: opts.out, force: opts.force, dryRun: opts.dryRun }),
  });
}
