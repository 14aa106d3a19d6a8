// Writes schemas/tree.schema.json and schemas/answers.schema.json from the zod schemas
// (src/trees/json-schema.ts), so editors reading `# yaml-language-server: $schema=...` complete and check files.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { importTs, root } from "./import-ts.mjs";

const { jsonSchemaFiles } = await importTs("src/trees/json-schema.ts");
await mkdir(join(root, "schemas"), { recursive: true });
for (const [name, text] of Object.entries(jsonSchemaFiles())) {
  await writeFile(join(root, "schemas", name), text);
  console.log(`wrote schemas/${name}`);
}
