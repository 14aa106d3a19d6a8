// Bundles the CLI with esbuild into dist/. The shipped trees are loaded and checked once here
// and baked into the bundle, so no start-up pays for parsing YAML that cannot change.
import { build } from "esbuild";
import { Eta } from "eta";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { importTs, root } from "./import-ts.mjs";

const dist = join(root, "dist");

// `import text from "./file?raw"` (as in Vite/Vitest): the file's text as a string.
const rawPlugin = {
  name: "raw",
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: resolve(args.resolveDir, args.path.slice(0, -4)),
      namespace: "raw",
    }));
    b.onLoad({ filter: /.*/, namespace: "raw" }, async (args) => {
      const text = await readFile(args.path, "utf8");
      if (args.path.endsWith(".eta")) return { contents: compiledTemplate(text, args.path), loader: "js" };
      return { contents: text, loader: "text" };
    });
  },
};

// Eta templates are compiled to functions here, so no run pays for loading Eta or compiling a
// template. The options must match src/render/tools/common.ts, which compiles at run time from source.
const eta = new Eta({ autoEscape: true, autoTrim: false, useWith: false });
function compiledTemplate(text, path) {
  try {
    eta.compile(text); // throws on bad syntax, naming the problem
  } catch (e) {
    throw new Error(`${path}: ${e.message}`);
  }
  return `export default function (it, options) {\n${eta.compileToString(text)}\n}\n`;
}

// With every template precompiled, the bundle needs no Eta: common.ts gets a stub that refuses to compile.
const noEtaPlugin = {
  name: "no-eta",
  setup(b) {
    b.onResolve({ filter: /^eta$/ }, () => ({ path: "eta", namespace: "no-eta" }));
    b.onLoad({ filter: /.*/, namespace: "no-eta" }, () => ({
      contents:
        'export class Eta { renderString() { throw new Error("this build renders only templates precompiled by scripts/build.mjs"); } }',
      loader: "js",
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
  const { loadTrees, formatTreeErrors } = await importTs("src/trees/load.ts");
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

const shared = {
  bundle: true,
  platform: "node",
  target: "node20",
  minify: true,
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
  jsx: "automatic",
  alias: { "react-devtools-core": join(root, "scripts/stubs/react-devtools-core.mjs") },
  plugins: [rawPlugin, bakedTreesPlugin, noEtaPlugin],
  // Which module went into which file: for checking what each command loads (`esbuild --analyze` reads it).
  metafile: true,
};
const defines = {
  __SHIPPED_TREES_JSON__: JSON.stringify(JSON.stringify(trees)),
  __VERSION__: JSON.stringify(pkg.version),
  "process.env.NODE_ENV": '"production"',
};

// One ES module entry (dist/cli.js), split into chunks that each command loads lazily
// (dist/package.json marks .js as ESM).
const result = await build({
  ...shared,
  entryPoints: { cli: join(root, "src/cli/bin.ts") },
  splitting: true,
  format: "esm",
  outdir: dist,
  // PGlite (optional) and libpg-query stay real node_modules: each ships its WASM beside its JS
  // and loads only when needed. pg is bundled; its native binding and Cloudflare socket are never
  // loaded on Node.
  external: ["@electric-sql/pglite", "@electric-sql/pglite/*", "libpg-query", "pg-native", "pg-cloudflare", "cloudflare:sockets"],
  define: defines,
  banner: {
    js: [
      "#!/usr/bin/env node",
      "import { createRequire as __mwCreateRequire } from 'node:module';",
      "const require = __mwCreateRequire(import.meta.url);",
    ].join("\n"),
  },
});
await writeFile(join(root, ".tmp", "build-meta.json"), JSON.stringify(result.metafile));
await writeFile(join(dist, "package.json"), JSON.stringify({ type: "module" }) + "\n");
