/**
 * The operation registry and the details each operation reads: what the types promise (checked by tsc,
 * which runs over test/), and what the tables hold at run time.
 */
import { describe, expect, it } from "vitest";
import { detailsSchema, OPERATIONS } from "../../src/answers/schema.js";
import { DETAILS_OF, unusedDetailsNote } from "../../src/answers/details-of.js";
import type { RecipeContext } from "../../src/plan/context.js";
import { RECIPES } from "../../src/plan/operations/index.js";
import { PlanError } from "../../src/plan/build.js";

describe("the operation registry", () => {
  it("has a recipe for every operation in every dialect", () => {
    for (const op of OPERATIONS) {
      expect(typeof RECIPES[op].postgresql, op).toBe("function");
      expect(typeof RECIPES[op].mysql, op).toBe("function");
    }
  });

  it("the operations MySQL cannot plan say so in their MySQL entry", () => {
    for (const op of ["add_enum_value", "add_exclusion_constraint"] as const) {
      const recipe = RECIPES[op].mysql as () => unknown;
      expect(() => recipe(), op).toThrow(PlanError);
    }
  });

  it("a recipe's answers carry its own details only (a compile error otherwise)", () => {
    const indexName = (ctx: RecipeContext<"add_index">) => ctx.answers.details?.index_name;
    // @ts-expect-error details.check belongs to add_check_constraint, not add_index
    const check = (ctx: RecipeContext<"add_index">) => ctx.answers.details?.check;
    // @ts-expect-error a helper typed for any operation can read no operation's details
    const primaryKey = (ctx: RecipeContext) => ctx.answers.details?.primary_key;
    expect([indexName, check, primaryKey].every((f) => typeof f === "function")).toBe(true);
  });
});

describe("DETAILS_OF", () => {
  const fields = Object.keys(detailsSchema.def.shape);

  it("names only fields of the details contract, and every field is read by some operation", () => {
    const read = new Set(Object.values(DETAILS_OF).flat());
    for (const f of read) expect(fields, f).toContain(f);
    expect([...read].sort()).toEqual([...fields].sort());
  });

  it("the note names the fields the operation does not read, and nothing when all are read", () => {
    expect(unusedDetailsNote({ engine: "postgresql", engine_version: "16", operation: "add_index", details: { index_name: "i", check: "x > 0" } } as never)).toBe(
      "details.check is not used by add_index (the plan ignores it)",
    );
    expect(unusedDetailsNote({ engine: "postgresql", engine_version: "16", operation: "add_index", details: { set: "a = 1", using: "a" } } as never)).toBe(
      "details.set, details.using are not used by add_index (the plan ignores them)",
    );
    expect(unusedDetailsNote({ engine: "postgresql", engine_version: "16", operation: "add_index", details: { index_name: "i", unique: true } } as never)).toBeUndefined();
    expect(unusedDetailsNote({ engine: "postgresql", engine_version: "16", mode: "troubleshoot" } as never)).toBeUndefined();
  });
});
