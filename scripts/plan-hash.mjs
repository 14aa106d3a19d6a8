// The byte-identity check (see test/proof/plan-hash.ts): renders every path through the shipped trees for
// every engine and tool, hashes PLAN.md and every file, and prints one digest.
//   npm run plan-hash [-- --full]          prints the digest; writes .tmp/plan-hash.txt (one line per path)
//   npm run plan-hash -- --expect DIGEST   exits 1 when the digest differs
//   npm run plan-hash -- --against FILE    also names the paths whose files differ from FILE (an earlier .tmp/plan-hash.txt)
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { importTs, root } from "./import-ts.mjs";

const argv = process.argv.slice(2);
const option = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const started = performance.now();
const { hashCases, hashAll } = await importTs("test/proof/plan-hash.ts");
const { shippedTrees } = await importTs("src/trees/shipped.ts");
const { evaluate } = await importTs("src/wizard/condition.ts");
const report = hashAll(hashCases({ trees: shippedTrees(), evaluate }, argv.includes("--full")));
const out = join(root, ".tmp", "plan-hash.txt");
writeFileSync(out, report.lines.join("\n") + "\n");
const secs = ((performance.now() - started) / 1000).toFixed(1);
console.log(`${report.digest}  ${report.paths} paths x files (${report.refused} refused plans) in ${secs}s; per path: ${out}`);

const against = option("--against");
if (against) {
  if (!existsSync(against)) throw new Error(`${against}: no such file`);
  const before = new Map(readFileSync(against, "utf8").trim().split("\n").map((l) => l.split("\t")));
  const changed = report.lines.map((l) => l.split("\t")).filter(([k, d]) => before.get(k) !== d);
  const now = new Set(report.lines.map((l) => l.split("\t")[0]));
  const gone = [...before.keys()].filter((k) => !now.has(k));
  console.log(`against ${against}: ${changed.length} paths differ, ${gone.length} paths gone`);
  for (const [k] of changed.slice(0, 20)) console.log(`  differs: ${k}`);
  for (const k of gone.slice(0, 20)) console.log(`  gone: ${k}`);
  if (changed.length || gone.length) process.exitCode = 1;
}
const expect = option("--expect");
if (expect && expect !== report.digest) {
  console.error(`digest differs from the expected ${expect}`);
  process.exitCode = 1;
}
