/**
 * The full command line, loaded by bin.ts. It only parses arguments and routes; each command loads what it needs lazily,
 * so `plan --answers` never pays for Ink, React or PostgreSQL, and the wizard never pays for pglite.
 * A plain `plan` run (only plan's own options, well-formed) is parsed here with node:util; anything
 * else (help, version, other commands, any usage error) goes to the commander program in program.ts,
 * so help and error output come from one place.
 */
import { EXIT, CliError, isInteractive, printError } from "./common.js";
import { plainPlanOptions } from "./plan-args.js";
import { exitOnSignals } from "./signals.js";

// chalk (under Ink) ignores NO_COLOR; it honours FORCE_COLOR=0. Set before anything loads Ink.
if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") process.env.FORCE_COLOR = "0";

async function run(argv: string[]): Promise<void> {
  const plan = plainPlanOptions(argv.slice(2));
  if (plan) {
    const { planCommand } = await import("./plan-command.js");
    process.exitCode = await planCommand(plan, isInteractive());
    return;
  }
  const [{ program, version, unknownCommand }, { CommanderError }] = await Promise.all([import("./program.js"), import("commander")]);
  const cli = program(await version());
  const unknown = unknownCommand(cli, argv.slice(2));
  if (unknown) throw new CliError(unknown, EXIT.usage);
  try {
    await cli.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      const ok = e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help";
      process.exitCode = ok ? EXIT.ok : EXIT.usage;
      return;
    }
    throw e;
  }
}

/** A working directory that was deleted under the shell: every relative path would fail later. */
function cwdGone(): boolean {
  try {
    process.cwd();
    return false;
  } catch {
    return true;
  }
}

export async function main(argv: string[]): Promise<void> {
  // Ctrl-C outside the wizard (which handles it itself), SIGTERM and SIGHUP: writes are journaled
  // and synchronous, so the handler runs only once a write has committed or been undone.
  exitOnSignals();
  if (cwdGone()) {
    printError("the current working directory no longer exists: cd to a folder that does, then run the command again");
    process.exitCode = EXIT.failure;
    return;
  }
  try {
    await run(argv);
  } catch (e) {
    if (e instanceof CliError) {
      printError(e.message);
      process.exitCode = e.exitCode;
      return;
    }
    printError(`unexpected error: ${(e as Error).stack ?? e}`);
    process.exitCode = EXIT.failure;
  }
}
