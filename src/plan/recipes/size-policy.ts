/** How table size and downtime tolerance steer a plan: when a blocking shortcut is acceptable, how to batch. */
import type { RecipeContext } from "../context.js";

/**
 * Whether the table may be held under a write-blocking lock for a full scan or rewrite. Under 10k rows
 * that takes milliseconds; up to 1M rows it takes seconds to tens of seconds, acceptable only with
 * `minutes` of tolerance; with `none` nothing may block.
 */
export function mayBlockForScan(ctx: RecipeContext): boolean {
  const tolerance = ctx.answers.downtime_tolerance;
  if (tolerance === "minutes") return ctx.size !== "large";
  if (tolerance === "seconds") return ctx.size === "small";
  return false;
}

/**
 * Whether running code may break for the moment between a DDL and the matching deploy (a rename done
 * in one step). Only with `minutes` of tolerance: the app errors until the new code is live.
 */
export function mayBreakBriefly(ctx: RecipeContext): boolean {
  return ctx.answers.downtime_tolerance === "minutes";
}

export interface BatchSettings {
  batchSize: number;
  pauseMs: number;
  /** Over 1M rows: run it as a background job with progress and retries, not inside a deploy. */
  backgroundJob: boolean;
}

export function batchSettings(ctx: RecipeContext): BatchSettings {
  return {
    batchSize: 1000,
    pauseMs: ctx.answers.downtime_tolerance === "none" ? 20 : 10,
    backgroundJob: ctx.size === "large",
  };
}
