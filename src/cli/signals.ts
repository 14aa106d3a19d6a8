/**
 * Termination signals outside the wizard's own Ctrl-C handling. Every write the tool makes is a
 * synchronous, journaled switch (src/output/switch.ts), and Node runs these handlers only between
 * turns of the event loop: a signal that arrives during a write is handled once the write has
 * committed or been undone, so the folder is never left half-written.
 */
const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;

/** `cleanup` (optional) runs first; then the process exits with 128 + the signal's number. */
export function exitOnSignals(cleanup?: (signal: NodeJS.Signals) => Promise<void> | void): void {
  for (const [name, num] of Object.entries(SIGNALS) as [NodeJS.Signals, number][]) {
    process.on(name, () => {
      void Promise.resolve(cleanup?.(name))
        .catch(() => {})
        .finally(() => process.exit(128 + num));
    });
  }
}
