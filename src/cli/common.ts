/** What every command shares: exit codes, the interactive decision, error printing. */

export const EXIT = { ok: 0, failure: 1, usage: 2, cancelled: 130 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
  }
}

/**
 * Read exactly as Ink reads it (the is-in-ci package): CI or CONTINUOUS_INTEGRATION present and not
 * "0" or "false". Ink draws nothing until exit under CI, so the two must agree.
 */
export function ciSet(env: NodeJS.ProcessEnv = process.env): boolean {
  const on = (key: string) => key in env && env[key] !== "0" && env[key] !== "false";
  return on("CI") || on("CONTINUOUS_INTEGRATION");
}

/**
 * Decided before anything renders: Ink's raw mode throws without a TTY. CI is checked first: the
 * first read of process.stdin sets up a stream (milliseconds), which a run under CI never needs.
 */
export function isInteractive(): boolean {
  return !ciSet() && Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

export function printError(message: string): void {
  process.stderr.write(`migration-wizard: ${message.replace(/\n/g, "\n  ")}\n`);
}

export function noTtyMessage(command: string, missing: string[] = []): string {
  const what = missing.length ? `the answers are missing ${missing.join(", ")}` : "no answers file was given";
  return (
    `cannot ask questions here (${ciSet() ? "CI is set" : "not a terminal"}) and ${what}.\n` +
    `Pass every answer in a file: migration-wizard ${command} --answers answers.yaml\n` +
    (command === "troubleshoot"
      ? "(the answers.yaml a plan wrote has engine, engine_version and tool; or pass --error with the message as it was printed)"
      : "(write one by running the wizard once in a terminal; it saves answers.yaml beside PLAN.md)")
  );
}
