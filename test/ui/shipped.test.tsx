/** A whole wizard over the shipped trees, driven only by keys. */
import { cleanup, render } from "ink-testing-library";
import { afterEach, expect, it, vi } from "vitest";
import { answersSchema } from "../../src/answers/schema.js";
import { shippedTrees } from "../../src/trees/shipped.js";
import { App, type AppProps } from "../../src/ui/App.js";
import { KEYS, press, settle, type } from "./helpers.js";

afterEach(() => cleanup());

it("plans add_column on PostgreSQL with plain SQL files, from the first key to the written files", async () => {
  const onFinish = vi.fn<AppProps["onFinish"]>(async () => ({ files: ["plan/PLAN.md", "plan/answers.yaml", "plan/001_expand.up.sql"], nextSteps: ["Review PLAN.md"] }));
  const onExit = vi.fn();
  const screen = render(<App trees={shippedTrees()} mode="plan" onFinish={onFinish} onExit={onExit} />);
  const frame = () => screen.lastFrame() ?? "";
  await settle(screen);
  expect(frame()).toMatch(/Step 1 of about \d+/);
  expect(frame()).toContain("❯ 1. Add a column");

  await press(screen, KEYS.enter); // add_column
  await type(screen, "orders");
  await press(screen, KEYS.enter);
  await type(screen, "shipped_at");
  await press(screen, KEYS.enter);
  await type(screen, "timestamptz");
  await press(screen, KEYS.enter);
  await press(screen, KEYS.enter); // nullable: yes
  await type(screen, "now()");
  await press(screen, KEYS.enter);
  await press(screen, KEYS.enter); // PostgreSQL
  await press(screen, KEYS.enter); // Yes, I know the version
  await type(screen, "16.2");
  await press(screen, KEYS.enter);
  await press(screen, "4"); // Large: about 5 million rows
  await press(screen, "1"); // downtime: none
  await press(screen, "1"); // rollback: phase-level
  await press(screen, "2"); // tool: plain SQL files
  expect(frame()).toContain("Review your answers");
  expect(frame()).toMatch(/\bshipped_at\b/);
  expect(frame()).toMatch(/Plain SQL files/);

  await press(screen, KEYS.enter);
  await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(0));
  const [{ outcome, answers }] = onFinish.mock.calls[0]!;
  expect(outcome).toBe("plan");
  expect(answers).toMatchObject({
    operation: "add_column",
    table: "orders",
    columns: [{ name: "shipped_at", type: "timestamptz", nullable: true, default: "now()" }],
    engine: "postgresql",
    engine_version: "16.2",
    approx_rows: 5_000_000,
    downtime_tolerance: "none",
    rollback_need: "phase-level",
    tool: "raw-sql",
  });
  expect(answersSchema.safeParse(answers).success).toBe(true);
  expect(frame()).toContain("plan/001_expand.up.sql");
});
