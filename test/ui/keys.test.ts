import type { Key } from "ink";
import { describe, expect, it } from "vitest";
import { keyContext, keyToEvent, splitKeys } from "../../src/ui/keys.js";
import { reduce, start } from "../../src/wizard/machine.js";
import { fixtureTrees } from "../wizard/fixtures.js";

const NO_KEY: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false,
  home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false,
  backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false,
};
const key = (k: Partial<Key> = {}): Key => ({ ...NO_KEY, ...k });

const choice = start(fixtureTrees(), "plan");
const inputEmpty = reduce(choice, { type: "confirm" });
const inputTyped = reduce(inputEmpty, { type: "type", text: "ord" });

describe("keyToEvent", () => {
  it("knows the context of each screen", () => {
    expect([keyContext(choice), keyContext(inputEmpty), keyContext(inputTyped)]).toEqual(["choice", "input-empty", "input"]);
  });

  it("maps Esc (which Ink 6 also flags as meta) to back everywhere", () => {
    for (const s of [choice, inputEmpty, inputTyped]) expect(keyToEvent("", key({ escape: true, meta: true }), s)).toEqual({ type: "back" });
  });

  it("maps Backspace (key.delete or key.backspace) to erase with text, back without", () => {
    expect(keyToEvent("", key({ delete: true }), inputTyped)).toEqual({ type: "erase" });
    expect(keyToEvent("", key({ backspace: true }), inputTyped)).toEqual({ type: "erase" });
    expect(keyToEvent("", key({ delete: true }), inputEmpty)).toEqual({ type: "back" });
    expect(keyToEvent("", key({ delete: true }), choice)).toEqual({ type: "back" });
  });

  it("moves with arrows and j/k in choices, but types j/k and digits in inputs", () => {
    expect(keyToEvent("", key({ downArrow: true }), choice)).toEqual({ type: "move", by: 1 });
    expect(keyToEvent("k", key(), choice)).toEqual({ type: "move", by: -1 });
    expect(keyToEvent("3", key(), choice)).toEqual({ type: "select", number: 3 });
    expect(keyToEvent("j", key(), inputTyped)).toEqual({ type: "type", text: "j" });
    expect(keyToEvent("3", key(), inputEmpty)).toEqual({ type: "type", text: "3" });
    expect(keyToEvent("", key({ upArrow: true }), inputTyped)).toBeUndefined();
  });

  it("toggles help with ? in choices and empty inputs, types it otherwise", () => {
    expect(keyToEvent("?", key(), choice)).toEqual({ type: "toggle_help" });
    expect(keyToEvent("?", key(), inputEmpty)).toEqual({ type: "toggle_help" });
    expect(keyToEvent("?", key(), inputTyped)).toEqual({ type: "type", text: "?" });
  });

  it("cancels on Ctrl-C and ignores other control keys", () => {
    expect(keyToEvent("c", key({ ctrl: true }), inputTyped)).toEqual({ type: "cancel" });
    expect(keyToEvent("a", key({ ctrl: true }), inputTyped)).toBeUndefined();
    expect(keyToEvent("", key({ return: true }), inputTyped)).toEqual({ type: "confirm" });
  });

  it("splits a chunk of backspaces (DEL or BS) into one Backspace press per character", () => {
    expect(splitKeys("\x7f\x7f\x7f", key())).toEqual([
      { input: "", key: key({ delete: true }) },
      { input: "", key: key({ delete: true }) },
      { input: "", key: key({ delete: true }) },
    ]);
    expect(splitKeys("\x7f\b", key()).map((p) => [p.key.delete, p.key.backspace])).toEqual([[true, false], [false, true]]);
    // Each press then maps through the table like a single Backspace.
    for (const p of splitKeys("\x7f\x7f", key())) expect(keyToEvent(p.input, p.key, inputTyped)).toEqual({ type: "erase" });
  });

  it("leaves any other chunk as one press", () => {
    const single = key({ delete: true });
    expect(splitKeys("", single)).toEqual([{ input: "", key: single }]);
    expect(splitKeys("ab\x7f", key())).toEqual([{ input: "ab\x7f", key: key() }]);
    expect(splitKeys("orders", key())).toEqual([{ input: "orders", key: key() }]);
  });
});
