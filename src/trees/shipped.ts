/**
 * The trees that ship with the tool. In the bundle they are baked in at build time
 * (scripts/build.mjs defines __SHIPPED_TREES__); from source (tests) they are loaded from trees/.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TreeSet } from "./model.js";
import { formatTreeErrors, loadTrees } from "./load.js";

declare const __SHIPPED_TREES__: TreeSet | undefined;

/** The project root when running from source: src/trees/ -> ../.. */
export const SOURCE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export function shippedTrees(): TreeSet {
  if (typeof __SHIPPED_TREES__ !== "undefined") return __SHIPPED_TREES__;
  const result = loadTrees([join(SOURCE_ROOT, "trees")], { relativeTo: SOURCE_ROOT });
  if (!result.trees) throw new Error(formatTreeErrors(result.errors));
  return result.trees;
}
