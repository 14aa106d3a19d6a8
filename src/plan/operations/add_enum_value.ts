/**
 * add_enum_value. `ALTER TYPE ... ADD VALUE` rewrites nothing and locks no table, but: before PostgreSQL 12
 * it cannot run inside a transaction block; from 12 it can, yet the new value cannot be used until that
 * transaction commits. A value can never be removed. Its own migration, then deploy the code that writes it.
 */
import type { OperationRecipes, RecipeResult } from "../recipe.js";
import type { RecipeContext } from "../context.js";
import { PlanError } from "../errors.js";
import { quoteIdent } from "../sql.js";
import { literal, stmt } from "../recipes/statements.js";

export const addEnumValue: OperationRecipes<"add_enum_value"> = {
  postgresql: (ctx) => pgPlan(ctx),
  mysql: () => {
    throw new PlanError(
      "MySQL has no enum types: an ENUM's values are part of each column's definition. Adding a value is a MODIFY COLUMN that " +
        "restates the full list (instant in 8.0 when appended at the end and the storage size stays the same); plan it as change_column_type",
      "operation",
    );
  },
};

function pgPlan(ctx: RecipeContext<"add_enum_value", "postgresql">): RecipeResult {
  const d = ctx.answers.details ?? {};
  if (!d.enum_type) throw new PlanError("add_enum_value needs the enum type", "details.enum_type");
  if (!d.enum_value) throw new PlanError("add_enum_value needs the value to add", "details.enum_value");
  if (d.before && d.after) throw new PlanError("give either before or after, not both", "details.before");
  const inTx = ctx.caps.has("enumAddValueInTransaction");
  const place = d.before ? ` BEFORE ${literal(d.before)}` : d.after ? ` AFTER ${literal(d.after)}` : "";
  const type = quoteIdent("postgresql", d.enum_type);
  const where = d.before ? `before '${d.before}'` : d.after ? `after '${d.after}'` : "at the end of the sort order";
  return {
    summary: `Add value '${d.enum_value}' to enum ${d.enum_type} (${where})`,
    strategy:
      "One phase in its own migration: adding an enum value is a catalog change with no table rewrite and no table lock. " +
      "The application writes the value only after the migration has committed.",
    phases: [
      {
        title: `Add '${d.enum_value}' to ${d.enum_type}`,
        kind: "expand",
        why:
          (inTx
            ? `From PostgreSQL 12 ADD VALUE may run inside a transaction block, but the new value cannot be used until that transaction commits, so nothing in the same migration may insert or compare with it. `
            : `Before PostgreSQL 12, ALTER TYPE ... ADD VALUE cannot run inside a transaction block: this migration must run outside one (the tool's non-transactional switch). `) +
          "IF NOT EXISTS makes a re-run harmless. BEFORE/AFTER set where the value sorts (enums compare by declaration order, not alphabetically). " +
          "It takes a lock on the type only, not on any table, and rewrites nothing.",
        statements: [
          stmt(`ALTER TYPE ${type} ADD VALUE IF NOT EXISTS ${literal(d.enum_value)}${place};`, "none", [], {
            transaction: inTx,
            why: inTx ? "Allowed in a transaction from PostgreSQL 12; usable after commit." : "Not allowed in a transaction block before PostgreSQL 12.",
          }),
        ],
        irreversible:
          "PostgreSQL cannot remove a value from an enum. Undoing means a new type without it, converting every column that uses the " +
          "type (a table rewrite under ACCESS EXCLUSIVE), and dropping the old type: fix forward instead (stop writing the value).",
        deploy:
          `Deploy code that reads '${d.enum_value}' correctly before any code writes it (readers first, then writers), and only after this migration has committed.`,
        checks: [
          {
            description: `'${d.enum_value}' is a value of ${d.enum_type}`,
            sql: `SELECT EXISTS (SELECT 1 FROM pg_enum WHERE enumtypid = to_regtype(${literal(type)}) AND enumlabel = ${literal(d.enum_value)}) AS ok;`,
          },
        ],
        estimate: "Milliseconds: one catalog row. No table is read or locked.",
      },
    ],
    warnings: [`Enum values cannot be removed in PostgreSQL: adding '${d.enum_value}' to ${d.enum_type} is permanent.`],
  };
}
