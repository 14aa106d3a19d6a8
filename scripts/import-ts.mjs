// Imports a TypeScript module from src/ in a build script: bundles it (dependencies left external)
// into .tmp/ and imports the result.
import { build } from "esbuild";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

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
  });
  return import(pathToFileURL(out).href + "?t=" + Date.now());
}
