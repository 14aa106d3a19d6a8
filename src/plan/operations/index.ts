/** The registry: one line per operation recipe. */
import type { Operation } from "../../answers/schema.js";
import type { RecipeContext } from "../context.js";
import type { Phase } from "../model.js";

export interface RecipeResult {
  summary: string;
  strategy: string;
  /** Phases in order; ids are assigned by the builder. */
  phases: Omit<Phase, "id">[];
  warnings: string[];
}

export type Recipe = (ctx: RecipeContext) => RecipeResult;

export const RECIPES: Partial<Record<Operation, Recipe>> = {};
