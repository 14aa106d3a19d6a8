import { describe, expect, it } from "vitest";
import { answeredLines, currentQuestion, reduce, start, type WizardEvent, type WizardState } from "../../src/wizard/machine.js";
import { fixtureTrees } from "./fixtures.js";

const trees = fixtureTrees();

function run(state: WizardState, ...events: (WizardEvent | string)[]): WizardState {
  for (const e of events) {
    if (typeof e === "string") {
      state = reduce(state, { type: "type", text: e });
      state = reduce(state, { type: "confirm" });
    } else state = reduce(state, e);
  }
  return state;
}
const confirm: WizardEvent = { type: "confirm" };
const down: WizardEvent = { type: "move", by: 1 };
const up: WizardEvent = { type: "move", by: -1 };
const back: WizardEvent = { type: "back" };
const pick = (n: number): WizardEvent => ({ type: "select", number: n });

describe("wizard machine: walking", () => {
  it("starts at the mode's entry and records the mode", () => {
    const s = start(trees, "plan");
    expect(s.screen).toBe("question");
    expect(s.nodeId).toBe("operation");
    expect(s.answers).toEqual({ mode: "plan" });
    expect(start(trees, "troubleshoot").nodeId).toBe("symptom");
    expect(() => start(trees, "nope")).toThrow(/no entry for mode "nope"/);
  });

  it("walks a full add_column path to the summary and done", () => {
    let s = run(start(trees, "plan"), confirm, "orders", "status", "1,000,000", confirm, "16.2", pick(2), confirm, "");
    expect(s.screen).toBe("summary");
    s = run(s, confirm);
    expect(s.screen).toBe("done");
    expect(s.result).toEqual({
      outcome: "plan",
      answers: {
        mode: "plan",
        operation: "add_column",
        table: "orders",
        columns: [{ name: "status" }],
        approx_rows: 1_000_000,
        engine: "postgresql",
        engine_version: "16.2",
        stack: "other",
        tool: "raw-sql",
      },
    });
  });

  it("skips a node whose when is false (new_name only for rename; rows not for create_table)", () => {
    let s = run(start(trees, "plan"), confirm, "orders", "status");
    expect(s.nodeId).toBe("rows");
    s = run(start(trees, "plan"), pick(2), "orders", "status");
    expect(s.nodeId).toBe("new_name");
    s = run(start(trees, "plan"), pick(3), "orders", "id");
    expect(s.nodeId).toBe("engine");
    expect(s.answers).not.toHaveProperty("approx_rows");
  });

  it("offers only choices whose when holds", () => {
    const s = run(start(trees, "plan"), pick(2), "orders", "status", "new_status", "10");
    expect(s.nodeId).toBe("engine");
    expect(run(s, pick(2)).nodeId).toBe("engine"); // MySQL is not offered for a rename here
    expect(run(s, down).cursor).toBe(0); // one choice: moving wraps onto itself
  });

  it("skips prefilled questions, and a skipped choice still follows its branch", () => {
    const s = start(trees, "plan", { operation: "add_column", table: "orders", stack: "django" } as never);
    expect(s.nodeId).toBe("column");
    const end = run(s, "status", "500", confirm, "15");
    // stack is prefilled as django: its choice goes straight to "note" and sets tool
    expect(end.nodeId).toBe("note");
    expect(end.answers.tool).toBe("django");
    expect(end.history.map((h) => h.nodeId)).toEqual(["column", "rows", "engine", "version"]);
  });

  it("a prefilled answer wins over what a prefilled choice would set", () => {
    const s = start(trees, "plan", { operation: "add_column", stack: "django", tool: "rails" } as never);
    expect(s.answers.tool).toBe("rails");
  });

  it("applies a choice's set", () => {
    const s = run(start(trees, "plan"), confirm, "orders", "status", "10", confirm, "16", pick(1));
    expect(s.nodeId).toBe("note");
    expect(s.answers).toMatchObject({ stack: "django", tool: "django" });
  });

  it("moves the cursor with wrapping and selects by number", () => {
    let s = start(trees, "plan");
    s = run(s, up);
    expect(s.cursor).toBe(2);
    s = run(s, down);
    expect(s.cursor).toBe(0);
    expect(run(s, pick(9)).nodeId).toBe("operation"); // no ninth choice: ignored
    s = run(s, pick(2));
    expect(s.answers.operation).toBe("rename_column");
  });

  it("troubleshoot reaches the diagnosis of the chosen symptom", () => {
    const s = run(start(trees, "troubleshoot"), pick(2), confirm);
    expect(s.result).toEqual({ outcome: "diagnosis:invalid_index", answers: { mode: "troubleshoot", symptom: "invalid_index" } });
  });
});

describe("wizard machine: inputs", () => {
  it("validates live while typing and confirms only when valid", () => {
    let s = run(start(trees, "plan"), confirm);
    expect(currentQuestion(s)?.id).toBe("table");
    s = reduce(s, { type: "type", text: "9" });
    expect(s.error).toMatch(/cannot start with a digit/);
    s = reduce(s, confirm);
    expect(s.nodeId).toBe("table");
    s = reduce(s, { type: "erase" });
    expect(s.buffer).toBe("");
    expect(s.error).toBeUndefined();
    expect(reduce(s, confirm).error).toMatch(/answer is needed/);
    s = reduce(s, { type: "type", text: "orders\n" });
    expect(s.buffer).toBe("orders");
    const pasted = reduce(reduce(start(trees, "plan", { operation: "add_column", table: "t", columns: [{ name: "c" }] } as never), { type: "type", text: "" }), {
      type: "type",
      text: "1,000\r\n000\u0007",
    });
    expect(pasted.buffer).toBe("1,000 000"); // a line break becomes a space, a bell is dropped
    expect(reduce(s, confirm).nodeId).toBe("column");
  });

  it("an optional input accepts empty and leaves the key unset", () => {
    const s = run(start(trees, "plan"), confirm, "orders", "status", "10", confirm, "16", pick(2), confirm, "");
    expect(s.screen).toBe("summary");
    expect(s.answers).not.toHaveProperty("note");
    expect(answeredLines(s).at(-1)).toEqual({ nodeId: "note", prompt: "A note for the plan (optional)", shown: "(none)" });
  });
});

describe("wizard machine: back", () => {
  it("returns to the previous asked question and restores the answers before it", () => {
    let s = run(start(trees, "plan"), confirm, "orders", "status");
    expect(s.nodeId).toBe("rows");
    s = run(s, back);
    expect(s.nodeId).toBe("column");
    expect(s.buffer).toBe("status"); // the last answer is preselected
    expect(s.answers).toEqual({ mode: "plan", operation: "add_column", table: "orders" });
    s = run(s, back, back);
    expect(s.nodeId).toBe("operation");
    expect(s.answers).toEqual({ mode: "plan" });
    // Nothing before the first question: the state stays, with a notice saying so.
    const first = run(s, back);
    expect({ ...first, notice: undefined }).toEqual(s);
    expect(first.notice).toMatch(/first question.*Ctrl-C quits/);
  });

  it("skips over skipped nodes and prefilled ones when going back", () => {
    let s = start(trees, "plan", { operation: "create_table" } as never);
    s = run(s, "orders", "id");
    expect(s.nodeId).toBe("engine");
    s = run(s, back);
    expect(s.nodeId).toBe("column");
    s = run(s, back);
    expect(s.nodeId).toBe("table");
    expect(run(s, back).nodeId).toBe("table"); // operation was prefilled, never asked
  });

  it("preselects the remembered choice when coming back to a choice question", () => {
    let s = run(start(trees, "plan"), pick(2), back);
    expect(s.nodeId).toBe("operation");
    expect(s.cursor).toBe(1);
  });
});

describe("wizard machine: progress", () => {
  it("counts the current question and the questions ahead on the implied path", () => {
    let s = start(trees, "plan");
    // add_column (focused): operation table column rows engine version stack note = 8
    // (ahead, the first choice is the default: stack "django" sets the tool, so no tool question)
    expect([s.step, s.total]).toEqual([1, 8]);
    // Moving the cursor does not change the estimate ("of about M" must not jump while looking).
    s = run(s, down);
    expect([s.step, s.total]).toEqual([1, 8]);
    s = run(s, down); // create_table: once chosen, the estimate follows it (no rows question)
    s = run(s, confirm, "orders");
    expect([s.step, s.total]).toEqual([3, 7]);
  });

  it("a choice whose branch skips questions shortens the estimate", () => {
    let s = run(start(trees, "plan"), confirm, "orders", "status", "10", confirm, "16");
    expect(s.nodeId).toBe("stack");
    expect([s.step, s.total]).toEqual([7, 8]); // django skips the tool question
    s = run(s, down);
    expect([s.step, s.total]).toEqual([7, 8]); // the cursor alone does not move the estimate
    s = run(s, confirm);
    expect([s.step, s.total]).toEqual([8, 9]); // choosing the branch with a tool question does
  });

  it("prefilled questions are not counted", () => {
    const s = start(trees, "plan", { operation: "add_column", engine: "postgresql", engine_version: "16" } as never);
    expect(s.nodeId).toBe("table");
    expect([s.step, s.total]).toEqual([1, 5]); // table column rows stack note
  });
});

describe("wizard machine: summary", () => {
  const toSummary = () => run(start(trees, "plan"), confirm, "orders", "status", "10", confirm, "16", pick(2), pick(1), "nightly");

  it("lists every asked question with its shown value", () => {
    const s = toSummary();
    expect(s.screen).toBe("summary");
    expect(answeredLines(s).map((l) => `${l.prompt} ${l.shown}`)).toEqual([
      "What change do you want to make? Add a column",
      "Which table? orders",
      "Which column? status",
      "About how many rows? 10",
      "Which database? PostgreSQL",
      "Which version? 16",
      "What is your stack? Something else",
      "Which migration tool? Plain SQL files",
      "A note for the plan (optional) nightly",
    ]);
    expect(s.cursor).toBe(9); // on "write the files"
    expect([s.step, s.total]).toEqual([9, 9]);
  });

  it("edit that keeps the path returns straight to the summary with only that answer changed", () => {
    let s = run(toSummary(), { type: "edit", nodeId: "table" });
    expect(s.screen).toBe("question");
    expect(s.buffer).toBe("orders");
    s = run(s, { type: "erase" }, { type: "erase" }, { type: "erase" }, { type: "erase" }, { type: "erase" }, { type: "erase" }, "invoices");
    expect(s.screen).toBe("summary");
    expect(s.answers.table).toBe("invoices");
    expect(s.answers.note).toBe("nightly");
    expect(s.history).toHaveLength(9);
  });

  it("edit that changes the path asks new questions and drops stale answers", () => {
    let s = run(toSummary(), { type: "edit", nodeId: "operation" });
    expect(s.cursor).toBe(0);
    s = run(s, pick(2)); // rename_column: new_name is now needed
    expect(s.screen).toBe("question");
    expect(s.nodeId).toBe("new_name");
    s = run(s, "state");
    expect(s.screen).toBe("summary");
    expect(s.answers).toMatchObject({ operation: "rename_column", details: { new_name: "state" }, approx_rows: 10, note: "nightly" });

    s = run(s, { type: "edit", nodeId: "operation" }, pick(3)); // create_table: no new_name, no rows
    expect(s.screen).toBe("summary");
    expect(s.answers).not.toHaveProperty("details");
    expect(s.answers).not.toHaveProperty("approx_rows");
    expect(s.history.map((h) => h.nodeId)).not.toContain("rows");
  });

  it("edit of the stack to django drops the tool question and its answer is replaced", () => {
    let s = run(toSummary(), { type: "edit", nodeId: "stack" }, pick(1));
    expect(s.screen).toBe("summary");
    expect(s.answers.tool).toBe("django");
    expect(answeredLines(s).map((l) => l.nodeId)).not.toContain("tool");
  });

  it("confirm on a summary line edits it; back from the summary reopens the last question", () => {
    let s = toSummary();
    s = run(s, up, up); // the "version" line... from write(9): up -> 8 (note), up -> 7 (tool)
    expect(s.cursor).toBe(7);
    s = run(s, confirm);
    expect([s.screen, s.nodeId]).toEqual(["question", "tool"]);
    s = run(toSummary(), back);
    expect([s.screen, s.nodeId, s.buffer]).toEqual(["question", "note", "nightly"]);
  });
});

describe("wizard machine: help and cancel", () => {
  it("toggles help and cancels from anywhere before done", () => {
    let s = start(trees, "plan");
    s = run(s, { type: "toggle_help" });
    expect(s.showHelp).toBe(true);
    s = run(s, { type: "toggle_help" });
    expect(s.showHelp).toBe(false);
    s = run(s, { type: "cancel" });
    expect(s.screen).toBe("cancelled");
    expect(run(s, confirm)).toBe(s);
    expect(run(start(trees, "troubleshoot"), confirm, { type: "cancel" }).screen).toBe("cancelled");
  });
});
