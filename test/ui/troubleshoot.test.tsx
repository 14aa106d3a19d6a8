/** Interactive troubleshoot over the shipped tree: a pasted error message routes to its diagnosis. */
import { cleanup, render } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { shippedTrees } from "../../src/trees/shipped.js";
import { App, type AppProps } from "../../src/ui/App.js";
import type { PartialAnswers } from "../../src/wizard/machine.js";
import { KEYS, press, settle } from "./helpers.js";

afterEach(() => cleanup());

const LOCK = "ERROR: canceling statement due to lock timeout";

function renderTroubleshoot(prefill: PartialAnswers) {
  const onFinish = vi.fn<AppProps["onFinish"]>(async () => ({ files: ["repair/REPAIR.md"], nextSteps: ["Read REPAIR.md"] }));
  const onExit = vi.fn();
  const screen = render(<App trees={shippedTrees()} mode="troubleshoot" prefill={prefill} onFinish={onFinish} onExit={onExit} />);
  return { screen, onFinish, onExit, frame: () => screen.lastFrame() ?? "" };
}

describe("interactive troubleshoot with a pasted error", () => {
  it("goes straight to the diagnosis summary when engine, version and tool are known; Esc undoes the match", async () => {
    const { screen, onFinish, onExit, frame } = renderTroubleshoot({ engine: "postgresql", engine_version: "16.2", tool: "rails" });
    await settle(screen);
    expect(frame()).toContain("? Paste the error message");
    await press(screen, LOCK); // a paste arrives as one chunk
    expect(frame()).toContain(`❯ ${LOCK}`);
    await press(screen, KEYS.enter);
    expect(frame()).toContain("Review your answers");
    expect(frame()).toContain("❯ Show the diagnosis");
    expect(frame()).not.toContain("What went wrong?");

    await press(screen, KEYS.esc);
    expect(frame()).toContain("? Paste the error message");
    expect(frame()).toContain(`❯ ${LOCK}`);
    // With the message erased the match is undone: the symptom is asked.
    await press(screen, KEYS.backspace.repeat(LOCK.length));
    await press(screen, KEYS.enter);
    expect(frame()).toContain("? What went wrong?");

    await press(screen, KEYS.esc);
    await press(screen, LOCK, KEYS.enter, KEYS.enter);
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(0));
    expect(onFinish).toHaveBeenCalledTimes(1);
    expect(onFinish.mock.calls[0]![0]).toEqual({
      outcome: "diagnosis:lock-timeout",
      answers: { mode: "troubleshoot", engine: "postgresql", engine_version: "16.2", tool: "rails", error: LOCK, symptom: "failed", failure: "lock_timeout" },
    });
  });

  it("with only the engine known, the next screen is the first question the match does not answer", async () => {
    const { screen, onFinish, frame } = renderTroubleshoot({ engine: "postgresql" });
    await settle(screen);
    await press(screen, LOCK, KEYS.enter);
    expect(frame()).toContain("? Which PostgreSQL version");
    await press(screen, "16.2", KEYS.enter);
    expect(frame()).toContain("? Which migration tool ran the migration?");
    await press(screen, KEYS.enter); // plain SQL files
    expect(frame()).toContain("Review your answers");
    expect(frame()).not.toContain("What went wrong?");
    await press(screen, KEYS.enter);
    await vi.waitFor(() => expect(onFinish).toHaveBeenCalledTimes(1));
    expect(onFinish.mock.calls[0]![0].outcome).toBe("diagnosis:lock-timeout");
  });

  it("unknown text falls back to the questions", async () => {
    const { screen, frame } = renderTroubleshoot({ engine: "postgresql", engine_version: "16.2", tool: "rails" });
    await settle(screen);
    await press(screen, "the coffee machine is broken", KEYS.enter);
    expect(frame()).toContain("? What went wrong?");
  });
});
