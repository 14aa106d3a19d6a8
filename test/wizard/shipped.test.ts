/** The machine over the trees that ship: every operation can be walked to a plan with valid answers. */
import { describe, expect, it } from "vitest";
import { answersSchema, OPERATIONS } from "../../src/answers/schema.js";
import type { InputKind } from "../../src/trees/model.js";
import { shippedTrees } from "../../src/trees/shipped.js";
import { answeredLines, currentQuestion, offeredChoices, reduce, start, type WizardState } from "../../src/wizard/machine.js";

const SAMPLE: Record<InputKind, string> = {
  identifier: "status",
  table: "orders",
  sql_type: "text",
  sql_default: "'active'",
  sql_expression: "amount > 0",
  version: "16.2",
  integer: "50,000",
  text: "a note",
};

/** Answers every question with its focused choice or a valid sample value until the summary. */
function walkDefaults(state: WizardState, limit = 60): WizardState {
  for (let i = 0; i < limit && state.screen === "question"; i++) {
    const node = currentQuestion(state)!;
    if (node.type === "input") state = reduce(state, { type: "type", text: SAMPLE[node.input] });
    state = reduce(state, { type: "confirm" });
  }
  return state;
}

describe("wizard over the shipped trees", () => {
  const trees = shippedTrees();

  it("walks the default path to a plan whose answers satisfy the answers schema", () => {
    const s = reduce(walkDefaults(start(trees, "plan")), { type: "confirm" });
    expect(s.screen).toBe("done");
    expect(s.result?.outcome).toBe("plan");
    const parsed = answersSchema.safeParse(s.result?.answers);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  const operationNode = trees.nodes[trees.entry.plan];
  const offered = operationNode.type === "choice" ? operationNode.choices.map((c) => c.value) : [];
  it("offers every operation of the answers contract", () => {
    expect([...offered].sort()).toEqual([...OPERATIONS].sort());
  });

  it.each(offered.map((value, index) => [value, index + 1] as const))("reaches a valid plan for %s", (operation, number) => {
    let s = reduce(start(trees, "plan"), { type: "select", number });
    s = walkDefaults(s);
    expect(s.screen).toBe("summary");
    expect(s.answers.operation).toBe(operation);
    const parsed = answersSchema.safeParse(s.answers);
    expect(parsed.error?.issues ?? []).toEqual([]);
    // progress ends where it said it would: the last question asked was step N of N
    expect(s.step).toBe(answeredLines(s).length);
  });

  it("shows the tool a stack led to on the tool question's summary line", () => {
    const s = walkDefaults(start(trees, "plan"));
    const toolLine = answeredLines(s).find((l) => trees.nodes[l.nodeId].type !== "end" && (trees.nodes[l.nodeId] as { answer: string }).answer === "tool");
    const node = trees.nodes[toolLine!.nodeId];
    const label = node.type === "choice" ? node.choices.find((c) => c.value === s.answers.tool)?.label : undefined;
    expect(label).toBeDefined();
    expect(toolLine?.shown).toBe(label);
  });

  it("asks nothing already answered by an answers file", () => {
    const prefill = { engine: "postgresql", engine_version: "16.2", operation: "add_index", table: "orders", tool: "raw-sql" } as const;
    const s = walkDefaults(start(trees, "plan", prefill));
    const asked = s.history.map((h) => trees.nodes[h.nodeId]);
    for (const node of asked) {
      if (node.type !== "end") expect(Object.keys(prefill)).not.toContain(node.answer);
    }
    expect(s.answers).toMatchObject(prefill);
  });

  it("walks every troubleshoot symptom to a diagnosis", () => {
    let s = start(trees, "troubleshoot");
    for (let i = 0; i < 20 && currentQuestion(s)?.answer !== "symptom"; i++) s = walkDefaults(s, 1);
    const node = currentQuestion(s);
    expect(node?.type).toBe("choice");
    const count = node?.type === "choice" ? offeredChoices(node, s.answers).length : 0;
    expect(count).toBeGreaterThan(3);
    for (let i = 0; i < count; i++) {
      let t = s;
      for (let j = 0; j < i; j++) t = reduce(t, { type: "move", by: 1 });
      t = reduce(walkDefaults(reduce(t, { type: "confirm" })), { type: "confirm" });
      expect(t.screen).toBe("done");
      expect(t.result?.outcome).toMatch(/^diagnosis:/);
    }
  });
});
