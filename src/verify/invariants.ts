/**
 * Facts a plan must preserve whatever it claims, checked on the fixture beyond the plan's own checks.
 * Dedup before a unique constraint: only the extra copies go, every duplicate group keeps exactly
 * one row, and rows that had no duplicate (NULL keys included: NULLs are not duplicates) are untouched.
 */
import type { PlanAnswers } from "../answers/schema.js";
import type { Check } from "../plan/model.js";
import { quoteIdent } from "../plan/sql.js";
import { bareName } from "../plan/encode.js";
import { batchKey } from "../plan/context.js";

export interface Invariant {
  /** Run on the fixture before the plan: records what must hold afterwards. */
  before: string[];
  /** Run after the plan is applied: one row with boolean `ok`. */
  check: Check;
}

const q = (name: string) => quoteIdent("postgresql", name);

export function invariantsFor(answers: PlanAnswers): Invariant[] {
  const d = answers.details ?? {};
  const keys = (answers.columns ?? []).map((c) => c.name);
  if (answers.operation !== "add_unique_constraint" || !d.dedup || d.dedup === "none" || keys.length === 0) return [];
  const table = q(bareName(answers.table));
  const pk = q(batchKey(d));
  const anyNull = keys.map((k) => `u.${q(k)} IS NULL`).join(" OR ");
  const allSet = keys.map((k) => `${q(k)} IS NOT NULL`).join(" AND ");
  const same = keys.map((k) => `d.${q(k)} = u.${q(k)}`).join(" AND ");
  const tuple = keys.map(q).join(", ");
  return [
    {
      before: [
        `DROP TABLE IF EXISTS pg_temp.mw_verify_singles, pg_temp.mw_verify_groups`,
        `CREATE TEMP TABLE mw_verify_singles AS SELECT * FROM ${table} u WHERE ${anyNull} OR (SELECT count(*) FROM ${table} d WHERE ${same}) = 1`,
        `CREATE TEMP TABLE mw_verify_groups AS SELECT count(*) AS n FROM (SELECT DISTINCT ${tuple} FROM ${table} WHERE ${allSet}) g`,
      ],
      check: {
        description: "Dedup removed only extra copies: rows without a duplicate (and with NULL keys) untouched, one row left per duplicate group",
        sql:
          `SELECT (SELECT count(*) FROM mw_verify_singles u WHERE NOT EXISTS ` +
          `(SELECT 1 FROM ${table} t WHERE t.${pk} = u.${pk} AND row(t.*)::text = row(u.*)::text)) = 0 ` +
          `AND (SELECT count(*) FROM ${table} WHERE ${allSet}) = (SELECT n FROM mw_verify_groups) AS ok`,
      },
    },
  ];
}
