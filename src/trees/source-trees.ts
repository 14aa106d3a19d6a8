/** Loading the shipped trees from their YAML, for runs from source. The bundle replaces this module with a stub. */
import { join } from "node:path";
import type { TreeSet } from "./model.js";
import { formatTreeErrors, loadTrees } from "./load.js";

export function loadSourceTrees(root: string): TreeSet {
  const result = loadTrees([join(root, "trees")], { relativeTo: root });
  if (!result.trees) throw new Error(formatTreeErrors(result.errors));
  return result.trees;
}
