import { describe, expect, it } from "vitest";
import { isPlainLiteral } from "../../src/plan/sql-fields.js";
import { checkSqlFields } from "../../src/plan/sql-expression.js";
import type { Answers } from "../../src/answers/schema.js";

describe("plain literals skip the parser", () => {
  it.each(["'active'", "''", "'it''s'", "'a'';DROP TABLE users;--'", "0", "-12.5", "true", "NULL"])("accepts %s", (t) => {
    expect(isPlainLiteral(t)).toBe(true);
  });

  it.each([
    "'a'; DROP TABLE users",
    "'a' || 'b'",
    "'a\\'",
    "'unclosed",
    "'line\nbreak'",
    "now()",
    "'x'::text",
    "1; SELECT 1",
    "'a' -- c",
  ])("sends %j to the parser", (t) => {
    expect(isPlainLiteral(t)).toBe(false);
  });

  it("still refuses a second statement after a literal", async () => {
    const answers = {
      engine: "postgresql",
      engine_version: "16",
      operation: "add_column",
      table: "t",
      columns: [{ name: "c", type: "text", default: "'x'; CREATE TABLE public.t()" }],
    } as unknown as Answers;
    await expect(checkSqlFields(answers)).rejects.toThrow(/columns\.0\.default/);
  });
});
