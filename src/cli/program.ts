/**
 * The full command line (commander): help, usage errors and every command. main.ts loads it only
 * when the arguments are not a plain `plan` run, which it parses itself without loading commander.
 */
import { Command, Option } from "commander";
import { editDistance } from "../answers/edit-distance.js";
import { EXIT, isInteractive } from "./common.js";
import { commanderFlags, PLAN_OPTIONS } from "./plan-args.js";

declare const __VERSION__: string | undefined;

export async function version(): Promise<string> {
  if (typeof __VERSION__ !== "undefined") return __VERSION__;
  const { readFileSync } = await import("node:fs");
  const { packageRoot } = await import("../trees/shipped.js");
  return JSON.parse(readFileSync(`${packageRoot()}/package.json`, "utf8")).version;
}

export function program(ver: string): Command {
  const cli = new Command("migration-wizard")
    .description("Plan a production schema change without downtime or data loss: a phased runbook (PLAN.md) and migration files for your tool.")
    .version(ver, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  addPlan(cli);
  addTroubleshoot(cli);
  addVerify(cli);
  addTrees(cli);
  return cli;
}

function addPlan(cli: Command): void {
  const plan = cli.command("plan", { isDefault: true });
  for (const [name, o] of Object.entries(PLAN_OPTIONS)) {
    plan.option(commanderFlags(name, o), o.help);
  }
  plan
    .description("walk the questions (or read --answers) and write PLAN.md, answers.yaml and the migration files")
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
}

function addTroubleshoot(cli: Command): void {
  cli
    .command("troubleshoot")
    .description("diagnose a migration that went wrong: from a symptom or a pasted error to the confirming queries and a repair")
    .option("-e, --error <text>", "the error message, pasted as it was printed")
    .option("-a, --answers <file>", "answers file with engine, engine_version and tool")
    .option("-o, --out <dir>", "folder to write REPAIR.md (and a repair migration) into (default: migration-repair; with --json, nothing is written unless --out is given)")
    .option("--json", "print the diagnosis as JSON on stdout; writes files only with --out")
    .option("--dry-run", "print what would be written; write nothing")
    .option("-f, --force", "allow overwriting files in --out")
    .option("--trees <dir>", "your own decision trees, merged over the shipped ones")
    .option("--database-url <url>", "run the confirming queries on this PostgreSQL (read-only) and show what they returned")
    .action(async (opts) => {
      const { troubleshootCommand } = await import("./troubleshoot-command.js");
      process.exitCode = await troubleshootCommand(opts, isInteractive());
    });
}

function addVerify(cli: Command): void {
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

}

function addTrees(cli: Command): void {
  const trees = cli.command("trees").description("decision trees");
  trees
    .command("check")
    .description("check decision trees: the shipped ones, or a folder of yours merged over them")
    .argument("[dir]", "a folder of *.yaml trees")
    .action(async (dir?: string) => {
      const r = await treesCheck(dir);
      (r.exitCode === 0 ? process.stdout : process.stderr).write(r.output.endsWith("\n") ? r.output : r.output + "\n");
      process.exitCode = r.exitCode;
    });
}

/** `trees check [dir]`: the shape and graph of the trees, then (for a team's folder) the values its choices set. */
async function treesCheck(dir?: string): Promise<{ exitCode: number; output: string }> {
  const { checkTrees } = await import("../trees/check.js");
  try {
    const r = checkTrees(dir);
    if (r.exitCode !== 0 || !dir) return r;
    const { treesWithOverrides } = await import("../trees/shipped.js");
    const { treeValueErrors } = await import("./tree-values.js");
    const loaded = await treesWithOverrides(dir);
    const errors = loaded.trees ? treeValueErrors(loaded.trees) : [];
    return errors.length ? { exitCode: 1, output: `${errors.join("\n")}\n${errors.length} error${errors.length === 1 ? "" : "s"} in the trees` } : r;
  } catch (e) {
    const why = e instanceof RangeError ? "the trees are nested or chained too deeply to check" : (e as Error).message.split("\n")[0].slice(0, 200);
    return { exitCode: EXIT.usage, output: `migration-wizard: cannot check the trees in ${dir ?? "the package"}: ${why}` };
  }
}

/**
 * `plan` is the default command, so commander would read an unknown word as plan's argument ("too many
 * arguments for 'plan'"). A first argument that is no option and no command is an unknown command:
 * say so, and name the nearest one.
 */
export function unknownCommand(cli: Command, args: string[]): string | undefined {
  const first = args[0];
  if (!first || first.startsWith("-")) return undefined;
  const names = cli.commands.flatMap((c) => [c.name(), ...c.aliases()]).concat("help");
  if (names.includes(first)) return undefined;
  const nearest = names.map((n) => ({ n, d: editDistance(first, n) })).sort((a, b) => a.d - b.d)[0];
  const hint = nearest && nearest.d <= Math.max(2, Math.floor(nearest.n.length / 2)) ? ` Did you mean '${nearest.n}'?` : "";
  return `unknown command '${first}'.${hint} Commands: ${names.filter((n) => n !== "help").join(", ")} (run with --help for usage).`;
}
