/** What every recipe receives: the answers, resolved defaults, and the classes that steer the plan. */
import type { Engine, Operation } from "../answers/schema.js";
import type { DetailsOf, OperationAnswers } from "../answers/details-of.js";
import type { SchemaSnapshot } from "../schema/model.js";
import type { Capabilities, Dialect } from "../engines/index.js";

/** The seed's data-size classes: <10k synchronous, 10k-1M batched, >1M background worker. */
export type SizeClass = "small" | "medium" | "large";

/**
 * The context of operation O's recipe in dialect D. Its answers carry O's details only; shared helpers take
 * the unnarrowed context, so they can read no operation's details (the caller passes the value in).
 */
export interface RecipeContext<O extends Operation = Operation, D extends Dialect = Dialect> {
  answers: OperationAnswers<O>;
  /** The SQL dialect: MariaDB plans are written in MySQL's, and differ where `caps` says so. */
  engine: D;
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

/**
 * The details of operation O, for steps written against the unnarrowed context: the one place that narrows
 * the answers by their operation (empty when the answers are another operation's).
 */
export function detailsOf<O extends Operation>(ctx: RecipeContext, operation: O): DetailsOf<O> {
  return (ctx.answers.operation === operation ? (ctx.answers.details ?? {}) : {}) as DetailsOf<O>;
}

/** The key column batches walk by (and, without a schema, taken for the primary key): details.primary_key, else id. */
export const batchKey = (details: { primary_key?: string } | undefined): string => details?.primary_key ?? "id";

export function sizeClass(rows: number): SizeClass {
  if (rows < 10_000) return "small";
  if (rows <= 1_000_000) return "medium";
  return "large";
}
