/**
 * The published JSON Schemas (draft-07), generated from the zod schemas so they cannot drift:
 * `scripts/schemas.mjs` writes them to schemas/, and a test compares the files with this output.
 */
import * as z from "zod";
import { answersSchema } from "../answers/schema.js";
import { treeFileSchema } from "./schema.js";

function publish(schema: z.core.$ZodType, id: string, title: string): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: "draft-07", io: "input" }) as Record<string, unknown>;
  const { $schema, ...rest } = json;
  return { $schema, $id: id, title, ...rest };
}

/** File name in schemas/ -> its text (2-space JSON with a final newline). */
export function jsonSchemaFiles(): Record<string, string> {
  const files: Record<string, Record<string, unknown>> = {
    "tree.schema.json": publish(treeFileSchema, "urn:migration-wizard:schema:tree", "migration-wizard decision tree"),
    "answers.schema.json": publish(answersSchema, "urn:migration-wizard:schema:answers", "migration-wizard answers file"),
  };
  return Object.fromEntries(Object.entries(files).map(([name, json]) => [name, JSON.stringify(json, null, 2) + "\n"]));
}
