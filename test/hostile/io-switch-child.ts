/**
 * Child process for the kill tests (io-kill.test.ts): replaces plan A by plan B and back in a
 * folder, forever, with the CLI's signal handling installed; prints "ready" before the first switch.
 * Argument: the folder. The plans are the test's (io-plans.ts).
 */
import { exitOnSignals } from "../../src/cli/signals.js";
import { writeAll } from "../../src/output/write.js";
import { planA, planB } from "./io-plans.js";

const dir = process.argv[2];
exitOnSignals();
let next = process.argv[3] === "B" ? planB : planA;
process.stdout.write("ready\n");
const loop = () => {
  writeAll(dir, next, { force: true });
  next = next === planA ? planB : planA;
  // Back to the event loop between writes, as the CLI is: that is where signal handlers run.
  setImmediate(loop);
};
loop();
