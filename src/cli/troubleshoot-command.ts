/** `migration-wizard troubleshoot`: from a symptom or a pasted error to REPAIR.md and a repair migration. */
import type { Answers } from "../answers/schema.js";
import { conflicts, displayPath } from "../output/write.js";
import { CliError, EXIT, noTtyMessage } from "./common.js";
import { readAnswers } from "./plan-batch.js";
import { loadTreesFor, resolveWrites, writeOrExplain, type PlanOptions } from "./plan-command.js";
import { LIMITS, stripTerminalEscapes } from "../answers/read.js";
import { dialectOf, isMysqlFamily } from "../engines/index.js";

/** The plan command's options, and the pasted error message. */
export interface TroubleshootOptions extends Omit<PlanOptions, "project"> {
  error?: string;
}

/** Runs the confirming queries on the database, adds what they returned to stdout and REPAIR.md. */
async function confirmLive(url: string, result: Extract<Awaited<ReturnType<typeof import("../troubleshoot/run.js").troubleshoot>>, { status: "diagnosed" }>) {
  const { runConfirmingQueries, confirmSection, urlFamily } = await import("../troubleshoot/confirm-live.js");
  const engine = result.answers.engine ?? "postgresql";
  if (urlFamily(url) !== dialectOf(engine)) {
    throw new CliError(`the diagnosis is for ${engine}, but --database-url is a ${urlFamily(url)} server: pass a URL of the server that failed`, EXIT.usage);
  }
  const { SnapshotError } = await import("../schema/sources.js");
  let live;
  try {
    live = await runConfirmingQueries(url, result.confirm);
  } catch (e) {
    if (e instanceof SnapshotError) throw new CliError(e.message, e.kind === "usage" ? EXIT.usage : EXIT.failure);
    throw new CliError(`running the confirming queries failed (nothing was changed): ${(e as Error).message}`, EXIT.failure);
  }
  const section = confirmSection(live.where, live.results);
  const repair = result.files.find((f) => f.path === "REPAIR.md");
  if (repair) repair.content = repair.content.replace(/\n## Repair, step by step/, `\n${section}\n## Repair, step by step`);
  result.stdout += `\n\nConfirmed on ${live.where} (read-only):\n${live.results.map((r) => `  ${r.purpose}\n${r.lines.map((l) => `    ${l}`).join("\n")}`).join("\n")}`;
}

/**
 * With a MySQL-family URL, the server says which it is (MySQL or MariaDB) and its version, unless the answers
 * already name a MySQL-family engine and version: the confirming queries are then the ones that work there.
 */
async function withServerEngine(url: string, answers: Answers): Promise<Answers> {
  const { mysqlServer, urlFamily } = await import("../troubleshoot/confirm-live.js");
  if (urlFamily(url) !== "mysql" || (answers.engine && !isMysqlFamily(answers.engine))) return answers;
  const { SnapshotError } = await import("../schema/sources.js");
  try {
    const server = await mysqlServer(url);
    return { ...answers, engine: server.engine, engine_version: answers.engine === server.engine ? (answers.engine_version ?? server.version) : server.version };
  } catch (e) {
    if (e instanceof SnapshotError) throw new CliError(e.message, EXIT.failure);
    throw new CliError(`cannot read the server's version from the --database-url (nothing was changed): ${(e as Error).message}`, EXIT.failure);
  }
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
  if (opts.databaseUrl) answers = await withServerEngine(opts.databaseUrl, answers);
  const trees = await loadTreesFor(opts.trees);
  const { troubleshoot } = await import("../troubleshoot/run.js");
  // Without a terminal to ask, a pasted error is enough: what it does not say is assumed, and said so.
  const result = troubleshoot({ trees, answers, error, useDefaults: !interactive && Boolean(error) });

  if (result.status === "diagnosed") {
    if (opts.databaseUrl) await confirmLive(opts.databaseUrl, result);
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
