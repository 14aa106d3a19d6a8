import { render } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup } from "ink-testing-library";
import { App, type AppProps } from "../../src/ui/App.js";
import { fixtureTrees } from "../wizard/fixtures.js";
import { KEYS, press, settle, type } from "./helpers.js";

afterEach(() => cleanup());

function renderApp(onFinish = vi.fn<AppProps["onFinish"]>(async () => ({ files: ["out/PLAN.md", "out/answers.yaml"], nextSteps: ["Read PLAN.md"] }))) {
  const onExit = vi.fn();
  const screen = render(<App trees={fixtureTrees()} mode="plan" onFinish={onFinish} onExit={onExit} />);
  return { screen, onFinish, onExit, frame: () => screen.lastFrame() ?? "" };
}

/** Answers the fixture's add_column path up to the summary. */
async function answerAll(screen: Parameters<typeof press>[0]) {
  await press(screen, KEYS.enter); // Add a column
  await type(screen, "orders");
  await press(screen, KEYS.enter);
  await type(screen, "status");
  await press(screen, KEYS.enter);
  await type(screen, "1,000");
  await press(screen, KEYS.enter);
  await press(screen, "j", KEYS.enter); // MySQL
  await type(screen, "8.0.36");
  await press(screen, KEYS.enter);
  await press(screen, "2"); // stack: something else
  await press(screen, "1"); // tool: plain SQL
  await press(screen, KEYS.enter); // no note
}

describe("App", () => {
  it("shows the title, progress, choices with the focused hint, and the key legend", async () => {
    const { screen, frame } = renderApp();
    await settle(screen);
    expect(frame()).toContain("migration-wizard · Fixture");
    expect(frame()).toContain("Step 1 of about 8");
    expect(frame()).toContain("? What change do you want to make?");
    expect(frame()).toContain("❯ 1. Add a column  cheap when nullable");
    expect(frame()).not.toContain("expand/contract");
    expect(frame()).toContain("↑/↓ or j/k move");
    await press(screen, KEYS.down);
    expect(frame()).toContain("❯ 2. Rename a column  expand/contract");
    expect(frame()).toContain("Step 1 of about 8"); // stable while the cursor moves
  });

  it("completes a whole wizard with keys and reports the written files", async () => {
    const { screen, onFinish, onExit, frame } = renderApp();
    await settle(screen);
    await answerAll(screen);
    expect(frame()).toContain("Review your answers");
    expect(frame()).toMatch(/Which database\?\s+MySQL/);
    expect(frame()).toMatch(/About how many rows\?\s+1000/);
    expect(frame()).toContain("❯ Write the files");
    await press(screen, KEYS.enter);
    expect(onFinish).toHaveBeenCalledTimes(1);
    expect(onFinish).toHaveBeenCalledWith({
      outcome: "plan",
      answers: {
        mode: "plan",
        operation: "add_column",
        table: "orders",
        columns: [{ name: "status" }],
        approx_rows: 1000,
        engine: "mysql",
        engine_version: "8.0.36",
        stack: "other",
        tool: "raw-sql",
      },
    });
    expect(frame()).toContain("✔ Wrote 2 files:");
    expect(frame()).toContain("out/PLAN.md");
    expect(frame()).toContain("1. Read PLAN.md");
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(0));
  });

  it("keeps answered questions visible above the current one", async () => {
    const { screen, frame } = renderApp();
    await settle(screen);
    await press(screen, KEYS.enter);
    await type(screen, "orders");
    await press(screen, KEYS.enter);
    expect(frame()).toContain("✔ What change do you want to make? Add a column");
    expect(frame()).toContain("✔ Which table? orders");
    expect(frame()).toContain("Step 3 of about 8");
  });

  it("shows the live validation error while typing", async () => {
    const { screen, frame } = renderApp();
    await settle(screen);
    await press(screen, KEYS.enter);
    expect(frame()).toContain("orders"); // the placeholder
    await type(screen, "9x");
    expect(frame()).toContain("✗ A table name cannot start with a digit.");
    await press(screen, KEYS.enter);
    expect(frame()).toContain("? Which table?");
  });

  it("stays in the field on Backspace, goes back with Esc, restoring the answer", async () => {
    const { screen, frame } = renderApp();
    await settle(screen);
    await press(screen, KEYS.down, KEYS.enter); // Rename a column
    await type(screen, "ab");
    await press(screen, KEYS.backspace);
    expect(frame()).toContain("❯ a");
    await press(screen, KEYS.backspace); // erases the last character
    await press(screen, KEYS.backspace); // empty: stays in the field
    expect(frame()).toContain("? Which table?");
    await press(screen, KEYS.esc);
    expect(frame()).toContain("? What change do you want to make?");
    expect(frame()).toContain("❯ 2. Rename a column"); // the earlier choice is preselected
    await press(screen, KEYS.enter);
    await type(screen, "orders");
    await press(screen, KEYS.enter);
    expect(frame()).toContain("? Which column?");
    await press(screen, KEYS.esc);
    expect(frame()).toContain("? Which table?");
    expect(frame()).toContain("❯ orders");
    await press(screen, KEYS.esc);
    await press(screen, KEYS.esc); // Esc on the first question: nothing before it, and it says so
    expect(frame()).toContain("? What change do you want to make?");
    expect(frame()).toContain("Step 1 of");
    expect(frame()).toContain("This is the first question");
  });

  it("erases once per character when several backspaces arrive in one chunk", async () => {
    const { screen, frame } = renderApp();
    await settle(screen);
    await press(screen, KEYS.enter);
    await type(screen, "orders");
    await press(screen, KEYS.backspace.repeat(3)); // one stdin write, as a fast typist or key repeat sends it
    expect(frame()).toMatch(/❯ ord$/m);
    await press(screen, KEYS.backspace.repeat(2) + "\b"); // DEL and Ctrl-H (BS) mixed
    expect(frame()).toContain("? Which table?");
    expect(frame()).toContain("type or paste your answer"); // the empty input's legend: all three erased
    await type(screen, "ab");
    // A held Backspace (more presses than characters) empties the field and never leaves it.
    await press(screen, KEYS.backspace.repeat(5));
    expect(frame()).toContain("? Which table?");
    await type(screen, "orders");
    expect(frame()).toMatch(/❯ orders/);
  });

  it("toggles the help with ?, and types ? into a non-empty input", async () => {
    const { screen, frame } = renderApp();
    await settle(screen);
    await press(screen, "?");
    expect(frame()).toContain("The operation decides the phases.");
    await press(screen, "?");
    expect(frame()).not.toContain("The operation decides the phases.");
    await press(screen, KEYS.enter);
    await press(screen, "?");
    expect(frame()).toContain("As the application spells it.");
    await press(screen, "?");
    await type(screen, "a?");
    expect(frame()).toContain("❯ a?");
    expect(frame()).not.toContain("As the application spells it.");
  });

  it("edits an answer from the summary, asking newly needed questions", async () => {
    const { screen, onFinish, frame } = renderApp();
    await settle(screen);
    await answerAll(screen);
    // From "Write the files", move up to the first line: nine answers above it.
    for (let i = 0; i < 9; i++) await press(screen, "k");
    expect(frame()).toMatch(/❯ What change do you want to make\?\s+Add a column/);
    await press(screen, KEYS.enter);
    expect(frame()).toContain("? What change do you want to make?");
    await press(screen, "2"); // Rename a column: asks for the new name
    expect(frame()).toContain("? New column name?");
    await type(screen, "state");
    await press(screen, KEYS.enter);
    // MySQL is not offered for a rename in the fixture, so the engine question is asked again.
    expect(frame()).toContain("? Which database?");
    await press(screen, KEYS.enter);
    expect(frame()).toContain("Review your answers");
    expect(frame()).toMatch(/New column name\?\s+state/);
    expect(frame()).toMatch(/Which database\?\s+PostgreSQL/);
    await press(screen, KEYS.enter);
    expect(onFinish.mock.calls[0]?.[0].answers).toMatchObject({ operation: "rename_column", engine: "postgresql", details: { new_name: "state" } });
  });

  it("Ctrl-C cancels without calling onFinish and exits 130", async () => {
    const { screen, onFinish, onExit, frame } = renderApp();
    await settle(screen);
    await press(screen, KEYS.enter);
    await type(screen, "orders");
    await press(screen, KEYS.ctrlC);
    expect(frame()).toContain("Cancelled. Nothing was written.");
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(130));
    expect(onFinish).not.toHaveBeenCalled();
  });

  it("shows the writing state until onFinish settles", async () => {
    let finish: (r: { files: string[]; nextSteps: string[] }) => void = () => {};
    const onFinish = vi.fn<AppProps["onFinish"]>(() => new Promise((resolve) => (finish = resolve)));
    const { screen, onExit, frame } = renderApp(onFinish);
    await settle(screen);
    await answerAll(screen);
    await press(screen, KEYS.enter);
    expect(frame()).toContain("Writing...");
    await press(screen, KEYS.ctrlC); // too late to cancel: the write is already under way
    expect(onExit).not.toHaveBeenCalled();
    finish({ files: ["out/PLAN.md"], nextSteps: [] });
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(0));
    expect(frame()).toContain("✔ Wrote 1 file:");
  });

  it("shows the error and exits 1 when writing fails", async () => {
    const onFinish = vi.fn<AppProps["onFinish"]>(async () => {
      throw new Error("out/PLAN.md exists; pass --force to overwrite");
    });
    const { screen, onExit, frame } = renderApp(onFinish);
    await settle(screen);
    await answerAll(screen);
    await press(screen, KEYS.enter);
    expect(frame()).toContain("✗ out/PLAN.md exists; pass --force to overwrite");
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(1));
  });
});
