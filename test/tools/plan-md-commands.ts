/**
 * The commands PLAN.md prints for each phase, read from its text (not from the renderer's data):
 * `- Command: \`...\`` under "How to run it" and `With the tool: \`...\`` under "Rollback".
 */
export interface PrintedCommands {
  /** Phase id -> the command that applies it. */
  apply: Map<string, string>;
  /** Phase id -> the command that undoes it with the tool. */
  undo: Map<string, string>;
}

export function printedCommands(planMd: string): PrintedCommands {
  const apply = new Map<string, string>();
  const undo = new Map<string, string>();
  for (const section of planMd.split(/^## Phase \d+ of \d+: /m).slice(1)) {
    const id = /\*\*id:\*\* `([^`]+)`/.exec(section)?.[1];
    if (!id) throw new Error(`a phase section without an id:\n${section.slice(0, 200)}`);
    const command = /^- Command: `([^`]+)`$/m.exec(section)?.[1];
    const rollback = section.split(/^### Rollback$/m)[1] ?? "";
    const withTool = /^With the tool: `([^`]+)`$/m.exec(rollback)?.[1];
    if (command) apply.set(id, command);
    if (withTool) undo.set(id, withTool);
  }
  return { apply, undo };
}
