/**
 * Which migration tool a project uses, from the names of its files. Pure: `files` lists paths
 * relative to the project root, with `/`, a few levels deep.
 */
import type { Tool } from "../answers/schema.js";
import { DETECTION_ORDER, TOOL_MODULES } from "../tools/index.js";

/** The tool the project's files point to, or null when none does. */
export function detectTool(files: string[]): Tool | null {
  for (const tool of DETECTION_ORDER) if (TOOL_MODULES[tool].detect?.(files)) return tool;
  return null;
}
