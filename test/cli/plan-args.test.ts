/**
 * The fast path (plan-args.ts) must agree with commander's `plan` (program.ts): the same options for
 * everything it accepts, and it must hand everything it does not understand to commander.
 */
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { plainPlanOptions } from "../../src/cli/plan-args.js";
import { program } from "../../src/cli/program.js";

/** What commander's `plan` action would receive for these arguments (after `plan` or none). */
function commanderPlanOptions(args: string[]): Record<string, unknown> {
  const plan = program("0.0.0").commands.find((c: Command) => c.name() === "plan")!;
  const rest = args[0] === "plan" ? args.slice(1) : args;
  const { operands, unknown } = plan.parseOptions(rest);
  expect(operands).toEqual([]);
  expect(unknown).toEqual([]);
  return { ...plan.opts() };
}

describe("plan's argument fast path", () => {
  const accepted = [
    [],
    ["plan"],
    ["--answers", "a.yaml"],
    ["plan", "--answers", "a.yaml", "--out", "plans/x", "--force"],
    ["plan", "-a", "a.yaml", "-o", "out", "-f", "--json", "--dry-run"],
    ["--answers=a.yaml", "--out=o", "--trees", "t"],
    ["-aa.yaml", "-oout"],
    ["-fo", "out", "--answers", "a.yaml"],
    ["--out", "one", "--out", "two"],
    ["--out", ""],
    ["plan", "--answers", "a.yaml", "--database-url", "postgresql://u@h/db", "--dry-run"],
    ["--answers", "a.yaml", "--schema", "schema.sql", "--json"],
  ];
  it.each(accepted.map((a) => [a.join(" ") || "(no arguments)", a]))("%s: same options as commander", (_, args) => {
    const fast = plainPlanOptions(args as string[]);
    expect(fast).toBeDefined();
    expect({ ...fast }).toEqual(commanderPlanOptions(args as string[]));
  });

  const deferred = [
    ["--help"],
    ["-h"],
    ["plan", "--help"],
    ["--version"],
    ["-V"],
    ["help"],
    ["troubleshoot"],
    ["trees", "check"],
    ["verify", "dir"],
    ["plan", "extra"],
    ["--bogus"],
    ["plan", "--answers"],
    ["--out", "-f"],
    ["--json=yes"],
    ["--no-json"],
    ["--force", "plan"],
  ];
  it.each(deferred.map((a) => [a.join(" "), a]))("%s: left to commander", (_, args) => {
    expect(plainPlanOptions(args as string[])).toBeUndefined();
  });
});
