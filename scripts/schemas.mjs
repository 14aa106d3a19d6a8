// Writes schemas/tree.schema.json and schemas/answers.schema.json from the zod schemas
// (src/trees/json-schema.ts), so editors reading `# yaml-language-server: $schema=...` complete and check files.
import { build } from "esbuild";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tmp = join(root, ".tmp", "schemas-compile.mjs");
await build({
  entryPoints: [join(root, "src/trees/json-schema.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  outfile: tmp,
  packages: "external",
  logLevel: "error",
});
const { jsonSchemaFiles } = await import(pathToFileURL(tmp).href + "?t=" + Date.now());
await mkdir(join(root, "schemas"), { recursive: true });
for (const [name, text] of Object.entries(jsonSchemaFiles())) {
  await writeFile(join(root, "schemas", name), text);
  console.log(`wrote schemas/${name}`);
}
