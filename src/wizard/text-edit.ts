/**
 * The text field's editing, as a pure reducer: a line of text with a caret, and the actions the keys
 * people expect send (readline's: Left/Right, Home/End, Ctrl-A/E, Ctrl-U, Ctrl-W, Alt-Backspace,
 * Delete, and a pasted chunk inserted at the caret). No key ever leaves the field from here: going
 * back is Esc's job, never Backspace's.
 */

export interface TextLine {
  text: string;
  /** 0..text.length: characters before the caret. */
  caret: number;
}

export type TextAction =
  | { kind: "insert"; text: string }
  /** Backspace: the character before the caret. */
  | { kind: "erase-back" }
  /** Delete: the character under the caret. */
  | { kind: "erase-forward" }
  /** Ctrl-W, Alt-Backspace: the word before the caret (and the spaces after it). */
  | { kind: "erase-word" }
  /** Ctrl-U: everything before the caret. */
  | { kind: "erase-to-start" }
  /** Ctrl-K: everything from the caret on. */
  | { kind: "erase-to-end" }
  | { kind: "left" }
  | { kind: "right" }
  | { kind: "word-left" }
  | { kind: "word-right" }
  /** Home, Ctrl-A. */
  | { kind: "start" }
  /** End, Ctrl-E. */
  | { kind: "end" };

/**
 * Pasted text (a multi-line error message) becomes one line: edge line breaks go, inner ones become
 * a space, other control characters are dropped. Ordinary spaces, even at the edges, are kept as typed.
 */
export function oneLine(text: string): string {
  return text
    .replace(/^[\s]*[\r\n][\s]*|[\s]*[\r\n][\s]*$/g, "")
    .replace(/\s*[\r\n]+\s*/g, " ")
    .replace(/[\u0000-\u001f\u007f]/g, "");
}

/** Where the word before `caret` starts: skip spaces back, then the word's characters. */
function wordStart(text: string, caret: number): number {
  let i = caret;
  while (i > 0 && /\s/.test(text[i - 1])) i--;
  while (i > 0 && !/\s/.test(text[i - 1])) i--;
  return i;
}

function wordEnd(text: string, caret: number): number {
  let i = caret;
  while (i < text.length && /\s/.test(text[i])) i++;
  while (i < text.length && !/\s/.test(text[i])) i++;
  return i;
}

export function editText(line: TextLine, action: TextAction): TextLine {
  const { text } = line;
  const caret = Math.max(0, Math.min(line.caret, text.length));
  const cut = (from: number, to: number): TextLine => ({ text: text.slice(0, from) + text.slice(to), caret: from });
  switch (action.kind) {
    case "insert": {
      const add = oneLine(action.text);
      return { text: text.slice(0, caret) + add + text.slice(caret), caret: caret + add.length };
    }
    case "erase-back":
      return caret === 0 ? { text, caret } : cut(caret - 1, caret);
    case "erase-forward":
      return caret === text.length ? { text, caret } : cut(caret, caret + 1);
    case "erase-word":
      return cut(wordStart(text, caret), caret);
    case "erase-to-start":
      return cut(0, caret);
    case "erase-to-end":
      return cut(caret, text.length);
    case "left":
      return { text, caret: Math.max(0, caret - 1) };
    case "right":
      return { text, caret: Math.min(text.length, caret + 1) };
    case "word-left":
      return { text, caret: wordStart(text, caret) };
    case "word-right":
      return { text, caret: wordEnd(text, caret) };
    case "start":
      return { text, caret: 0 };
    case "end":
      return { text, caret: text.length };
  }
}
