// Bundles the CLI with esbuild into dist/. The shipped trees are loaded and checked once here
// and baked into the bundle, so no start-up pays for parsing YAML that cannot change.
import { build } from "esbuild";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");

// `import text from "./file?raw"` (as in Vite/Vitest): the file's text as a string.
const rawPlugin = {
  name: "raw",
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: resolve(args.resolveDir, args.path.slice(0, -4)),
      namespace: "raw",
    }));
    b.onLoad({ filter: /.*/, namespace: "raw" }, async (args) => ({
      contents: await readFile(args.path, "utf8"),
      loader: "text",
    }));
  },
};

// The bundle has the trees baked in: the module that would load them from YAML is replaced.
const bakedTreesPlugin = {
  name: "baked-trees",
  setup(b) {
    b.onResolve({ filter: /\/source-trees\.js$/ }, () => ({ path: "source-trees", namespace: "baked-trees" }));
    b.onLoad({ filter: /.*/, namespace: "baked-trees" }, () => ({
      contents: 'export function loadSourceTrees() { throw new Error("the shipped trees are baked into this build"); }',
      loader: "js",
    }));
  },
};

async function compileTrees() {
  const tmp = join(root, ".tmp", "trees-compile.mjs");
  await build({
    entryPoints: [join(root, "src/trees/load.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: tmp,
    packages: "external",
    logLevel: "error",
  });
  const { loadTrees, formatTreeErrors } = await import(pathToFileURL(tmp).href + "?t=" + Date.now());
  const result = loadTrees([join(root, "trees")], { relativeTo: root });
  if (result.errors.length) {
    console.error(formatTreeErrors(result.errors));
    process.exit(1);
  }
  return result.trees;
}

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
const trees = await compileTrees();
const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8"));

await build({
  entryPoints: { cli: join(root, "src/cli/main.ts") },
  bundle: true,
  splitting: true,
  platform: "node",
  target: "node20",
  format: "esm",
  outdir: dist,
  minify: true,
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
  jsx: "automatic",
  // pg and pglite stay real node_modules: pglite ships its WASM beside its JS.
  external: ["@electric-sql/pglite", "@electric-sql/pglite/*", "pg", "pg-native"],
  alias: { "react-devtools-core": join(root, "scripts/stubs/react-devtools-core.mjs") },
  define: {
    __SHIPPED_TREES__: JSON.stringify(trees),
    __VERSION__: JSON.stringify(pkg.version),
    "process.env.NODE_ENV": '"production"',
  },
  banner: {
    js: [
      "#!/usr/bin/env node",
      "import { createRequire as __mwCreateRequire } from 'node:module';",
      "const require = __mwCreateRequire(import.meta.url);",
    ].join("\n"),
  },
  plugins: [rawPlugin, bakedTreesPlugin],
});
await writeFile(join(dist, "package.json"), JSON.stringify({ type: "module" }) + "\n");
