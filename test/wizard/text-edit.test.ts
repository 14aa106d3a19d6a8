import { describe, expect, it } from "vitest";
import { editText, type TextAction, type TextLine } from "../../src/wizard/text-edit.js";

const run = (line: TextLine, ...actions: TextAction["kind"][]) =>
  actions.reduce((l, kind) => editText(l, { kind } as TextAction), line);
const at = (text: string, caret = text.length): TextLine => ({ text, caret });

describe("the text field's editing reducer", () => {
  it("inserts typed and pasted text at the caret, one line", () => {
    expect(editText(at("customer_id", 8), { kind: "insert", text: "X" })).toEqual({ text: "customerX_id", caret: 9 });
    expect(editText(at("ab", 1), { kind: "insert", text: "ERROR: a\n  DETAIL: b\n" })).toEqual({ text: "aERROR: a DETAIL: bb", caret: 19 });
  });

  it("Backspace erases before the caret and stops at the start, however often it is pressed", () => {
    expect(run(at("abc"), "erase-back", "erase-back", "erase-back", "erase-back", "erase-back")).toEqual({ text: "", caret: 0 });
    expect(run(at("abc", 1), "erase-back", "erase-back")).toEqual({ text: "bc", caret: 0 });
  });

  it("moves with Left/Right, Home/End (Ctrl-A/E) without going past either end", () => {
    expect(run(at("abc"), "left", "left")).toEqual({ text: "abc", caret: 1 });
    expect(run(at("abc"), "left", "left", "left", "left")).toEqual({ text: "abc", caret: 0 });
    expect(run(at("abc", 0), "right", "right", "right", "right")).toEqual({ text: "abc", caret: 3 });
    expect(run(at("abc", 2), "start")).toEqual({ text: "abc", caret: 0 });
    expect(run(at("abc", 0), "end")).toEqual({ text: "abc", caret: 3 });
  });

  it("Ctrl-U erases to the start, Ctrl-K to the end", () => {
    expect(run(at("price * 100", 6), "erase-to-start")).toEqual({ text: "* 100", caret: 0 });
    expect(run(at("price * 100", 5), "erase-to-end")).toEqual({ text: "price", caret: 5 });
  });

  it("Ctrl-W and Alt-Backspace erase the word before the caret and the spaces after it", () => {
    expect(run(at("full_name IS  NULL"), "erase-word")).toEqual({ text: "full_name IS  ", caret: 14 });
    expect(run(at("full_name IS  "), "erase-word")).toEqual({ text: "full_name ", caret: 10 });
    expect(run(at("a b", 1), "erase-word")).toEqual({ text: " b", caret: 0 });
    expect(run(at(""), "erase-word")).toEqual({ text: "", caret: 0 });
  });

  it("moves by words", () => {
    expect(run(at("one two three"), "word-left")).toEqual({ text: "one two three", caret: 8 });
    expect(run(at("one two three", 0), "word-right", "word-right")).toEqual({ text: "one two three", caret: 7 });
  });

  it("Delete erases under the caret", () => {
    expect(run(at("abc", 0), "erase-forward")).toEqual({ text: "bc", caret: 0 });
    expect(run(at("abc"), "erase-forward")).toEqual({ text: "abc", caret: 3 });
  });
});
