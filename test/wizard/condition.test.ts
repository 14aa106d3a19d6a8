import { describe, expect, it } from "vitest";
import type { Answers } from "../../src/answers/schema.js";
import { evaluate } from "../../src/wizard/condition.js";

const answers = {
  engine: "postgresql",
  engine_version: "14.10",
  operation: "add_column",
  approx_rows: 50_000,
  columns: [{ name: "status", default: "'active'" }],
  details: { new_type: "bigint" },
} as unknown as Answers;

describe("evaluate", () => {
  it("compares plain values, including nested paths", () => {
    expect(evaluate({ engine: "postgresql" }, answers)).toBe(true);
    expect(evaluate({ engine: "mysql" }, answers)).toBe(false);
    expect(evaluate({ "details.new_type": "bigint" }, answers)).toBe(true);
    expect(evaluate({ "columns.0.default": "'active'" }, answers)).toBe(true);
    expect(evaluate({ engine: "postgresql", operation: "add_index" }, answers)).toBe(false);
  });

  it("handles in and not_in", () => {
    expect(evaluate({ operation: { in: ["add_column", "drop_column"] } }, answers)).toBe(true);
    expect(evaluate({ operation: { in: ["drop_column"] } }, answers)).toBe(false);
    expect(evaluate({ operation: { not_in: ["create_table"] } }, answers)).toBe(true);
    expect(evaluate({ operation: { not_in: ["add_column"] } }, answers)).toBe(false);
  });

  it("handles lt and gte on numbers", () => {
    expect(evaluate({ approx_rows: { lt: 100_000 } }, answers)).toBe(true);
    expect(evaluate({ approx_rows: { lt: 50_000 } }, answers)).toBe(false);
    expect(evaluate({ approx_rows: { gte: 50_000 } }, answers)).toBe(true);
    expect(evaluate({ engine: { gte: 1 } }, answers)).toBe(false);
  });

  it("compares versions numerically, not as text", () => {
    expect(evaluate({ engine_version: { version_gte: "14.4" } }, answers)).toBe(true);
    expect(evaluate({ engine_version: { version_lt: "14.4" } }, answers)).toBe(false);
    expect(evaluate({ engine_version: { version_lt: "15" } }, answers)).toBe(true);
    expect(evaluate({ engine_version: { version_gte: "11" } }, { engine_version: "9.6" } as Answers)).toBe(false);
    expect(evaluate({ engine_version: { version_lt: "11" } }, { engine_version: "9.6" } as Answers)).toBe(true);
  });

  it("treats a missing key as false, except exists: false", () => {
    const empty = {} as Answers;
    expect(evaluate({ table: "orders" }, empty)).toBe(false);
    expect(evaluate({ table: { in: ["orders"] } }, empty)).toBe(false);
    expect(evaluate({ table: { not_in: ["orders"] } }, empty)).toBe(false);
    expect(evaluate({ approx_rows: { lt: 10 } }, empty)).toBe(false);
    expect(evaluate({ engine_version: { version_lt: "11" } }, empty)).toBe(false);
    expect(evaluate({ table: { exists: true } }, empty)).toBe(false);
    expect(evaluate({ table: { exists: false } }, empty)).toBe(true);
    expect(evaluate({ engine: { exists: true } }, answers)).toBe(true);
    expect(evaluate({ engine: { exists: false } }, answers)).toBe(false);
  });

  it("combines with all, any and not", () => {
    expect(evaluate({ all: [{ engine: "postgresql" }, { approx_rows: { gte: 10_000 } }] }, answers)).toBe(true);
    expect(evaluate({ all: [{ engine: "postgresql" }, { approx_rows: { gte: 1_000_000 } }] }, answers)).toBe(false);
    expect(evaluate({ any: [{ engine: "mysql" }, { operation: "add_column" }] }, answers)).toBe(true);
    expect(evaluate({ any: [{ engine: "mysql" }, { operation: "add_index" }] }, answers)).toBe(false);
    expect(evaluate({ not: { engine: "mysql" } }, answers)).toBe(true);
    expect(evaluate({ not: { any: [{ engine: "postgresql" }] } }, answers)).toBe(false);
  });
});
