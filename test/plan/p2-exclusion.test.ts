import { afterEach, describe, expect, it } from "vitest";
import type { PlanAnswers } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import type { SqlSession } from "../../src/verify/session.js";
import { answers, openDb, provePlan, runChecks, runStatements, sqlOf } from "./p2-harness.js";

const BODY = "USING gist (room_id WITH =, tsrange(starts_at, ends_at) WITH &&) WHERE (NOT cancelled)";
const excl = (over: Partial<PlanAnswers> = {}) => answers({ operation: "add_exclusion_constraint", table: "bookings", details: { exclusion: BODY }, ...over });

let db: SqlSession | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

const setup = (idColumn: string) => `CREATE TABLE bookings (id ${idColumn}, room_id int NOT NULL, starts_at timestamp NOT NULL, ends_at timestamp NOT NULL, cancelled boolean NOT NULL DEFAULT false);
  INSERT INTO bookings (room_id, starts_at, ends_at, cancelled) SELECT g % 4, timestamp '2026-01-01' + g * interval '1 day', timestamp '2026-01-01' + g * interval '1 day' + interval '2 hours', false FROM generate_series(1, 40) g;
  INSERT INTO bookings (room_id, starts_at, ends_at, cancelled) VALUES (1, '2026-01-02', '2026-01-02 01:00', true);`;

describe("add_exclusion_constraint plans", () => {
  it("says there is no online path; small table with tolerance gets a window with btree_gist", () => {
    const plan = buildPlan(excl({ approx_rows: 5000, downtime_tolerance: "minutes" }));
    expect(plan.warnings[0]).toMatch(/no online way/);
    expect(plan.phases.map((p) => p.kind)).toEqual(["verify", "expand"]);
    expect(sqlOf(plan.phases[1].statements)).toEqual([
      "CREATE EXTENSION IF NOT EXISTS btree_gist;",
      "SET lock_timeout = '500ms';",
      `ALTER TABLE bookings ADD CONSTRAINT bookings_excl EXCLUDE ${BODY};`,
    ]);
    expect(plan.phases[0].checks[0].sql).toBe(
      "SELECT NOT EXISTS (SELECT 1 FROM (SELECT ctid AS row_id, room_id AS e1, tsrange(starts_at, ends_at) AS e2 FROM bookings WHERE NOT cancelled) a " +
        "JOIN (SELECT ctid AS row_id, room_id AS e1, tsrange(starts_at, ends_at) AS e2 FROM bookings WHERE NOT cancelled) b ON a.row_id < b.row_id AND a.e1 = b.e1 AND a.e2 && b.e2) AS ok;",
    );
  });

  it("large or no downtime: copy-and-swap in five phases; PG 10 uses EXECUTE PROCEDURE and a cursor table", () => {
    const plan = buildPlan(excl());
    expect(plan.phases.map((p) => p.kind)).toEqual(["verify", "expand", "backfill", "switch", "contract"]);
    expect(plan.phases[2].statements[0]).toMatchObject({ transaction: false, batched: { table: "bookings", batchSize: 1000 } });
    expect(plan.phases[2].statements[0].sql).not.toMatch(/UPDATE .* LIMIT/);
    expect(plan.phases[4].irreversible).toMatch(/bookings_excl_old/);
    const pg10 = buildPlan(excl({ engine_version: "10" }));
    expect(pg10.phases[1].statements.some((s) => s.sql.endsWith("EXECUTE PROCEDURE bookings_excl_sync();"))).toBe(true);
    expect(sqlOf(pg10.phases[2].statements)[0]).toBe("CREATE TABLE IF NOT EXISTS mw_copy_bookings_cursor AS SELECT min(id) AS next_key FROM bookings;");
    expect(pg10.phases[2].statements.every((s) => s.transaction)).toBe(true);
  });

  it("errors: MySQL, missing or malformed body; no btree_gist without = on gist", () => {
    expect(() => buildPlan(excl({ engine: "mysql", engine_version: "8.0.36" }))).toThrow(/no exclusion constraints/);
    expect(() => buildPlan(excl({ details: {} }))).toThrow(/EXCLUDE body/);
    expect(() => buildPlan(excl({ details: { exclusion: "gist room WITH =" } }))).toThrow(/must look like/);
    const noEq = buildPlan(excl({ approx_rows: 10, downtime_tolerance: "minutes", details: { exclusion: "USING gist (during WITH &&)" } }));
    expect(sqlOf(noEq.phases[1].statements)).not.toContain("CREATE EXTENSION IF NOT EXISTS btree_gist;");
  });
});

describe("add_exclusion_constraint proven on embedded PostgreSQL", () => {
  it("window plan: applies, rejects an overlap, rolls back, applies again", async () => {
    db = await openDb(setup("bigserial PRIMARY KEY"));
    expect(await provePlan(db, buildPlan(excl({ approx_rows: 41, downtime_tolerance: "minutes" })))).toBe(0);
    await expect(db.query("INSERT INTO bookings (room_id, starts_at, ends_at) VALUES (1, '2026-01-02 00:30', '2026-01-02 01:30')")).rejects.toThrow(/bookings_excl/);
  });

  it.each([
    ["16.2", "bigserial PRIMARY KEY"],
    ["16.2", "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY"],
    ["10", "bigserial PRIMARY KEY"],
  ])(
    "copy-and-swap (PostgreSQL %s plan, key %s): writes during every phase survive, rollback of swap/copy/expand, then to the end",
    async (version, idColumn) => {
      db = await openDb(setup(idColumn));
      const plan = buildPlan(excl({ engine_version: version }));
      const [gate, expand, copy, swap, contract] = plan.phases;
      const write = async (n: number) => {
        await db!.query(`INSERT INTO bookings (room_id, starts_at, ends_at) VALUES (${100 + n}, '2027-01-01', '2027-01-02')`);
        await db!.query(`UPDATE bookings SET cancelled = NOT cancelled WHERE id = ${n}`);
        await db!.query(`DELETE FROM bookings WHERE id = ${n + 1}`);
      };
      const apply = async (phase: typeof gate, prove: boolean) => {
        await runStatements(db!, phase.statements, prove);
        await runChecks(db!, phase);
      };
      await apply(gate, true);
      await apply(expand, true);
      await write(2);
      await apply(copy, true);
      await write(4);
      await apply(swap, true);
      await write(6);
      const liveAfterSwap = await db.query("SELECT array_agg(id ORDER BY id)::text AS ids FROM bookings");
      // Roll back the swap: the old table comes back with the writes made after the swap.
      await runStatements(db, swap.rollback!, true);
      expect(await db.query("SELECT array_agg(id ORDER BY id)::text AS ids FROM bookings")).toEqual(liveAfterSwap);
      await runStatements(db, copy.rollback!, true);
      await runStatements(db, expand.rollback!, true);
      expect((await db.query("SELECT to_regclass('bookings_excl_new') IS NULL AS gone"))[0].gone).toBe(true);
      for (const phase of [expand, copy, swap]) await apply(phase, false);
      await write(8);
      await apply(contract, true);
      expect((await db.query("SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = 'bookings'::regclass AND contype = 'x'"))[0].n).toBe(1);
      // New rows get fresh keys from the (moved or re-owned) sequence, and overlaps are refused.
      await db.query("INSERT INTO bookings (room_id, starts_at, ends_at) VALUES (200, '2028-01-01', '2028-01-02')");
      await expect(db.query("INSERT INTO bookings (room_id, starts_at, ends_at) VALUES (200, '2028-01-01 12:00', '2028-01-03')")).rejects.toThrow(/bookings_excl/);
    },
  );
});
