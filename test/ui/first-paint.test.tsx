import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { shippedTrees } from "../../src/trees/shipped.js";
import { App } from "../../src/ui/App.js";
import { firstPaint, wrapWords } from "../../src/ui/first-paint.js";
import { start } from "../../src/wizard/machine.js";

const trees = shippedTrees();
const plain = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .trimEnd();

describe("the first paint", () => {
  it("is the same screen Ink draws for the first question", async () => {
    const app = render(<App trees={trees} mode="plan" onFinish={async () => ({ files: [], nextSteps: [] })} />);
    await new Promise((r) => setTimeout(r, 20));
    const ink = app.lastFrame()!;
    app.unmount();
    // ink-testing-library draws 100 columns wide with no height.
    const paint = firstPaint(start(trees, "plan"), trees, { columns: 100 }, false);
    expect(paint).not.toBeNull();
    expect(plain(paint!.text)).toBe(plain(ink));
    expect(paint!.lines).toBe(paint!.text.split("\n").length - 1);
  });

  it("colours only when asked", () => {
    const paint = firstPaint(start(trees, "plan"), trees, { columns: 100 }, true)!;
    expect(paint.text).toContain("\u001b[1m");
    expect(firstPaint(start(trees, "plan"), trees, { columns: 100 }, false)!.text).not.toContain("\u001b[");
  });

  it("leaves screens it does not mirror to Ink", () => {
    // Something answered already: the answered lines and their layout are Ink's job.
    expect(firstPaint(start(trees, "plan", { operation: "add_column" }), trees, { columns: 100 }, false)).toBeNull();
    // A terminal too short for the whole list: App windows the list; so does nothing here.
    expect(firstPaint(start(trees, "plan"), trees, { columns: 100, rows: 20 }, false)).toBeNull();
  });

  it("wraps words like a terminal column", () => {
    expect(wrapWords("one two three four", 9)).toEqual(["one two", "three", "four"]);
    expect(wrapWords("abcdefghij", 4)).toEqual(["abcd", "efgh", "ij"]);
  });
});
