/**
 * A team's tree can only offer values the answers contract accepts: a choice that stores
 * `operation: add_colum` (or sets `tool: flyaway`) would build a wizard that cannot finish.
 * Checked for the contract's closed lists (engine, operation, tool, downtime, rollback, mode).
 */
import { answersSchema } from "../answers/schema.js";
import type { TreeSet } from "../trees/model.js";

const CLOSED = ["mode", "engine", "operation", "tool", "downtime_tolerance", "rollback_need"] as const;
type Field = { safeParse(v: unknown): { success: boolean } };
const shape = (answersSchema as unknown as { _zod: { def: { shape: Record<string, Field> } } })._zod.def.shape;

/** One line per offending value, as file:line:col: message. */
export function treeValueErrors(trees: TreeSet): string[] {
  const errors: string[] = [];
  const check = (pos: { file: string; line: number; col: number }, key: string, value: unknown, id: string) => {
    if (!(CLOSED as readonly string[]).includes(key) || value === null || value === undefined) return;
    if (!shape[key].safeParse(value).success) errors.push(`${pos.file}:${pos.line}:${pos.col}: node ${id}: ${key} ${JSON.stringify(value)} does not exist (the answers contract has no such value)`);
  };
  for (const node of Object.values(trees.nodes)) {
    if (node.type !== "choice") continue;
    for (const choice of node.choices) {
      // A choice with its own `next` routes to a further question that settles the answer ("help me choose");
      // one whose `set` names the node's own answer ("Not sure": the safe assumption) stores that value instead.
      const settles = !choice.next && !(choice.set && node.answer in choice.set);
      if (settles) check(node.pos, node.answer, choice.value, node.id);
      for (const [k, v] of Object.entries(choice.set ?? {})) check(node.pos, k, v, node.id);
    }
  }
  return errors;
}
