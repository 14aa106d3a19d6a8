/** Evaluates a tree `when` condition against the answers given so far. */
import type { Answers } from "../answers/schema.js";
import { getPath } from "../answers/path.js";
import { compareVersions } from "../engines/types.js";
import type { Condition, ConditionValue, Scalar } from "../trees/model.js";

export function evaluate(cond: Condition, answers: Answers): boolean {
  if ("all" in cond && Array.isArray(cond.all)) return (cond.all as Condition[]).every((c) => evaluate(c, answers));
  if ("any" in cond && Array.isArray(cond.any)) return (cond.any as Condition[]).some((c) => evaluate(c, answers));
  if ("not" in cond && isObject(cond.not)) return !evaluate(cond.not as Condition, answers);
  return Object.entries(cond as Record<string, ConditionValue>).every(([path, test]) =>
    matches(getPath(answers, path), test),
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** One key's test. A missing answer fails every test except `exists: false`. */
function matches(actual: unknown, test: ConditionValue): boolean {
  if (!isObject(test)) return actual !== undefined && actual === test;
  if ("exists" in test) return (actual !== undefined) === test.exists;
  if (actual === undefined) return false;
  if ("in" in test) return test.in.includes(actual as Scalar);
  if ("not_in" in test) return !test.not_in.includes(actual as Scalar);
  if ("lt" in test) return typeof actual === "number" && actual < test.lt;
  if ("gte" in test) return typeof actual === "number" && actual >= test.gte;
  if ("version_lt" in test) return isVersion(actual) && compareVersions(String(actual), test.version_lt) < 0;
  if ("version_gte" in test) return isVersion(actual) && compareVersions(String(actual), test.version_gte) >= 0;
  return false;
}

function isVersion(v: unknown): boolean {
  return (typeof v === "string" || typeof v === "number") && /^\d+(\.\d+)*$/.test(String(v));
}
