/** The disk edge of src/project: list a project's files (a few levels deep) and read them. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { readManifest } from "../output/manifest.js";
import type { ProjectFiles } from "./history.js";

const SKIP = new Set(["node_modules", ".git", "__pycache__", ".venv", "venv", "vendor", "dist", "build", "tmp", "log"]);

/**
 * The files under `root`, `depth` levels deep, skipping dependency and build folders; at most `limit`
 * entries are looked at, so a huge folder costs a bounded time.
 */
export function listProject(root: string, depth = 4, limit = 20_000): string[] {
  const out: string[] = [];
  let seen = 0;
  const walk = (rel: string, level: number) => {
    if (seen > limit) return;
    let names: string[];
    try {
      names = readdirSync(join(root, rel));
    } catch {
      return;
    }
    for (const name of names.sort()) {
      if (SKIP.has(name) || name.startsWith(".")) continue;
      if (++seen > limit) return;
      const path = rel ? `${rel}/${name}` : name;
      let dir = false;
      try {
        dir = statSync(join(root, path)).isDirectory();
      } catch {
        continue;
      }
      if (dir) {
        if (level < depth) walk(path, level + 1);
      } else out.push(path);
    }
  };
  walk("", 1);
  return out;
}

/** The names at the top of `dir` (none when it cannot be read). */
export function topNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * The project as it was before migration-wizard's last plan in it (its manifest, when the plan was written
 * into the project): that plan's files left out and the files it edited as they were, so a plan made to
 * replace it (--force) chains onto the project's own history, not onto the plan it replaces.
 */
export function projectFiles(root: string): ProjectFiles {
  const earlier = readManifest(root);
  const edited = earlier?.edited ?? {};
  const ours = new Set(Object.keys(earlier?.files ?? {}).filter((p) => !(p in edited)));
  return {
    files: listProject(root).filter((f) => !ours.has(f)),
    read: (path) => edited[path] ?? readFileSync(join(root, path), "utf8"),
  };
}
