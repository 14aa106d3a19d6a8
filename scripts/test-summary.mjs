// Prints vitest's result as one plain closing line ("N passed, N failed, N skipped") for CI logs.
import { existsSync, readFileSync } from "node:fs";

const file = new URL("../.tmp/vitest-report.json", import.meta.url);
if (!existsSync(file)) {
  console.log("no test report (.tmp/vitest-report.json): the tests did not run");
  process.exit(1);
}
const r = JSON.parse(readFileSync(file, "utf8"));
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
