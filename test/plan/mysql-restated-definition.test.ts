/** MySQL's MODIFY / CHANGE COLUMN restate the whole column: nothing the user gave may be dropped or changed. */
import { describe, expect, it } from "vitest";
import type { PlanAnswers } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";

const base = { mode: "plan", engine: "mysql", table: "users", approx_rows: 5000, downtime_tolerance: "none", rollback_need: "phase-level", tool: "raw-sql" } as const;
const sql = (answers: object) => buildPlan({ ...base, ...answers } as PlanAnswers).phases.flatMap((p) => [...p.statements, ...(p.rollback ?? [])].map((s) => s.sql));

describe("MySQL restates the column's type, nullability, default and character set", () => {
  it("set_not_null keeps the default and the character set in both directions", () => {
    const all = sql({ engine_version: "8.0.36", operation: "set_not_null", columns: [{ name: "nick", type: "varchar(40)", default: "'anon'", charset: "latin1" }] }).join("\n");
    expect(all).toContain("MODIFY COLUMN nick varchar(40) CHARACTER SET latin1 NOT NULL DEFAULT 'anon', ALGORITHM=INPLACE, LOCK=NONE;");
    expect(all).toContain("MODIFY COLUMN nick varchar(40) CHARACTER SET latin1 NULL DEFAULT 'anon', ALGORITHM=INPLACE, LOCK=NONE;");
  });

  it("a 5.7 rename restates the whole definition; the character set only on a text type", () => {
    const all = sql({ engine_version: "5.7", operation: "rename_column", downtime_tolerance: "minutes", columns: [{ name: "email", type: "varchar(255)", nullable: false, default: "''", charset: "utf8mb4" }], details: { new_name: "email_address" } }).join("\n");
    expect(all).toContain("CHANGE COLUMN email email_address varchar(255) CHARACTER SET utf8mb4 NOT NULL DEFAULT '', ALGORITHM=INPLACE, LOCK=NONE;");
    const ints = sql({ engine_version: "5.7", operation: "rename_column", downtime_tolerance: "minutes", columns: [{ name: "n", type: "int", charset: "utf8mb4" }], details: { new_name: "m" } }).join("\n");
    expect(ints).toContain("CHANGE COLUMN n m int NULL, ALGORITHM=INPLACE, LOCK=NONE;");
  });
});
