// `npm start`: builds only when a source is newer than dist/, then runs the CLI in this process, so
// keys typed while it starts stay in the terminal's buffer instead of being lost to a rebuild.
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const SOURCES = ["src", "trees", "templates", "schemas", "scripts", "package.json", "package-lock.json", "tsconfig.json"];

function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), stat.mtimeMs);
}

function built() {
  return Math.min(...["cli.js", "main.mjs", "plan-fast.cjs"].map((f) => newest(join(root, "dist", f)) || 0));
}

if (built() === 0 || SOURCES.some((s) => newest(join(root, s)) > built())) {
  execFileSync(process.execPath, [join(root, "scripts", "build.mjs")], { stdio: "inherit" });
}
createRequire(import.meta.url)(join(root, "dist", "cli.js"));
