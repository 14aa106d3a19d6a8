import { describe, expect, it, vi } from "vitest";
import { runInteractive } from "../../src/ui/run.js";
import { fixtureTrees } from "../wizard/fixtures.js";
import { FakeStdin, FakeStdout, KEYS, press, settle } from "./helpers.js";

function setup(onFinish: Parameters<typeof runInteractive>[0]["onFinish"]) {
  const stdin = new FakeStdin();
  const stdout = new FakeStdout();
  const stderr = new FakeStdout();
  const exited = runInteractive({
    trees: fixtureTrees(),
    mode: "troubleshoot",
    onFinish,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
  });
  const screen = { stdin, frames: stdout.frames, lastFrame: stdout.lastFrame };
  return { exited, screen };
}

describe("runInteractive", () => {
  it("returns 130 on Ctrl-C and never calls onFinish", async () => {
    const onFinish = vi.fn(async () => ({ files: [], nextSteps: [] }));
    const { exited, screen } = setup(onFinish);
    await settle(screen);
    expect(screen.lastFrame()).toContain("What went wrong?");
    await press(screen, KEYS.ctrlC);
    expect(await exited).toBe(130);
    expect(onFinish).not.toHaveBeenCalled();
  });

  it("returns 0 after a successful finish", async () => {
    const onFinish = vi.fn(async () => ({ files: [], nextSteps: ["Run the repair"] }));
    const { exited, screen } = setup(onFinish);
    await settle(screen);
    await press(screen, "1");
    expect(screen.lastFrame()).toContain("❯ Show the diagnosis");
    await press(screen, KEYS.enter);
    expect(await exited).toBe(0);
    expect(onFinish).toHaveBeenCalledWith({ outcome: "diagnosis:lock_timeout", answers: { mode: "troubleshoot", symptom: "lock_timeout" } });
    expect(screen.frames.join("\n")).toContain("1. Run the repair");
  });

  it("returns 1 and shows the message when onFinish throws", async () => {
    const { exited, screen } = setup(async () => {
      throw new Error("disk full");
    });
    await settle(screen);
    await press(screen, KEYS.enter, KEYS.enter);
    expect(await exited).toBe(1);
    expect(screen.frames.join("\n")).toContain("✗ disk full");
  });
});
