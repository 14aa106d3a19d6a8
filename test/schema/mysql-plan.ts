/** MySQL-family plans built from a snapshot of a real MariaDB, and run phase by phase the way a reader runs them. */
import type mysql from "mysql2/promise";
import { expect } from "vitest";
import type { PlanAnswers } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import type { Plan } from "../../src/plan/model.js";
import { fillFromSnapshot } from "../../src/schema/fill.js";
import { snapshotFromUrl } from "../../src/schema/sources.js";

/** change_column_type of `table.column` to `newType`, planned from the database at `url` (read as MariaDB). */
export async function planFor(url: string, table: string, column: string, newType: string, tolerance = "minutes"): Promise<Plan> {
  const snapshot = await snapshotFromUrl(url.replace("mysql:", "mariadb:"));
  const raw = {
    mode: "plan", operation: "change_column_type", table, columns: [{ name: column }], details: { new_type: newType },
    approx_rows: 3000, downtime_tolerance: tolerance, rollback_need: "phase-level", tool: "raw-sql",
  } as unknown as PlanAnswers;
  const { answers, facts } = fillFromSnapshot(raw, snapshot);
  return buildPlan(answers as PlanAnswers, { snapshot, facts });
}

/** Runs the statements of a phase (or its rollback), then its checks after an apply. */
export async function run(c: mysql.Connection, plan: Plan, which: "statements" | "rollback", index: number): Promise<void> {
  const phase = plan.phases[index];
  for (const s of phase[which] ?? []) await c.query(s.sql);
  if (which === "rollback") return;
  for (const check of phase.checks) {
    const [rows] = await c.query(check.sql);
    expect(Number((rows as { ok: unknown }[])[0]?.ok), `${phase.title}: ${check.description}`).toBe(1);
  }
}

export const typeOf = async (c: mysql.Connection, table: string, column: string) =>
  ((await c.query(`SELECT DATA_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?`, [table, column]))[0] as { t: string }[])[0].t;
