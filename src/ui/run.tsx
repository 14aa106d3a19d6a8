/**
 * The interactive entry point. The CLI decides TTY or not before importing this module, so Ink and
 * React load only on the interactive path.
 */
import { render } from "ink";
import type { Answers } from "../answers/schema.js";
import type { TreeSet } from "../trees/model.js";
import type { Catalog } from "../wizard/catalog.js";
import type { PartialAnswers } from "../wizard/machine.js";
import { App, type FinishResult } from "./App.js";

export interface RunInteractiveOptions {
  trees: TreeSet;
  mode: string;
  prefill?: PartialAnswers;
  /** With a schema snapshot: tables and columns to pick from. */
  catalog?: Catalog;
  onFinish: (result: { outcome: string; answers: Answers }) => Promise<FinishResult>;
  /** Streams to use instead of the process's (tests). */
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

/** Runs the wizard; resolves to the exit code: 0 written, 1 onFinish failed, 130 cancelled (nothing written). */
export async function runInteractive(opts: RunInteractiveOptions): Promise<number> {
  // Stays 130 unless the app reports otherwise: an exit we did not expect wrote nothing.
  let code = 130;
  const instance = render(
    <App trees={opts.trees} mode={opts.mode} prefill={opts.prefill} catalog={opts.catalog} onFinish={opts.onFinish} onExit={(c) => (code = c)} />,
    {
      // Ctrl-C is a key like any other: the machine cancels, App reports 130, nothing is written.
      exitOnCtrlC: false,
      // Keep stray console output from tearing the frame, but only when drawing on the real terminal.
      patchConsole: opts.stdout === undefined,
      // Ink spreads these over its defaults, so an explicit undefined would replace process.stdout.
      ...(opts.stdin && { stdin: opts.stdin }),
      ...(opts.stdout && { stdout: opts.stdout }),
      ...(opts.stderr && { stderr: opts.stderr }),
    },
  );
  await instance.waitUntilExit();
  return code;
}
