/**
 * The entry point. It only parses arguments and routes; each command loads what it needs lazily,
 * so `plan --answers` never pays for Ink, React or PostgreSQL, and the wizard never pays for pglite.
 */
import { Command, CommanderError, Option } from "commander";
import { EXIT, CliError, isInteractive, printError } from "./common.js";

// chalk (under Ink) ignores NO_COLOR; it honours FORCE_COLOR=0. Set before anything loads Ink.
if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") process.env.FORCE_COLOR = "0";

declare const __VERSION__: string | undefined;

async function version(): Promise<string> {
  if (typeof __VERSION__ !== "undefined") return __VERSION__;
  const { readFileSync } = await import("node:fs");
  const { packageRoot } = await import("../trees/shipped.js");
  return JSON.parse(readFileSync(`${packageRoot()}/package.json`, "utf8")).version;
}

function program(ver: string): Command {
  const cli = new Command("migration-wizard")
    .description("Plan a production schema change without downtime or data loss: a phased runbook (PLAN.md) and migration files for your tool.")
    .version(ver, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  cli
    .command("plan", { isDefault: true })
    .description("walk the questions (or read --answers) and write PLAN.md, answers.yaml and the migration files")
    .option("-a, --answers <file>", "answers file (YAML); with every key present no question is asked")
    .option("-o, --out <dir>", "folder to write into", "migration-plan")
    .option("--json", "print the plan as JSON on stdout")
    .option("--dry-run", "print what would be written; write nothing")
    .option("-f, --force", "allow overwriting files in --out")
    .option("--trees <dir>", "your own decision trees, merged over the shipped ones")
    .addHelpText(
      "after",
      `
Examples:
  $ migration-wizard                                   # interactive wizard
  $ migration-wizard plan --answers answers.yaml --out plans/add-status
  $ migration-wizard plan --answers answers.yaml --json --dry-run

Exit codes: 0 ok, 1 failure, 2 bad input or usage, 130 cancelled.`,
    )
    .action(async (opts) => {
      const { planCommand } = await import("./plan-command.js");
      process.exitCode = await planCommand(opts, isInteractive());
    });

  cli
    .command("troubleshoot")
    .description("diagnose a migration that went wrong: from a symptom or a pasted error to the confirming queries and a repair")
    .option("-e, --error <text>", "the error message, pasted as it was printed")
    .option("-a, --answers <file>", "answers file with engine, engine_version and tool")
    .option("-o, --out <dir>", "folder to write REPAIR.md (and a repair migration) into", "migration-repair")
    .option("--json", "print the diagnosis as JSON on stdout")
    .option("--dry-run", "print what would be written; write nothing")
    .option("-f, --force", "allow overwriting files in --out")
    .option("--trees <dir>", "your own decision trees, merged over the shipped ones")
    .action(async (opts) => {
      const { troubleshootCommand } = await import("./troubleshoot-command.js");
      process.exitCode = await troubleshootCommand(opts, isInteractive());
    });

  cli
    .command("verify")
    .description("apply a written plan forward, back and forward again on a real PostgreSQL, tracing the locks each statement takes")
    .argument("<dir>", "a folder written by `migration-wizard plan` (it reads answers.yaml)")
    .addOption(new Option("--database-url <url>", "a PostgreSQL server to verify on (in a throwaway schema); default: embedded PostgreSQL").env("MW_DATABASE_URL"))
    .option("--json", "print the report as JSON")
    .action(async (dir: string, opts) => {
      const { verifyCommand } = await import("../verify/command.js");
      const r = await verifyCommand(dir, { databaseUrl: opts.databaseUrl, json: opts.json });
      // Bad input goes to stderr; a report (passing or not) is the command's output.
      const stream = r.exitCode === EXIT.usage && !opts.json ? process.stderr : process.stdout;
      stream.write(r.output.endsWith("\n") ? r.output : r.output + "\n");
      process.exitCode = r.exitCode;
    });

  const trees = cli.command("trees").description("decision trees");
  trees
    .command("check")
    .description("check decision trees: the shipped ones, or a folder of yours merged over them")
    .argument("[dir]", "a folder of *.yaml trees")
    .action(async (dir?: string) => {
      const { checkTrees } = await import("../trees/check.js");
      const r = checkTrees(dir);
      (r.exitCode === 0 ? process.stdout : process.stderr).write(r.output.endsWith("\n") ? r.output : r.output + "\n");
      process.exitCode = r.exitCode;
    });
  return cli;
}

async function main(argv: string[]): Promise<void> {
  // Ctrl-C outside the wizard (which handles it itself): nothing is half-written, since writes are staged.
  process.on("SIGINT", () => process.exit(EXIT.cancelled));
  const cli = program(await version());
  try {
    await cli.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      const ok = e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help";
      process.exitCode = ok ? EXIT.ok : EXIT.usage;
      return;
    }
    if (e instanceof CliError) {
      printError(e.message);
      process.exitCode = e.exitCode;
      return;
    }
    printError(`unexpected error: ${(e as Error).stack ?? e}`);
    process.exitCode = EXIT.failure;
  }
}

await main(process.argv);
