/** What every recipe receives: the answers, resolved defaults, and the classes that steer the plan. */
import type { Engine, PlanAnswers } from "../answers/schema.js";
import type { SchemaSnapshot } from "../schema/model.js";
import type { Capabilities, Dialect } from "../engines/index.js";

/** The seed's data-size classes: <10k synchronous, 10k-1M batched, >1M background worker. */
export type SizeClass = "small" | "medium" | "large";

export interface RecipeContext {
  answers: PlanAnswers;
  /** The SQL dialect: MariaDB plans are written in MySQL's, and differ where `caps` says so. */
  engine: Dialect;
  /** The product the answers named (postgresql, mysql, mariadb). */
  product: Engine;
  version: string;
  /** What this engine and version can do; recipes ask these instead of comparing versions. */
  caps: Capabilities;
  size: SizeClass;
  /** Short lock timeout (ms) put before every statement that takes a strong lock. */
  lockTimeoutMs: number;
  /** The user's schema as read (--database-url, --schema), when given: recipes use it to be complete. */
  snapshot?: SchemaSnapshot;
}

export function sizeClass(rows: number): SizeClass {
  if (rows < 10_000) return "small";
  if (rows <= 1_000_000) return "medium";
  return "large";
}
