/**
 * The every-path proof on embedded PostgreSQL: for every path through the shipped trees that changes
 * the SQL, build the plan, set up a table with rows, apply each phase (tracing every statement's
 * locks and rewrites), run its checks, roll back, apply again. A claim that differs from what
 * PostgreSQL did, a failed statement or a failed check fails the test.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import type { Plan } from "../../src/plan/model.js";
import { verifyPlan } from "../../src/verify/run.js";
import { openEmbedded, type SqlSession } from "../../src/verify/session.js";
import { describePath, enumeratePaths, sqlFingerprint, type PathCase, type PathSource } from "./examples.js";

async function loadPathSource(): Promise<PathSource> {
  try {
    const { shippedTrees } = await import("../../src/trees/shipped.js");
    const { evaluate } = await import("../../src/wizard/condition.js");
    return { trees: shippedTrees(), evaluate: evaluate as PathSource["evaluate"] };
  } catch (e) {
    return { note: `shipped trees not loadable (${(e as Error).message.split("\n")[0]}): choices taken from the answers contract` };
  }
}

/** The PostgreSQL major version PGlite embeds (checked in beforeAll). */
const PGLITE_MAJOR = 18;
let db: SqlSession;
let source: PathSource;
let cases: PathCase[];
const stats = { paths: 0, plans: 0, statements: 0, versionNotes: 0, failedOps: [] as string[], started: 0 };

beforeAll(async () => {
  stats.started = performance.now();
  source = await loadPathSource();
  cases = enumeratePaths(source);
  db = await openEmbedded();
  const major = Number((await db.query("SELECT current_setting('server_version_num')::int / 10000 AS m"))[0].m);
  if (major !== PGLITE_MAJOR) throw new Error(`PGlite now embeds PostgreSQL ${major}: update PGLITE_MAJOR and VERSION_BOUNDARIES`);
});

afterAll(async () => {
  await db?.close();
  const secs = ((performance.now() - stats.started) / 1000).toFixed(1);
  console.log(
    `proof: ${stats.paths} paths (${stats.plans} distinct plans) proven on PGlite in ${secs}s; ${stats.statements} statements run, ` +
      `${stats.versionNotes} claims for older versions stronger than PostgreSQL ${PGLITE_MAJOR} did (allowed)` +
      (stats.failedOps.length ? `; FAILED: ${stats.failedOps.join(", ")}` : "") +
      (source?.note ? `; ${source.note}` : ""),
  );
});

describe("every path through the shipped trees, on embedded PostgreSQL", () => {
  for (const operation of OPERATIONS) {
    it(`${operation}: every plan's claimed locks and rewrites match PostgreSQL, checks pass, rollback and re-apply work`, async (ctx) => {
      const mine = cases.filter((c) => c.operation === operation);
      if (mine.length === 0) ctx.skip(`${operation} is not offered by the shipped trees`);
      const byPlan = new Map<string, { plan: Plan; paths: PathCase[] }>();
      const problems: string[] = [];
      for (const c of mine) {
        let plan: Plan;
        try {
          plan = buildPlan(c.answers);
        } catch (e) {
          problems.push(`${describePath(c)}: buildPlan threw: ${(e as Error).message}`);
          continue;
        }
        // Plans for versions older than PGlite's are checked leniently (see compareClaims): keep the
        // same SQL for the current version as its own run, so it is checked strictly.
        const current = Number(c.answers.engine_version.split(".")[0]) >= PGLITE_MAJOR;
        const key = `${current ? "current" : "older"}|${sqlFingerprint(plan)}`;
        const entry = byPlan.get(key);
        if (entry) entry.paths.push(c);
        else byPlan.set(key, { plan, paths: [c] });
      }
      for (const { plan, paths } of byPlan.values()) {
        await db.query("RESET ALL; DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
        const report = await verifyPlan(plan, db);
        stats.statements += report.statements.length;
        stats.versionNotes += report.statements.reduce((n, st) => n + st.versionNotes.length, 0);
        if (!report.ok) {
          problems.push(
            `${describePath(paths[0])} (and ${paths.length - 1} more paths with the same SQL):\n    ` +
              [...report.mismatches, ...report.failures].join("\n    "),
          );
        }
      }
      if (problems.length === 0) {
        stats.paths += mine.length;
        stats.plans += byPlan.size;
      } else stats.failedOps.push(operation);
      expect(problems, problems.join("\n")).toEqual([]);
    }, 600_000);
  }
});
