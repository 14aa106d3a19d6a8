/** What an operation's recipe is: the plan's context in, its phases and explanations out. */
import type { Operation } from "../answers/schema.js";
import type { Dialect } from "../engines/index.js";
import type { RecipeContext } from "./context.js";
import type { Phase } from "./model.js";

export interface RecipeResult {
  summary: string;
  strategy: string;
  /** Phases in order; ids are assigned by the builder. */
  phases: Omit<Phase, "id">[];
  warnings: string[];
}

/** Operation O's recipe in dialect D. */
export type Recipe<O extends Operation = Operation, D extends Dialect = Dialect> = (ctx: RecipeContext<O, D>) => RecipeResult;

/**
 * An operation's recipes, one per SQL dialect: a dialect added to src/engines is a compile error in every
 * operation without its entry. A dialect the operation cannot be planned in has an entry that says why.
 */
export type OperationRecipes<O extends Operation> = { readonly [D in Dialect]: Recipe<O, D> };
