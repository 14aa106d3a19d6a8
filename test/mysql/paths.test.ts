/**
 * Every MySQL-family path through the shipped trees, run on a real MariaDB: every operation the trees
 * offer for mysql and mariadb, each engine's version boundaries, every size, downtime and rollback
 * choice. Plans with the same SQL run once; the figures are printed at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS, type Answers, type Operation, type PlanAnswers } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import type { Plan } from "../../src/plan/model.js";
import { shippedTrees } from "../../src/trees/shipped.js";
import type { TreeSet } from "../../src/trees/model.js";
import { evaluate } from "../../src/wizard/condition.js";
import { sqlFingerprint } from "../proof/examples.js";
import { startMariadb, type MariadbServer } from "../support/mariadb-server.js";
import { MARIADB_VERSIONS, MYSQL_EXAMPLES, MYSQL_VERSIONS, SIZES, type MysqlPath } from "./examples.js";
import { KNOWN_DIFFERENCES, knownDifference } from "./known-differences.js";
import { newStats, runPlanOnMariadb } from "./run-plan.js";

const trees: TreeSet = shippedTrees();
const choiceNodes = (answer: string) => Object.values(trees.nodes).filter((n) => n.type === "choice" && n.answer === answer);
const choices = (answer: string) => [...new Set(choiceNodes(answer).flatMap((n) => (n.type === "choice" ? n.choices.map((c) => c.value) : [])))];

/** Whether the engine tree offers `engine` for this operation (its `when`). */
function offered(engine: string, operation: Operation): boolean {
  const node = trees.nodes["engine"];
  return node?.type === "choice" && node.choices.some((c) => c.value === engine && (!c.when || evaluate(c.when as never, { operation } as Answers)));
}

function paths(): MysqlPath[] {
  const operations = choices("operation").filter((o): o is Operation => (OPERATIONS as readonly string[]).includes(String(o)));
  const sizes = choices("approx_rows").map(Number).filter(Number.isFinite);
  const out: MysqlPath[] = [];
  for (const operation of operations) {
    for (const [engine, versions] of [["mysql", MYSQL_VERSIONS], ["mariadb", MARIADB_VERSIONS]] as const) {
      if (!offered(engine, operation)) continue;
      for (const [variant, example] of Object.entries(MYSQL_EXAMPLES[operation] ?? {}))
        for (const engine_version of versions)
          for (const approx_rows of operation === "create_table" ? [0] : sizes.length ? sizes : SIZES)
            for (const downtime_tolerance of choices("downtime_tolerance"))
              for (const rollback_need of choices("rollback_need"))
                out.push({
                  operation,
                  variant,
                  example,
                  answers: { mode: "plan", engine, engine_version, operation, ...example.answers, approx_rows, downtime_tolerance, rollback_need, tool: "raw-sql" } as PlanAnswers,
                });
    }
  }
  return out;
}

let server: MariadbServer | null = null;
let skip = "";
const all = paths();
const stats = { ...newStats(), paths: 0, plans: 0, failed: [] as string[], noExample: [] as string[], started: performance.now() };

beforeAll(async () => {
  const s = await startMariadb();
  if ("reason" in s) skip = s.reason;
  else server = s;
}, 120_000);

afterAll(async () => {
  await server?.stop();
  const secs = ((performance.now() - stats.started) / 1000).toFixed(1);
  const skipped = [...stats.skipped].map(([what, n]) => `${what} x${n}`).join(", ");
  console.log(
    `mysql-family proof on MariaDB ${server?.version ?? "(absent)"}: ${stats.paths} paths (${stats.plans} distinct plans) in ${secs}s; ` +
      `${stats.statements} statements and ${stats.checks} checks run, ${stats.concurrentWrites} concurrent writes; ` +
      `known differences in MySQL plans: ${skipped || "none"}` +
      (stats.failed.length ? `; FAILED: ${stats.failed.join(", ")}` : ""),
  );
});

describe("every MySQL-family path through the shipped trees, on MariaDB", () => {
  it("offers an example for every operation the trees offer on MySQL or MariaDB", () => {
    const offeredOps = choices("operation").filter((o) => offered("mysql", o as Operation) || offered("mariadb", o as Operation));
    expect(offeredOps.filter((o) => !MYSQL_EXAMPLES[o as Operation])).toEqual([]);
    for (const d of KNOWN_DIFFERENCES) expect(d.mysqlManual).toMatch(/^https:\/\/dev\.mysql\.com\/doc\/refman\//);
  });

  for (const operation of [...new Set(all.map((p) => p.operation))]) {
    it(`${operation}: applied, checked, rolled back and re-applied`, async (t) => {
      if (!server) return t.skip(skip);
      const mine = all.filter((p) => p.operation === operation);
      const byPlan = new Map<string, { plan: Plan; path: MysqlPath; count: number }>();
      const problems: string[] = [];
      for (const path of mine) {
        let plan: Plan;
        try {
          plan = buildPlan(path.answers);
        } catch (e) {
          // A refusal with a reason (CHECK before MySQL 8.0.16) is an answer, not a failure.
          if (/never enforces|not supported/.test((e as Error).message)) continue;
          problems.push(`${path.variant} ${path.answers.engine} ${path.answers.engine_version}: buildPlan threw ${(e as Error).message}`);
          continue;
        }
        const differs = plan.phases.some((p) => [...p.statements, ...(p.rollback ?? [])].some((s) => knownDifference(s.sql)) || p.checks.some((c) => knownDifference(c.sql)));
        const key = `${path.variant}|${differs ? plan.engine : "any"}|${sqlFingerprint(plan)}`;
        const entry = byPlan.get(key);
        if (entry) entry.count++;
        else byPlan.set(key, { plan, path, count: 1 });
      }
      let n = 0;
      for (const { plan, path, count } of byPlan.values()) {
        const found = await runPlanOnMariadb(server, `mwp_${operation}_${n++}`, plan, path.example, stats);
        const a = path.answers;
        if (found.length) problems.push(`${path.variant} [${a.engine} ${a.engine_version}, ${a.approx_rows} rows, ${a.downtime_tolerance}, ${a.rollback_need}] (+${count - 1} paths):\n    ${found.join("\n    ")}`);
      }
      if (problems.length) stats.failed.push(operation);
      else {
        stats.paths += mine.length;
        stats.plans += byPlan.size;
      }
      expect(problems, problems.slice(0, 6).join("\n")).toEqual([]);
    }, 300_000);
  }
});
