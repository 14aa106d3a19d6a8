/**
 * The round trip every real tool goes through on a real PostgreSQL: apply the reversible phases
 * one by one (checks pass after each), roll them back newest first (the table is as it was), apply
 * every phase again, then try to undo the irreversible one (the tool refuses, giving the reason).
 */
import { expect } from "vitest";
import type { Plan } from "../../src/plan/model.js";
import type { ToolOutput } from "../../src/render/types.js";
import { expectChecks, ordersShape, ORIGINAL_SHAPE, type Db, type Run } from "./support.js";

export interface Driver {
  /** Run one rendered command (a phase's command or rollbackCommand) with the real tool. */
  exec(command: string, phaseId: string): Run | Promise<Run>;
  /** The tool's own command that would undo the irreversible last phase. */
  undoIrreversible: string;
  /** How the tool words its refusal, when its idiom cannot carry our reason (default: the reason). */
  refusal?: RegExp;
}

export async function roundTrip(plan: Plan, out: ToolOutput, db: Db, driver: Driver): Promise<void> {
  const withSql = plan.phases.filter((p) => out.phases[p.id] && p.statements.length);
  const reversible = withSql.filter((p) => !p.irreversible);
  const irreversible = withSql.filter((p) => p.irreversible);
  expect(reversible.length).toBeGreaterThan(0);
  expect(irreversible.length).toBeGreaterThan(0);

  const exec = async (command: string, what: string, phaseId: string) => {
    const r = await driver.exec(command, phaseId);
    expect(r.status, `${what}: ${command}\n${r.out}`).toBe(0);
  };

  for (const phase of reversible) {
    await exec(out.phases[phase.id].command, `apply ${phase.id}`, phase.id);
    await expectChecks(db, phase);
  }
  const applied = await ordersShape(db);
  expect(applied.columns).toContain("status");
  expect(applied.indexes).toContain("orders_status_idx");
  expect(applied.withStatus).toBe(2500);

  for (const phase of [...reversible].reverse()) {
    const rollback = out.phases[phase.id].rollbackCommand;
    expect(rollback, `${phase.id} has a rollback command`).toBeTruthy();
    await exec(rollback!, `roll back ${phase.id}`, phase.id);
  }
  expect(await ordersShape(db)).toEqual(ORIGINAL_SHAPE);

  for (const phase of withSql) {
    await exec(out.phases[phase.id].command, `re-apply ${phase.id}`, phase.id);
    await expectChecks(db, phase);
  }
  expect((await ordersShape(db)).columns).not.toContain("legacy_status");

  for (const phase of irreversible) expect(out.phases[phase.id].rollbackCommand).toBeUndefined();
  const refused = await driver.exec(driver.undoIrreversible, irreversible[0].id);
  expect(refused.status, `undoing the irreversible phase must fail:\n${refused.out}`).not.toBe(0);
  expect(refused.out).toMatch(driver.refusal ?? /legacy_status is gone|irreversible/i);
  expect((await ordersShape(db)).columns).not.toContain("legacy_status");
}
