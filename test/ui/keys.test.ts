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
    // Backspace never leaves a text field, however long it is held: Esc goes back.
    expect(keyToEvent("", key({ delete: true }), inputEmpty)).toEqual({ type: "erase" });
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

  it("cancels on Ctrl-C and ignores unbound control keys", () => {
    expect(keyToEvent("c", key({ ctrl: true }), inputTyped)).toEqual({ type: "cancel" });
    expect(keyToEvent("g", key({ ctrl: true }), inputTyped)).toBeUndefined();
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

  it("maps the editing keys of a text field to the text reducer's actions", () => {
    const action = (input: string, k: Partial<Key>) => keyToEvent(input, key(k), inputTyped);
    expect(action("", { leftArrow: true })).toEqual({ type: "text", action: { kind: "left" } });
    expect(action("", { rightArrow: true })).toEqual({ type: "text", action: { kind: "right" } });
    expect(action("", { home: true })).toEqual({ type: "text", action: { kind: "start" } });
    expect(action("a", { ctrl: true })).toEqual({ type: "text", action: { kind: "start" } });
    expect(action("", { end: true })).toEqual({ type: "text", action: { kind: "end" } });
    expect(action("e", { ctrl: true })).toEqual({ type: "text", action: { kind: "end" } });
    expect(action("u", { ctrl: true })).toEqual({ type: "text", action: { kind: "erase-to-start" } });
    expect(action("w", { ctrl: true })).toEqual({ type: "text", action: { kind: "erase-word" } });
    // Alt-Backspace: ESC DEL, reported as delete + meta.
    expect(action("", { delete: true, meta: true })).toEqual({ type: "text", action: { kind: "erase-word" } });
  });

  it("splits a pasted line ending in Enter into the text and Enter in a text field, and picks on a choice list", () => {
    expect(splitKeys("users\r", key(), inputEmpty)).toEqual([{ input: "users", key: key() }, { input: "", key: key({ return: true }) }]);
    expect(splitKeys("2\r", key(), choice)).toEqual([{ input: "2\r", key: key() }]);
    expect(keyToEvent("2\r", key(), choice)).toEqual({ type: "pick", text: "2" });
    expect(keyToEvent("MySQL\n", key(), choice)).toEqual({ type: "pick", text: "MySQL" });
  });

  it("leaves any other chunk as one press", () => {
    const single = key({ delete: true });
    expect(splitKeys("", single)).toEqual([{ input: "", key: single }]);
    expect(splitKeys("ab\x7f", key())).toEqual([{ input: "ab\x7f", key: key() }]);
    expect(splitKeys("orders", key())).toEqual([{ input: "orders", key: key() }]);
  });
});
