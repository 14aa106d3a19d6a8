/** The disk edge of src/project: list a project's files (a few levels deep) and read them. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ProjectFiles } from "./history.js";

const SKIP = new Set(["node_modules", ".git", "__pycache__", ".venv", "venv", "vendor", "dist", "build", "tmp", "log"]);

export function listProject(root: string, depth = 4): string[] {
  const out: string[] = [];
  const walk = (rel: string, level: number) => {
    let names: string[];
    try {
      names = readdirSync(join(root, rel));
    } catch {
      return;
    }
    for (const name of names.sort()) {
      if (SKIP.has(name) || name.startsWith(".")) continue;
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

export function projectFiles(root: string): ProjectFiles {
  return { files: listProject(root), read: (path) => readFileSync(join(root, path), "utf8") };
}
