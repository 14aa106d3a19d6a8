/**
 * The trees that ship with the tool. In the bundle they are baked in at build time
 * (scripts/build.mjs defines __SHIPPED_TREES_JSON__ and replaces source-trees.ts with a stub), so start-up
 * parses no YAML and loads no YAML parser; from source (tests) they are loaded from trees/.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TreeSet } from "./model.js";
import { loadSourceTrees } from "./source-trees.js";

// The baked trees as JSON text: a string costs nothing until parsed, and only the commands that use
// the trees parse it (an object literal would be built on every start, `plan --answers` included).
declare const __SHIPPED_TREES_JSON__: string | undefined;
let baked: TreeSet | undefined;

/** The package root (the folder with our package.json), found upward from this module: works from src/ and dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).name === "migration-wizard") return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find the migration-wizard package folder");
    dir = up;
  }
}

export function shippedTreesDir(): string {
  return join(packageRoot(), "trees");
}

export function shippedTrees(): TreeSet {
  if (typeof __SHIPPED_TREES_JSON__ !== "undefined") return (baked ??= JSON.parse(__SHIPPED_TREES_JSON__) as TreeSet);
  return loadSourceTrees(packageRoot());
}

/** The shipped trees with a team's folder merged over them (same file name replaces, new names add). */
export async function treesWithOverrides(dir: string): Promise<{ trees?: TreeSet; errors: string }> {
  const { formatTreeErrors, loadTrees } = await import("./load.js");
  // Merge over the baked-in set: no re-parsing of the shipped YAML.
  const result = loadTrees([dir], { base: shippedTrees(), relativeTo: process.cwd() });
  return { trees: result.trees, errors: result.errors.length ? formatTreeErrors(result.errors) : "" };
}
