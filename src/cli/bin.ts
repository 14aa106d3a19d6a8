/**
 * The command (dist/cli.js): one ES module entry. Node 22.1+ keeps the compiled code of every module
 * it loads in its own compile cache (checked by Node, so a damaged cache is never run); on Node 20
 * the call does not exist and nothing is cached. Everything else is imported lazily by main.ts, so
 * each command loads only what it uses and the wizard's first question waits for nothing else.
 */
import module from "node:module";

// MIGRATION_WIZARD_NO_CACHE=1: write nothing outside --out (Node's cache lives in the temp folder).
if (!process.env.MIGRATION_WIZARD_NO_CACHE) {
  try {
    (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  } catch {
    // only an accelerator
  }
}
const { main } = await import("./main.js");
await main(process.argv);
