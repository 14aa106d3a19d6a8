/** With a snapshot and no answers file, the wizard starts with the engine and version pre-answered: never asked. */
import { describe, expect, it } from "vitest";
import type { InputKind } from "../../src/trees/model.js";
import { shippedTrees } from "../../src/trees/shipped.js";
import { currentQuestion, reduce, start } from "../../src/wizard/machine.js";
import { snapshotDefaults } from "../../src/schema/fill.js";
import type { SchemaSnapshot } from "../../src/schema/model.js";

const SAMPLE: Record<InputKind, string> = {
  identifier: "email", table: "customers", sql_type: "text", sql_default: "'x'", sql_expression: "id > 0", version: "16.2", integer: "5000", text: "a note",
};

const snapshot = (kind: SchemaSnapshot["source"]["kind"]): SchemaSnapshot => ({
  engine: "postgresql", serverVersion: "15.8", source: { kind, where: "x" }, read: [], schemas: ["public"], tables: [], views: [], enums: [], sequences: [], names: [],
});

function askedInputs(prefill: Record<string, unknown>): string[] {
  let s = start(shippedTrees(), "plan", prefill);
  const asked: string[] = [];
  for (let i = 0; i < 60 && s.screen === "question"; i++) {
    const node = currentQuestion(s)!;
    asked.push(node.id);
    if (node.type === "input") s = reduce(s, { type: "type", text: SAMPLE[node.input] });
    s = reduce(s, { type: "confirm" });
  }
  expect(s.screen).toBe("summary");
  expect(s.answers).toMatchObject(prefill);
  return asked;
}

describe("wizard pre-answers from a snapshot", () => {
  it("a live server answers engine and version; a dump only the engine", () => {
    const plain = askedInputs({});
    const fromServer = askedInputs(snapshotDefaults(snapshot("database-url")));
    const fromDump = askedInputs(snapshotDefaults(snapshot("schema-dump")));
    const versionQuestion = plain.find((id) => /version/.test(id))!;
    const engineQuestion = plain.find((id) => /engine/.test(id) && id !== versionQuestion)!;
    expect(versionQuestion).toBeDefined();
    expect(engineQuestion).toBeDefined();
    expect(fromServer).not.toContain(versionQuestion);
    expect(fromServer).not.toContain(engineQuestion);
    expect(fromDump).not.toContain(engineQuestion);
    expect(fromDump).toContain(versionQuestion);
  });
});
