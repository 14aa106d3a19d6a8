/**
 * What each migration tool keeps in the database and the commands that repair its bookkeeping.
 * Diagnoses that depend on the tool (dirty version, heads, history) read from here.
 */
import type { Engine, Tool } from "../answers/schema.js";
import type { Query } from "./diagnoses/types.js";
import { TOOL_MODULES, type ToolFacts } from "../tools/index.js";

export type { ToolFacts };

/** Each tool's facts live in its module (src/tools/<tool>.ts). */
export const TOOL_FACTS = Object.fromEntries(Object.entries(TOOL_MODULES).map(([tool, m]) => [tool, m.facts])) as Record<Tool, ToolFacts>;

export function toolFacts(tool: Tool | undefined): ToolFacts {
  return TOOL_FACTS[tool ?? "raw-sql"];
}

/** The query that shows the tool's history, when the tool keeps one. */
export function historyQuery(tool: Tool | undefined, engine: Engine): Query[] {
  const facts = toolFacts(tool);
  if (!facts.historySql) return [];
  return [
    {
      purpose: `What ${facts.name} believes is applied (its table ${facts.historyTable!(engine)})`,
      sql: facts.historySql(engine),
      expect: "Compare the newest entries with the migration files and with what the schema queries show.",
      history: true,
    },
  ];
}
