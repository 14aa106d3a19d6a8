/**
 * What makes the byte-identity check (npm run plan-hash) trustworthy: it reaches every operation, engine
 * and tool the shipped trees offer, the same code gives the same digest, and a one-byte change in any
 * written file (PLAN.md, a migration file, a file name) changes it. The full walk runs in the script, not here.
 */
import { describe, expect, it } from "vitest";
import { ENGINES, OPERATIONS, TOOLS, type PlanAnswers } from "../../src/answers/schema.js";
import { shippedTrees } from "../../src/trees/shipped.js";
import { evaluate } from "../../src/wizard/condition.js";
import { planOutputs } from "../../src/render/outputs.js";
import { digestOf, FIXED_NOW, hashAll, hashCases, versionsFor } from "./plan-hash.js";
import type { PathSource } from "./examples.js";

const source: PathSource = { trees: shippedTrees(), evaluate: evaluate as PathSource["evaluate"] };
const cases = hashCases(source);

describe("the byte-identity check", () => {
  it("walks every operation on every engine for every tool", () => {
    const seen = new Set(cases.map((c) => `${c.answers.operation}|${c.answers.engine}|${c.answers.tool}`));
    const missing = OPERATIONS.flatMap((o) => ENGINES.flatMap((e) => TOOLS.map((t) => `${o}|${e}|${t}`))).filter((k) => !seen.has(k));
    expect(missing).toEqual([]);
    expect(new Set(cases.map((c) => c.key)).size).toBe(cases.length);
  });

  it("plans each engine at its capability boundaries", () => {
    expect(versionsFor("mysql")).toEqual(expect.arrayContaining(["5.7", "8.0", "8.0.12", "8.0.28", "8.0.29"]));
    expect(versionsFor("mariadb")).toEqual(expect.arrayContaining(["10.5", "10.6.0"]));
    const pgVersions = new Set(cases.filter((c) => c.answers.engine === "postgresql").map((c) => c.answers.engine_version));
    expect([...pgVersions]).toEqual(versionsFor("postgresql"));
  });

  it("gives the same digest twice, and a different one when any byte of any file differs", () => {
    const sample = cases.filter((_, i) => i % 997 === 0);
    expect(hashAll(sample).digest).toBe(hashAll(sample).digest);
    const answers = cases.find((c) => c.answers.tool === "rails" && c.answers.operation === "add_index")!.answers as PlanAnswers;
    const files = planOutputs(answers, FIXED_NOW).files;
    expect(files.map((f) => f.path)).toContain("PLAN.md");
    expect(files.length).toBeGreaterThan(3);
    const base = digestOf(answers).digest;
    // A later clock renames the timestamped migration files: same contents, other names.
    expect(digestOf(answers, new Date(FIXED_NOW.getTime() + 1000)).digest).not.toBe(base);
    // One character of the table name changes PLAN.md and every migration file.
    expect(digestOf({ ...answers, table: answers.table + "s" }).digest).not.toBe(base);
    // A refused plan hashes its refusal, not an empty file set.
    const refused = digestOf({ ...answers, table: "x".repeat(70) });
    expect(refused.refused).toBe(true);
    expect(refused.digest).not.toBe(digestOf({ ...answers, table: "y".repeat(70) }).digest);
  });
});
