import { describe, expect, it } from "vitest";
import { planFor, sqlOf } from "./p1-pglite.js";

const change = (version: string, extra: Record<string, unknown> = {}) =>
  planFor({ operation: "change_column_type", engine: "mysql", engine_version: version, columns: [{ name: "amount", type: "int" }], details: { new_type: "bigint" }, ...extra });
const LT = "SET SESSION lock_wait_timeout = 2;";
const rollbackOf = (plan: ReturnType<typeof change>) => plan.phases.map((p) => p.rollback?.map((s) => s.sql) ?? p.irreversible);
const locksOf = (plan: ReturnType<typeof change>, phase: number) => plan.phases[phase].statements.map((s) => [s.lock, s.rewrite]);

const FORWARD_TRIGGERS = [
  "CREATE TRIGGER accounts_sync_amount_new_ins BEFORE INSERT ON accounts FOR EACH ROW SET NEW.amount_new = NEW.amount;",
  "CREATE TRIGGER accounts_sync_amount_new_upd BEFORE UPDATE ON accounts FOR EACH ROW SET NEW.amount_new = NEW.amount;",
];
const DROP_FORWARD = ["DROP TRIGGER IF EXISTS accounts_sync_amount_new_ins;", "DROP TRIGGER IF EXISTS accounts_sync_amount_new_upd;"];
const REVERSE_TRIGGERS = [
  "CREATE TRIGGER accounts_sync_amount_old_ins BEFORE INSERT ON accounts FOR EACH ROW SET NEW.amount_old = NEW.amount;",
  "CREATE TRIGGER accounts_sync_amount_old_upd BEFORE UPDATE ON accounts FOR EACH ROW SET NEW.amount_old = NEW.amount;",
];
const DROP_REVERSE = ["DROP TRIGGER IF EXISTS accounts_sync_amount_old_ins;", "DROP TRIGGER IF EXISTS accounts_sync_amount_old_upd;"];
// Keyset batches over primary-key ranges, the whole table in one stored procedure the phase creates, calls and drops.
const BATCH = [
  "DROP PROCEDURE IF EXISTS mw_backfill_accounts;",
  expect.stringContaining("UPDATE accounts SET amount_new = amount WHERE id BETWEEN @mw_accounts_next AND @mw_accounts_end AND (NOT (amount_new <=> amount));"),
  "CALL mw_backfill_accounts();",
  "DROP PROCEDURE mw_backfill_accounts;",
];
// DROP COLUMN INSTANT refuses an indexed column: a procedure drops the column's own indexes first (or rebuilds in place).
const DROP_INSTANT = (column: string) => [
  `DROP PROCEDURE IF EXISTS mw_drop_accounts_${column};`,
  expect.stringContaining(`ALTER TABLE accounts DROP COLUMN ${column}, ALGORITHM=INSTANT;`),
  `CALL mw_drop_accounts_${column}();`,
  `DROP PROCEDURE mw_drop_accounts_${column};`,
];
const COLUMN_CHECK = (name: string, n: number) =>
  `SELECT COUNT(*) = ${n} AS ok FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'accounts' AND COLUMN_NAME = '${name}';`;
const TRIGGER_CHECK = (target: string, n: number) =>
  `SELECT COUNT(*) = ${n} AS ok FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE = 'accounts' AND TRIGGER_NAME IN ('accounts_sync_${target}_ins', 'accounts_sync_${target}_upd');`;

describe("change_column_type on MySQL: expand/contract when writes may not block", () => {
  it("8.0.36, 50M rows, no downtime: INSTANT add + triggers, PK batches, verify, one RENAME swap, drop", () => {
    const plan = change("8.0.36");
    expect(plan.phases.map((p) => p.kind)).toEqual(["expand", "backfill", "verify", "switch", "contract"]);
    expect(sqlOf(plan)).toEqual([
      [LT, "ALTER TABLE accounts ADD COLUMN amount_new bigint, ALGORITHM=INSTANT;", ...FORWARD_TRIGGERS],
      BATCH,
      [],
      [LT, "ALTER TABLE accounts RENAME COLUMN amount TO amount_old, RENAME COLUMN amount_new TO amount, ALGORITHM=INSTANT;", ...REVERSE_TRIGGERS, ...DROP_FORWARD],
      [LT, ...DROP_REVERSE, ...DROP_INSTANT("amount_old")],
    ]);
    expect(rollbackOf(plan)).toEqual([
      [LT, ...DROP_FORWARD, ...DROP_INSTANT("amount_new")],
      [],
      [],
      [LT, "ALTER TABLE accounts RENAME COLUMN amount TO amount_new, RENAME COLUMN amount_old TO amount, ALGORITHM=INSTANT;", ...FORWARD_TRIGGERS, ...DROP_REVERSE],
      expect.stringMatching(/deletes the old int values.*fix forward/),
    ]);
    expect(locksOf(plan, 0)).toEqual([["none", false], ["INSTANT", false], ["metadata lock", false], ["metadata lock", false]]);
    expect(plan.phases[1].statements.map((s) => s.lock)).toEqual(["none", "none", "ROW LOCKS", "none"]);
    expect(plan.phases[1].statements[2]).toMatchObject({ lock: "ROW LOCKS", lockedTables: ["accounts"], batched: { table: "accounts", batchSize: 1000, pauseMs: 20 } });
    expect(plan.phases[1].statements.filter((s) => s.batched)).toHaveLength(1);
    expect(plan.phases[1].why).toMatch(/one run of the file fills the whole table, under any tool/);
    expect(plan.phases[1].why).toMatch(/replica lag/);
    expect(plan.phases[1].why).toMatch(/run the phase again/);
    expect(plan.phases.map((p) => p.checks.map((c) => c.sql))).toEqual([
      [COLUMN_CHECK("amount_new", 1), TRIGGER_CHECK("amount_new", 2)],
      ["SELECT count(*) = 0 AS ok FROM accounts WHERE NOT (amount_new <=> amount);"],
      ["SELECT COUNT(*) = 0 AS ok FROM accounts WHERE NOT (amount_new <=> amount);", TRIGGER_CHECK("amount_new", 2)],
      [
        "SELECT LOWER(DATA_TYPE) = 'bigint' AS ok FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'accounts' AND COLUMN_NAME = 'amount';",
        COLUMN_CHECK("amount_old", 1),
        TRIGGER_CHECK("amount_old", 2),
      ],
      [COLUMN_CHECK("amount_old", 0), TRIGGER_CHECK("amount_old", 0)],
    ]);
    for (const phase of plan.phases) {
      expect(phase.estimate, phase.title).toBeTruthy();
      if (phase.statements.some((s) => s.lock !== "none" && s.lock !== "ROW LOCKS")) expect(phase.onLockTimeout, phase.title).toMatch(/metadata_locks/);
    }
    expect(plan.phases[1].estimate).toMatch(/50,000 batches/);
    expect(plan.phases[1].why).toMatch(/background job/);
    expect(plan.phases[2].deploy).toMatch(/indexes and constraints of amount on amount_new/);
    const warnings = plan.warnings.join("\n");
    expect(warnings).toMatch(/Indexes, unique constraints and foreign keys on amount .*ALGORITHM=INPLACE, LOCK=NONE/);
    expect(warnings).toMatch(/commits implicitly/);
    expect(warnings).toMatch(/replica lag/);
    expect(warnings).toMatch(/gh-ost or pt-online-schema-change/);
    expect(warnings).toMatch(/64 row versions/);
    expect(plan.strategy).toMatch(/50,000,000 rows/);
  });

  it("5.7: INPLACE add and drop (online rebuilds), and CHANGE COLUMN with the full definitions in the swap", () => {
    const plan = change("5.7.44");
    expect(plan.phases.map((p) => p.kind)).toEqual(["expand", "backfill", "verify", "switch", "contract"]);
    expect(sqlOf(plan)).toEqual([
      [LT, "ALTER TABLE accounts ADD COLUMN amount_new bigint, ALGORITHM=INPLACE, LOCK=NONE;", ...FORWARD_TRIGGERS],
      BATCH,
      [],
      [LT, "ALTER TABLE accounts CHANGE COLUMN amount amount_old int, CHANGE COLUMN amount_new amount bigint, ALGORITHM=INPLACE, LOCK=NONE;", ...REVERSE_TRIGGERS, ...DROP_FORWARD],
      [LT, ...DROP_REVERSE, "ALTER TABLE accounts DROP COLUMN amount_old, ALGORITHM=INPLACE, LOCK=NONE;"],
    ]);
    expect(rollbackOf(plan)[3]).toEqual([
      LT,
      "ALTER TABLE accounts CHANGE COLUMN amount amount_new bigint, CHANGE COLUMN amount_old amount int, ALGORITHM=INPLACE, LOCK=NONE;",
      ...FORWARD_TRIGGERS,
      ...DROP_REVERSE,
    ]);
    expect(locksOf(plan, 0)[1]).toEqual(["INPLACE, LOCK=NONE", true]);
    expect(locksOf(plan, 3)[1]).toEqual(["INPLACE, LOCK=NONE", false]);
    expect(locksOf(plan, 4)[3]).toEqual(["INPLACE, LOCK=NONE", true]);
    expect(plan.warnings.join("\n")).toMatch(/CHANGE COLUMN in the swap restates both definitions/);
    expect(plan.warnings.join("\n")).not.toMatch(/64 row versions/);
  });

  it("version boundaries: INSTANT add from 8.0.12, RENAME COLUMN INSTANT from 8.0.28 (INPLACE before), INSTANT drop from 8.0.29", () => {
    const at = (v: string) => sqlOf(change(v));
    expect(at("8.0.11")[0][1]).toBe("ALTER TABLE accounts ADD COLUMN amount_new bigint, ALGORITHM=INPLACE, LOCK=NONE;");
    expect(at("8.0.12")[0][1]).toBe("ALTER TABLE accounts ADD COLUMN amount_new bigint, ALGORITHM=INSTANT;");
    expect(at("8.0.27")[3][1]).toBe("ALTER TABLE accounts RENAME COLUMN amount TO amount_old, RENAME COLUMN amount_new TO amount, ALGORITHM=INPLACE, LOCK=NONE;");
    expect(at("8.0.28")[3][1]).toBe("ALTER TABLE accounts RENAME COLUMN amount TO amount_old, RENAME COLUMN amount_new TO amount, ALGORITHM=INSTANT;");
    expect(at("8.0.28")[4][3]).toBe("ALTER TABLE accounts DROP COLUMN amount_old, ALGORITHM=INPLACE, LOCK=NONE;");
    expect(at("8.0.29")[4].slice(3)).toEqual(DROP_INSTANT("amount_old"));
  });

  it("USING converts in the triggers (NEW.col), the backfill and the verification; NOT NULL and the default are kept", () => {
    const plan = change("8.0.36", {
      columns: [{ name: "qty", type: "varchar(20)", nullable: false, default: "'0'" }],
      details: { new_type: "int", using: "CAST(`qty` AS SIGNED)" },
      approx_rows: 500_000,
      downtime_tolerance: "seconds",
    });
    expect(plan.phases.map((p) => p.kind)).toEqual(["expand", "backfill", "expand", "verify", "switch", "contract"]);
    expect(sqlOf(plan)[0]).toEqual([
      "SET SESSION lock_wait_timeout = 5;", // seconds of tolerance: a 5 s lock wait
      "ALTER TABLE accounts ADD COLUMN qty_new int DEFAULT '0', ALGORITHM=INSTANT;",
      "CREATE TRIGGER accounts_sync_qty_new_ins BEFORE INSERT ON accounts FOR EACH ROW SET NEW.qty_new = (CAST(NEW.qty AS SIGNED));",
      "CREATE TRIGGER accounts_sync_qty_new_upd BEFORE UPDATE ON accounts FOR EACH ROW SET NEW.qty_new = (CAST(NEW.qty AS SIGNED));",
    ]);
    expect(sqlOf(plan)[1][1]).toContain("UPDATE accounts SET qty_new = (CAST(`qty` AS SIGNED)) WHERE id BETWEEN @mw_accounts_next AND @mw_accounts_end AND (NOT (qty_new <=> (CAST(`qty` AS SIGNED))));");
    expect(sqlOf(plan)[2]).toEqual(["SET SESSION lock_wait_timeout = 5;", "ALTER TABLE accounts MODIFY COLUMN qty_new int DEFAULT '0' NOT NULL, ALGORITHM=INPLACE, LOCK=NONE;"]);
    expect(plan.phases[3].checks[0].sql).toBe("SELECT COUNT(*) = 0 AS ok FROM accounts WHERE NOT (qty_new <=> (CAST(`qty` AS SIGNED)));");
    expect(sqlOf(plan)[4][1]).toBe("ALTER TABLE accounts RENAME COLUMN qty TO qty_old, RENAME COLUMN qty_new TO qty, ALGORITHM=INSTANT;");
    expect(plan.phases[1].statements[2].batched).toEqual({ table: "accounts", batchSize: 1000, pauseMs: 10 });
    // 5.7 restates the full definitions, nullability and default included, so the swap stays metadata-only.
    const old = change("5.7.44", { columns: [{ name: "qty", type: "varchar(20)", nullable: false, default: "'0'" }], details: { new_type: "int" } });
    expect(sqlOf(old)[4][1]).toBe(
      "ALTER TABLE accounts CHANGE COLUMN qty qty_old varchar(20) NOT NULL DEFAULT '0', CHANGE COLUMN qty_new qty int NOT NULL DEFAULT '0', ALGORITHM=INPLACE, LOCK=NONE;",
    );
  });
});

describe("change_column_type on MySQL: one step when it may", () => {
  it("8.0.36, 5,000 rows, minutes of tolerance: still the single COPY step", () => {
    const plan = change("8.0.36", { approx_rows: 5000, downtime_tolerance: "minutes" });
    expect(plan.phases.map((p) => p.kind)).toEqual(["switch"]);
    expect(sqlOf(plan)).toEqual([["SET SESSION lock_wait_timeout = 5;", "ALTER TABLE accounts MODIFY COLUMN amount bigint NULL, ALGORITHM=COPY, LOCK=SHARED;"]]);
    expect(plan.phases[0].statements[1]).toMatchObject({ lock: "COPY, LOCK=SHARED", rewrite: true });
    expect(plan.phases[0].rollback?.map((s) => s.sql)).toEqual([
      "SET SESSION lock_wait_timeout = 5;",
      "ALTER TABLE accounts MODIFY COLUMN amount int NULL, ALGORITHM=COPY, LOCK=SHARED;",
    ]);
  });

  it("size and tolerance decide: medium + seconds and large + minutes get expand/contract, medium + minutes the COPY", () => {
    const kinds = (rows: number, tolerance: string) => change("8.0.36", { approx_rows: rows, downtime_tolerance: tolerance }).phases.map((p) => p.kind);
    expect(kinds(500_000, "minutes")).toEqual(["switch"]);
    expect(kinds(500_000, "seconds")).toEqual(["expand", "backfill", "verify", "switch", "contract"]);
    expect(kinds(50_000_000, "minutes")).toEqual(["expand", "backfill", "verify", "switch", "contract"]);
    expect(kinds(5000, "seconds")).toEqual(["switch"]);
  });

  it("VARCHAR growth within one length byte stays one in-place step, even at 50M rows with no downtime", () => {
    const plan = change("8.0.36", { columns: [{ name: "name", type: "varchar(20)" }], details: { new_type: "varchar(63)" } });
    expect(sqlOf(plan)).toEqual([[LT, "ALTER TABLE accounts MODIFY COLUMN name varchar(63) NULL, ALGORITHM=INPLACE, LOCK=NONE;"]]);
    expect(plan.phases[0].statements[1]).toMatchObject({ lock: "INPLACE, LOCK=NONE", rewrite: false });
    expect(plan.phases[0].checks.map((c) => c.sql)).toEqual([
      "SELECT LOWER(REPLACE(COLUMN_TYPE, ' ', '')) = 'varchar(63)' AS ok FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'accounts' AND COLUMN_NAME = 'name';",
    ]);
  });
});
