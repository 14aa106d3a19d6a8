// Imports a TypeScript module from src/ in a build script: bundles it (dependencies left external)
// into .tmp/ and imports the result.
import { build } from "esbuild";
import { readFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

// `import text from "./file?raw"`: the file's text, as Vitest reads it (templates are then compiled at run time).
const rawTextPlugin = {
  name: "raw-text",
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({ path: resolve(args.resolveDir, args.path.slice(0, -4)), namespace: "raw-text" }));
    b.onLoad({ filter: /.*/, namespace: "raw-text" }, async (args) => ({ contents: await readFile(args.path, "utf8"), loader: "text" }));
  },
};

export async function importTs(relPath) {
  const out = join(root, ".tmp", `${basename(relPath).replace(/\.ts$/, "")}-compiled.mjs`);
  await build({
    entryPoints: [join(root, relPath)],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: out,
    packages: "external",
    logLevel: "error",
    plugins: [rawTextPlugin],
  });
  return import(pathToFileURL(out).href + "?t=" + Date.now());
}
