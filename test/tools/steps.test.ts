/** Cutting a phase into files: modes, settings carried along, and downs that replay in order. */
import { describe, expect, it } from "vitest";
import type { Phase, Statement } from "../../src/plan/model.js";
import { effect } from "../../src/plan/effects.js";
import { isBlock, isolateNonTransactional, pairSteps, phaseSteps, segments } from "../../src/render/tools/steps.js";

const set: Statement = { sql: "SET lock_timeout = '200ms';", transaction: true, lock: "none", rewrite: false, setting: true, effects: [effect.setting("lock_timeout")] };
const tx = (sql: string): Statement => ({ sql, transaction: true, lock: "ACCESS EXCLUSIVE", rewrite: false });
const noTx = (sql: string): Statement => ({ sql, transaction: false, lock: "SHARE UPDATE EXCLUSIVE", rewrite: false });
const sqls = (seg: { statements: Statement[] } | null) => seg?.statements.map((s) => s.sql) ?? null;

describe("segments", () => {
  it("groups by mode and repeats the settings in force at the head of each later segment", () => {
    const segs = segments([set, tx("ALTER A;"), tx("ALTER B;"), noTx("CREATE INDEX CONCURRENTLY i;"), tx("ALTER C;")]);
    expect(segs.map((s) => s.transaction)).toEqual([true, false, true]);
    expect(sqls(segs[0])).toEqual([set.sql, "ALTER A;", "ALTER B;"]);
    expect(sqls(segs[1])).toEqual([set.sql, "CREATE INDEX CONCURRENTLY i;"]);
    expect(sqls(segs[2])).toEqual([set.sql, "ALTER C;"]);
  });

  it("a new value of a setting replaces the carried one instead of repeating both", () => {
    const longer: Statement = { ...set, sql: "SET lock_timeout = '5s';" };
    const segs = segments([set, tx("ALTER A;"), longer, noTx("CREATE INDEX CONCURRENTLY i;")]);
    expect(sqls(segs[1])).toEqual(["SET lock_timeout = '5s';", "CREATE INDEX CONCURRENTLY i;"]);
  });

  it("knows a setting by its effect, not its text: without one, a new value does not replace the carried one", () => {
    const { effects: _, ...bare } = set;
    const longer: Statement = { ...bare, sql: "SET lock_timeout = '5s';" };
    const segs = segments([set, tx("ALTER A;"), longer, noTx("CREATE INDEX CONCURRENTLY i;")]);
    expect(sqls(segs[1])).toEqual([set.sql, "SET lock_timeout = '5s';", "CREATE INDEX CONCURRENTLY i;"]);
  });

  it("isolating puts each non-transactional statement alone and reports the settings it dropped", () => {
    const { segments: segs, droppedSettings } = isolateNonTransactional(
      segments([set, tx("ALTER A;"), noTx("CREATE INDEX CONCURRENTLY i;"), noTx("CREATE INDEX CONCURRENTLY j;")]),
    );
    expect(segs.map(sqls)).toEqual([[set.sql, "ALTER A;"], ["CREATE INDEX CONCURRENTLY i;"], ["CREATE INDEX CONCURRENTLY j;"]]);
    expect(droppedSettings.map((s) => s.sql)).toEqual([set.sql]);
  });
});

describe("pairSteps", () => {
  it("gives each file the down that undoes it, so running downs last file first replays the rollback in order", () => {
    const up = segments([tx("ADD COLUMN c;"), noTx("CREATE INDEX CONCURRENTLY i;")]);
    const down = segments([noTx("DROP INDEX CONCURRENTLY i;"), tx("DROP COLUMN c;")]);
    const steps = pairSteps(up, down);
    expect(steps.map((s) => [s.transaction, sqls(s.up), sqls(s.down)])).toEqual([
      [true, ["ADD COLUMN c;"], ["DROP COLUMN c;"]],
      [false, ["CREATE INDEX CONCURRENTLY i;"], ["DROP INDEX CONCURRENTLY i;"]],
    ]);
    const replay = [...steps].reverse().flatMap((s) => sqls(s.down) ?? []);
    expect(replay).toEqual(["DROP INDEX CONCURRENTLY i;", "DROP COLUMN c;"]);
  });

  it("splits a file whose up and down need different modes, keeping both orders", () => {
    const steps = pairSteps(segments([noTx("DO $$ ... COMMIT; ... $$;")]), segments([tx("UPDATE t SET c = NULL;")]));
    expect(steps.map((s) => [s.transaction, sqls(s.up), sqls(s.down)])).toEqual([
      [false, ["DO $$ ... COMMIT; ... $$;"], null],
      [true, null, ["UPDATE t SET c = NULL;"]],
    ]);
  });

  it("an irreversible phase has no down statements at all", () => {
    const phase: Phase = {
      id: "05-contract",
      title: "drop",
      kind: "contract",
      why: "",
      statements: [set, tx("ALTER TABLE t DROP COLUMN c;")],
      irreversible: "data gone",
      checks: [],
    };
    const { steps } = phaseSteps(phase);
    expect(steps).toHaveLength(1);
    expect(steps[0].down).toBeNull();
  });
});

describe("isBlock", () => {
  it("spots statements a semicolon splitter would cut", () => {
    expect(isBlock("DO $$ BEGIN PERFORM 1; END $$;")).toBe(true);
    expect(isBlock("CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1 $body$ LANGUAGE sql;")).toBe(true);
    expect(isBlock("ALTER TABLE t ADD COLUMN c text;")).toBe(false);
  });
});
