/** Help boxes and the summary as drawn: the help names the user's table, no stray spaces, no values wrapped under labels. */
import { cleanup, render } from "ink-testing-library";
import { afterEach, expect, it, vi } from "vitest";
import { shippedTrees } from "../../src/trees/shipped.js";
import { App } from "../../src/ui/App.js";
import { KEYS, press, settle } from "./helpers.js";

afterEach(() => cleanup());

it("the table-size help uses the table the user typed, and its lines start right after the border", async () => {
  const screen = render(<App trees={shippedTrees()} mode="plan" prefill={{ operation: "drop_column", engine: "postgresql", engine_version: "16.2" }} onFinish={vi.fn()} />);
  await settle(screen);
  await press(screen, "users", KEYS.enter, "email", KEYS.enter, "?");
  const frame = screen.lastFrame() ?? "";
  expect(frame).toContain("About how many rows");
  expect(frame.replace(/\s*│\s*/g, " ")).toContain("relname = 'users'");
  expect(frame).not.toContain("'orders'");
  expect(frame).not.toContain("{table}");
  const inside = frame.split("\n").filter((l) => /^\s*│/.test(l));
  expect(inside.length).toBeGreaterThan(2);
  for (const line of inside) expect(line, line).toMatch(/^\s*│ \S/);
});

it("the summary keeps values in their own column at 60 columns", async () => {
  const { Summary } = await import("../../src/ui/components/Summary.js");
  const lines = [
    { nodeId: "a", prompt: "Which table?", shown: "users" },
    { nodeId: "b", prompt: "The condition every row must meet?", shown: "char_length(email) <= 320 AND email LIKE '%@%' AND email NOT LIKE '% %'" },
  ];
  const screen = render(<Summary lines={lines} cursor={0} finishLabel="Write the files" columns={60} />);
  const frame = screen.lastFrame() ?? "";
  const rows = frame.split("\n");
  const valueColumn = rows.find((r) => r.includes("users"))!.indexOf("users");
  const wrapped = rows.slice(rows.findIndex((r) => r.includes("char_length")) + 1).filter((r) => r.trim() && !r.includes("Write the files") && !r.includes("Choose a line"));
  expect(wrapped.length).toBeGreaterThan(0);
  // Continuation rows of the value start in the value column (the label may wrap in its own column).
  const valueRows = wrapped.filter((r) => r.slice(valueColumn).trim());
  expect(valueRows.length).toBeGreaterThan(0);
  for (const row of valueRows) expect(row[valueColumn - 1], row).toBe(" ");
  expect(wrapped.join(" ").replace(/\s+/g, " ")).not.toMatch(/^\s*(AND|'%)/);
});
