/**
 * Termination signals outside the wizard's own Ctrl-C handling. Every write the tool makes is a
 * synchronous, journaled switch (src/output/switch.ts), and Node runs these handlers only between
 * turns of the event loop: a signal that arrives during a write is handled once the write has
 * committed or been undone, so the folder is never left half-written.
 */
const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;

type Cleanup = () => Promise<void> | void;
const cleanups = new Set<Cleanup>();

/** Something to undo before exiting on a signal (verify's throwaway database); returns its removal. */
export function addCleanup(fn: Cleanup): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

let installed = false;

/** On SIGINT, SIGTERM or SIGHUP: run the registered cleanups, then exit with 128 + the signal's number. */
export function exitOnSignals(): void {
  if (installed) return;
  installed = true;
  for (const [name, num] of Object.entries(SIGNALS) as [NodeJS.Signals, number][]) {
    process.on(name, () => {
      const pending = [...cleanups].map((fn) => Promise.resolve().then(fn).catch(() => {}));
      void Promise.all(pending).finally(() => process.exit(128 + num));
    });
  }
}
