/** The names both engines' column swaps share, derived once (through the plan's name book) and quoted. */
import type { Column } from "../../../answers/schema.js";
import type { RecipeContext } from "../../context.js";
import { deriveName } from "../../names.js";
import { quoteIdent, quoteTable } from "../../sql.js";

/** The names both engines' column swaps use: the table, the column, its new and old siblings, each quoted. */
export interface SwapNames {
  column: Column;
  from: string;
  to: string;
  table: string;
  t: string;
  c: string;
  newName: string;
  oldName: string;
  n: string;
  o: string;
}

export function swapNames(ctx: RecipeContext, column: Column, from: string, to: string): SwapNames {
  const table = ctx.answers.table;
  const newName = deriveName(column.name, "new");
  const oldName = deriveName(column.name, "old");
  const q = (name: string) => quoteIdent(ctx.engine, name);
  return { column, from, to, table, t: quoteTable(ctx.engine, table), c: q(column.name), newName, oldName, n: q(newName), o: q(oldName) };
}
