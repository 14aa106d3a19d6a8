/**
 * `migration-wizard trees check [DIR]`: validates the shipped trees, or a team's folder merged over
 * them (so a team's tree may point at shipped nodes), and reports every error as file:line:col.
 */
import { formatTreeErrors, loadTrees } from "./load.js";
import { shippedTreesDir } from "./shipped.js";

export function checkTrees(dir?: string): { output: string; exitCode: number } {
  const dirs = dir ? [shippedTreesDir(), dir] : [shippedTreesDir()];
  const result = loadTrees(dirs, { relativeTo: process.cwd() });
  if (!result.trees) {
    const n = result.errors.length;
    return { output: `${formatTreeErrors(result.errors)}\n${n} error${n === 1 ? "" : "s"} in the trees`, exitCode: 1 };
  }
  const { files, nodes } = result.trees;
  return { output: `ok: ${files.length} trees, ${Object.keys(nodes).length} nodes`, exitCode: 0 };
}
