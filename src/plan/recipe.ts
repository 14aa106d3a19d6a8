/** What an operation's recipe is: the plan's context in, its phases and explanations out. */
import type { RecipeContext } from "./context.js";
import type { Phase } from "./model.js";

export interface RecipeResult {
  summary: string;
  strategy: string;
  /** Phases in order; ids are assigned by the builder. */
  phases: Omit<Phase, "id">[];
  warnings: string[];
}

export type Recipe = (ctx: RecipeContext) => RecipeResult;
