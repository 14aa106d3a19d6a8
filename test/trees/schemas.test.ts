import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonSchemaFiles } from "../../src/trees/json-schema.js";
import { packageRoot } from "../../src/trees/shipped.js";

const SOURCE_ROOT = packageRoot();

describe("published JSON Schemas", () => {
  const generated = jsonSchemaFiles();

  it.each(Object.keys(generated).map((name) => [name]))("schemas/%s equals what `npm run schemas` generates now", (name) => {
    const onDisk = readFileSync(join(SOURCE_ROOT, "schemas", name), "utf8");
    expect(onDisk, "run `npm run schemas` and commit the result").toBe(generated[name]);
  });

  it("are draft-07 with an id and a title", () => {
    for (const text of Object.values(generated)) {
      const schema = JSON.parse(text);
      expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
      expect(schema.$id).toMatch(/^urn:migration-wizard:schema:/);
      expect(typeof schema.title).toBe("string");
    }
  });

  it("the answers schema carries the contract's keys and enums", () => {
    const answers = JSON.parse(generated["answers.schema.json"]);
    expect(answers.required).toEqual(["engine", "engine_version"]);
    expect(answers.properties.tool.enum).toContain("node-pg-migrate");
    expect(answers.properties.downtime_tolerance.enum).toEqual(["none", "seconds", "minutes"]);
    expect(Object.keys(answers.properties.details.properties)).toContain("new_name");
  });
});
