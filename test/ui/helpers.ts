/** Deterministic key-driven UI tests: after each key, wait for the next frame, then two event-loop turns. */
import { EventEmitter } from "node:events";

export const KEYS = {
  up: "\x1b[A",
  down: "\x1b[B",
  enter: "\r",
  esc: "\x1b",
  backspace: "\x7f",
  ctrlC: "\x03",
} as const;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface Screen {
  stdin: { write: (data: string) => void };
  frames: string[];
  lastFrame: () => string | undefined;
}

/** Waits until a frame newer than `count` is drawn (or a short grace period for keys that change nothing). */
async function nextFrame(screen: Screen, count: number, graceMs = 150): Promise<void> {
  const until = Date.now() + graceMs;
  while (screen.frames.length <= count && Date.now() < until) await new Promise((r) => setTimeout(r, 2));
  await turn();
  await turn();
}

export async function press(screen: Screen, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    const count = screen.frames.length;
    screen.stdin.write(key);
    await nextFrame(screen, count);
  }
}

/** Types text one character at a time, as a user would. */
export async function type(screen: Screen, text: string): Promise<void> {
  await press(screen, ...text.split(""));
}

/** Lets the first render land before the first key. */
export async function settle(screen: Screen): Promise<void> {
  await nextFrame(screen, 0, 1000);
}

/** A stdin Ink can run on without a terminal (like ink-testing-library's), for runInteractive. */
export class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write = (data: string) => {
    this.data = data;
    this.emit("readable");
    this.emit("data", data);
  };
  read = () => {
    const { data } = this;
    this.data = null;
    return data;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

/** A stdout that records frames. */
export class FakeStdout extends EventEmitter {
  columns = 100;
  rows = 40;
  frames: string[] = [];
  write = (frame: string) => {
    this.frames.push(frame);
    return true;
  };
  lastFrame = () => this.frames.at(-1);
}
