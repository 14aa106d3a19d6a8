import { describe, expect, it } from "vitest";
import { treeNodeSchema } from "../../src/trees/schema.js";
import { shippedTrees } from "../../src/trees/shipped.js";
import { matchError } from "../../src/troubleshoot/match.js";
import { answeredLines, currentQuestion, reduce, start, type WizardEvent, type WizardState } from "../../src/wizard/machine.js";
import { fillMissing, matchText, missingPart } from "../../src/wizard/match.js";
import { matchFixtureTrees } from "./fixtures.js";

const LOCK = "ERROR: canceling statement due to lock timeout";
const DUP = 'ERROR: duplicate key value violates unique constraint "users_email_key" on table "users"';

function run(state: WizardState, ...events: (WizardEvent | string)[]): WizardState {
  for (const e of events) {
    if (typeof e === "string") {
      state = reduce(state, { type: "type", text: e });
      state = reduce(state, { type: "confirm" });
    } else state = reduce(state, e);
  }
  return state;
}
const back: WizardEvent = { type: "back" };
const confirm: WizardEvent = { type: "confirm" };
const eraseAll = (s: WizardState): WizardState => {
  while (s.buffer !== "") s = reduce(s, { type: "erase" });
  return s;
};

describe("route_by_match input: the machine over a fixture", () => {
  const trees = matchFixtureTrees();

  it("a matched message skips the questions it answers and reaches the diagnosis", () => {
    const s = run(start(trees, "troubleshoot", { engine: "postgresql" }), LOCK);
    expect(s.screen).toBe("summary");
    expect(s.outcome).toBe("diagnosis:lock");
    expect(s.answers).toMatchObject({ error: LOCK, engine: "postgresql", symptom: "lock" });
    expect(s.history.map((h) => h.nodeId)).toEqual(["paste"]);
    expect(answeredLines(s)).toEqual([{ nodeId: "paste", prompt: "Paste the error message", shown: LOCK }]);
    expect(run(s, confirm).result).toEqual({ outcome: "diagnosis:lock", answers: { mode: "troubleshoot", engine: "postgresql", error: LOCK, symptom: "lock" } });
  });

  it("asks the questions the message does not settle, then skips the ones it does", () => {
    let s = run(start(trees, "troubleshoot"), LOCK);
    expect(s.nodeId).toBe("engine");
    expect(s.total).toBe(2); // the matched symptom is not counted as still to ask
    s = run(s, { type: "select", number: 2 });
    expect(s.screen).toBe("summary");
    expect(s.answers).toMatchObject({ engine: "mysql", symptom: "lock" });
  });

  it("routes through the branching choices to a deeper match and fills its captured names and set", () => {
    const s = run(start(trees, "troubleshoot", { engine: "postgresql" }), DUP);
    expect(s.outcome).toBe("diagnosis:dup");
    expect(s.answers).toMatchObject({
      symptom: "failed",
      failure: "duplicates",
      table: "users",
      details: { kind: "unique", constraint_name: "users_email_key" },
    });
  });

  it("never overwrites an answer already given (objects are merged key by key)", () => {
    const s = run(start(trees, "troubleshoot", { engine: "postgresql", table: "accounts", details: { constraint_name: "mine" } }), DUP);
    expect(s.outcome).toBe("diagnosis:dup");
    expect(s.answers).toMatchObject({ table: "accounts", details: { constraint_name: "mine", kind: "unique" } });
  });

  it("back from the summary returns to the message with the matched answers undone", () => {
    let s = run(start(trees, "troubleshoot", { engine: "postgresql" }), LOCK);
    s = run(s, back);
    expect(s.screen).toBe("question");
    expect(s.nodeId).toBe("paste");
    expect(s.buffer).toBe(LOCK);
    expect(s.answers).toEqual({ mode: "troubleshoot", engine: "postgresql" });
    expect(s.prefill).toEqual({ engine: "postgresql" });
    // Without the message, the symptom is asked again.
    s = run(eraseAll(s), confirm);
    expect(currentQuestion(s)?.id).toBe("symptom");
    expect(s.answers).not.toHaveProperty("symptom");
  });

  it("editing the message from the summary re-matches and drops the answers of the old match", () => {
    let s = run(start(trees, "troubleshoot", { engine: "postgresql" }), DUP);
    s = run(s, { type: "edit", nodeId: "paste" });
    expect(s.buffer).toBe(DUP);
    s = run(eraseAll(s), LOCK);
    expect(s.screen).toBe("summary");
    expect(s.outcome).toBe("diagnosis:lock");
    expect(s.answers).not.toHaveProperty("failure");
    expect(s.answers).not.toHaveProperty("table");
    expect(s.answers).not.toHaveProperty("details");
  });

  it("editing a question before the message replays it and matches again", () => {
    let s = run(start(trees, "troubleshoot"), LOCK, { type: "select", number: 1 });
    expect(s.outcome).toBe("diagnosis:lock");
    s = run(s, { type: "edit", nodeId: "engine" }, { type: "select", number: 2 });
    expect(s.screen).toBe("summary");
    expect(s.answers).toMatchObject({ engine: "mysql", symptom: "lock", error: LOCK });
  });

  it("unknown text falls back to the questions, keeping the text", () => {
    const s = run(start(trees, "troubleshoot", { engine: "postgresql" }), "the coffee machine is broken");
    expect(currentQuestion(s)?.id).toBe("symptom");
    expect(s.answers).toMatchObject({ error: "the coffee machine is broken" });
    expect(s.prefill).toEqual({ engine: "postgresql" });
  });

  it("an empty optional answer matches nothing", () => {
    const s = run(start(trees, "troubleshoot", { engine: "postgresql" }), confirm);
    expect(currentQuestion(s)?.id).toBe("symptom");
  });

  it("without route_by_match the text is only stored", () => {
    const s = run(start(matchFixtureTrees(false), "troubleshoot", { engine: "postgresql" }), LOCK);
    expect(currentQuestion(s)?.id).toBe("symptom");
    expect(s.answers).toMatchObject({ error: LOCK });
    expect(s.answers).not.toHaveProperty("symptom");
  });
});

describe("matchText and the merge helpers", () => {
  const trees = matchFixtureTrees();

  it("matches only choices reachable from the start node", () => {
    expect(matchText(trees, "paste", LOCK)?.answers).toEqual({ symptom: "lock" });
    expect(matchText(trees, "failure", LOCK)).toBeNull();
    expect(matchText(trees, "paste", "   ")).toBeNull();
    expect(matchText(trees, "nope", LOCK)).toBeNull();
  });

  it("missingPart and fillMissing keep what is there", () => {
    const base = { a: 1, d: { x: 1 }, list: [1] };
    const extra = { a: 2, b: 3, d: { x: 2, y: 3 }, list: [9, 9] };
    expect(missingPart(base, extra)).toEqual({ b: 3, d: { y: 3 } });
    expect(fillMissing(base, extra)).toEqual({ a: 1, b: 3, d: { x: 1, y: 3 }, list: [1] });
    expect(base).toEqual({ a: 1, d: { x: 1 }, list: [1] });
  });
});

describe("route_by_match in the tree data", () => {
  const node = { id: "paste", type: "input", prompt: "Paste", help: "Why", answer: "error", input: "text", next: "x" };

  it("is a boolean flag of input nodes, checked by the tree schema", () => {
    expect(treeNodeSchema.safeParse({ ...node, route_by_match: true }).success).toBe(true);
    expect(treeNodeSchema.safeParse({ ...node, route_by_match: "yes" }).success).toBe(false);
    expect(treeNodeSchema.safeParse({ id: "c", type: "choice", prompt: "P", help: "H", answer: "a", route_by_match: true, choices: [{ value: 1, label: "One" }] }).success).toBe(false);
  });

  it("is set on the shipped troubleshoot error question", () => {
    const ts = shippedTrees().nodes.ts_error;
    expect(ts.type === "input" && ts.route_by_match).toBe(true);
  });
});

describe("route_by_match over the shipped troubleshoot tree", () => {
  const trees = shippedTrees();
  const known = { engine: "postgresql", engine_version: "16.2", tool: "raw-sql" } as const;

  it("a lock timeout pasted with engine, version and tool known goes straight to the diagnosis", () => {
    const s = run(start(trees, "troubleshoot", known), LOCK);
    expect(s.screen).toBe("summary");
    expect(s.outcome).toBe("diagnosis:lock-timeout");
    expect(s.answers).toMatchObject({ ...known, error: LOCK, symptom: "failed", failure: "lock_timeout" });
  });

  it("with only the engine known, the next question is the first one the match does not answer", () => {
    let s = run(start(trees, "troubleshoot", { engine: "postgresql" }), LOCK);
    expect(currentQuestion(s)?.id).toBe("ts_pg_version");
    s = run(s, "16.2", { type: "select", number: 1 });
    expect(s.outcome).toBe("diagnosis:lock-timeout");
    expect(s.history.map((h) => h.nodeId)).toEqual(["ts_error", "ts_pg_version", "ts_tool"]);
  });

  it("agrees with matchError (the non-interactive path) on every diagnosis it reaches", () => {
    for (const text of [LOCK, "error: Dirty database version 42. Fix and force version.", 'ERROR: index "users_email_key" is not valid', "Drift detected"]) {
      const s = run(start(trees, "troubleshoot", known), text);
      const m = matchError(trees, text);
      expect(s.screen).toBe("summary");
      expect(s.answers).toMatchObject(m!.answers);
    }
  });
});
