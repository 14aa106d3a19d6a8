import { cleanup, render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { Answered } from "../../src/ui/components/Answered.js";
import { ChoiceList, windowStart } from "../../src/ui/components/ChoiceList.js";

afterEach(() => cleanup());

const choices = Array.from({ length: 15 }, (_, i) => ({ value: `v${i + 1}`, label: `Choice ${i + 1}`, hint: `hint ${i + 1}` }));

describe("ChoiceList", () => {
  it("keeps the focused choice in a centred window", () => {
    expect(windowStart(15, 0, 5)).toBe(0);
    expect(windowStart(15, 7, 5)).toBe(5);
    expect(windowStart(15, 14, 5)).toBe(10);
    expect(windowStart(3, 2, 5)).toBe(0);
  });

  it("draws the window with what is above and below, numbers only for keys 1-9", () => {
    const { lastFrame } = render(<ChoiceList choices={choices} cursor={9} limit={5} />);
    expect(lastFrame()).toBe(
      ["  ↑ 7 more", "  8. Choice 8", "  9. Choice 9", "❯    Choice 10  hint 10", "     Choice 11", "     Choice 12", "  ↓ 3 more"].join("\n"),
    );
  });

  it("draws every choice without a limit", () => {
    const { lastFrame } = render(<ChoiceList choices={choices.slice(0, 3)} cursor={0} />);
    expect(lastFrame()).toBe(["❯ 1. Choice 1  hint 1", "  2. Choice 2", "  3. Choice 3"].join("\n"));
  });
});

describe("Answered", () => {
  const lines = ["a", "b", "c"].map((id) => ({ nodeId: id, prompt: `Q ${id}?`, shown: id.toUpperCase() }));
  it("shows only the latest answers within the limit", () => {
    const { lastFrame } = render(<Answered lines={lines} limit={1} />);
    expect(lastFrame()).toBe(["✔ … 2 earlier answers (all on the summary)", "✔ Q c? C", ""].join("\n"));
  });
});
