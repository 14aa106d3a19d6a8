/** The last step of `plan`: writing the folder (write errors as CLI errors) and the report on stdout. */
import type { Plan } from "../plan/model.js";
import { conflicts, displayPath, OutputError, recoverFolder, writeAll, type OutputFile } from "../output/write.js";
import type { ToolOutput } from "../render/types.js";
import { CliError, printError } from "./common.js";
import { oneLine, shellArg } from "../plan/encode.js";

function asCliError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof OutputError) throw new CliError(e.message, e.exitCode);
    throw e;
  }
}

export function writeOrExplain(out: string, files: OutputFile[], force?: boolean): string[] {
  return asCliError(() => writeAll(out, files, { force, notice: printError }));
}

/**
 * Before any question: finish or undo a switch an earlier run left in `out` (saying so), and, unless
 * `force`, fail now if the folder already holds a plan rather than after the last answer.
 */
export function checkOutBeforeAsking(out: string, force?: boolean): void {
  asCliError(() => {
    const note = recoverFolder(out);
    if (note) printError(note);
    if (force) return;
    const clash = conflicts(out, [{ path: "PLAN.md", content: "" }, { path: "answers.yaml", content: "" }, { path: ".migration-wizard.json", content: "" }]);
    if (clash.length) throw new OutputError(`${out} already holds a plan (${clash.join(", ")}). Choose another --out folder, or pass --force.`, 2);
  });
}

export function planReport(plan: Plan, tool: ToolOutput, out: string, written: boolean): string {
  const lines: string[] = [];
  lines.push(`${written ? "Wrote" : "Would write"} ${plan.files.length} files to ${displayPath(out)}/:`);
  for (const f of plan.files) lines.push(`  ${f}`);
  // Answer text reaches the terminal on one line, with control characters shown, never acted on.
  lines.push("", oneLine(plan.summary), "");
  const dir = displayPath(out);
  if (tool.phases && Object.values(tool.phases).some((t) => t?.command) && dir !== ".") lines.push(`Run the commands from inside ${dir}/ (cd ${shellArg(dir)}):`, "");
  let n = 0;
  for (const p of plan.phases) {
    const how = tool.phases[p.id]?.command;
    lines.push(`  ${String(++n).padStart(2)}. [${p.kind}] ${oneLine(p.title)}${how ? `  ->  ${how}` : ""}`);
  }
  if (plan.warnings.length) {
    lines.push("", "Warnings:");
    for (const w of plan.warnings) lines.push(`  ! ${oneLine(w)}`);
  }
  lines.push("", `Next: read ${displayPath(out)}/PLAN.md, tick its checklist, then run phase 1.`);
  return lines.join("\n") + "\n";
}

