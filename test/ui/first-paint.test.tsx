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

  it("windows a long list on a short terminal as App does", async () => {
    const { Box } = await import("ink");
    const { ChoiceList } = await import("../../src/ui/components/ChoiceList.js");
    const state = start(trees, "plan");
    const paint = firstPaint(state, trees, { columns: 100, rows: 25 }, false)!;
    const lines = plain(paint.text).split("\n");
    expect(lines).toContain("    ↓ 7 more");
    // The list part must be what ChoiceList draws with the same limit.
    const node = trees.nodes[trees.entry.plan] as any;
    const list = render(
      <Box marginLeft={2}>
        <ChoiceList choices={node.choices} cursor={0} limit={10} />
      </Box>,
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(plain(paint.text)).toContain(plain(list.lastFrame()!));
    list.unmount();
  });

  it("colours only when asked", () => {
    const paint = firstPaint(start(trees, "plan"), trees, { columns: 100 }, true)!;
    expect(paint.text).toContain("\u001b[1m");
    expect(firstPaint(start(trees, "plan"), trees, { columns: 100 }, false)!.text).not.toContain("\u001b[");
  });

  it("leaves screens it does not mirror to Ink", () => {
    // Something answered already: the answered lines and their layout are Ink's job.
    expect(firstPaint(start(trees, "plan", { operation: "add_column" }), trees, { columns: 100 }, false)).toBeNull();
    // Help shown: the help box is drawn by Ink.
    expect(firstPaint({ ...start(trees, "plan"), showHelp: true }, trees, { columns: 100 }, false)).toBeNull();
  });

  it("wraps words like a terminal column", () => {
    expect(wrapWords("one two three four", 9)).toEqual(["one two", "three", "four"]);
    expect(wrapWords("abcdefghij", 4)).toEqual(["abcd", "efgh", "ij"]);
  });
});
