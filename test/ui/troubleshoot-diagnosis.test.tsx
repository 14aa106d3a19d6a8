/** Interactive troubleshoot shows the diagnosis on screen, as the non-interactive run prints it, and writes REPAIR.md. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanup, render } from "ink-testing-library";
import { afterAll, afterEach, expect, it, vi } from "vitest";
import { shippedTrees } from "../../src/trees/shipped.js";
import { App } from "../../src/ui/App.js";
import { troubleshootFinisher } from "../../src/ui/finish.js";
import { KEYS, press, settle } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "mw-ts-ui-"));
afterEach(() => cleanup());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("a pasted MySQL error: the engine is read from it, the diagnosis is shown on screen, REPAIR.md names the table", async () => {
  const trees = shippedTrees();
  const out = join(dir, "repair");
  const onExit = vi.fn();
  const screen = render(<App trees={trees} mode="troubleshoot" onFinish={troubleshootFinisher({ trees, out })} onExit={onExit} />);
  const frame = () => screen.lastFrame() ?? "";
  await settle(screen);
  await press(screen, "ERROR 1062 (23000): Duplicate entry 'x' for key 'users.email'\r");
  // MySQL was read from the message: the next question is MySQL's version, not the engine.
  expect(frame()).toContain("? Which MySQL version");
  await press(screen, "8.0.36", KEYS.enter);
  expect(frame()).toContain("? Which migration tool ran the migration?");
  await press(screen, "1"); // plain SQL files
  expect(frame()).toContain("Review your answers");
  await press(screen, KEYS.enter);
  await vi.waitFor(() => expect(onExit).toHaveBeenCalled(), { timeout: 10_000 });
  expect(onExit, frame()).toHaveBeenCalledWith(0);
  expect(frame()).toMatch(/Diagnosis: .*[Dd]uplicate/);
  expect(frame()).toContain("Key step:");
  expect(frame()).toContain("REPAIR.md");
  expect(existsSync(join(out, "REPAIR.md"))).toBe(true);
  const md = readFileSync(join(out, "REPAIR.md"), "utf8");
  expect(md).toContain("Engine: MySQL 8.0.36");
  expect(md).not.toMatch(/your_table|your_column/);
});
