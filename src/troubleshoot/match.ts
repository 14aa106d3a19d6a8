/**
 * From a pasted error message to prefilled answers, for `troubleshoot --error TEXT`. The matching
 * itself lives in src/wizard/match.ts, where the interactive wizard uses it too (an input node with
 * `route_by_match`); this wrapper starts at the mode's entry and keeps the text as the `error` answer.
 */
import type { TreeSet } from "../trees/model.js";
import { matchText, type TextMatch } from "../wizard/match.js";

export { CAPTURE_PATHS } from "../wizard/match.js";

export type ErrorMatch = TextMatch;

export function matchError(trees: TreeSet, text: string, mode = "troubleshoot"): ErrorMatch | null {
  const entry = trees.entry[mode];
  if (!entry) return null;
  const match = matchText(trees, entry, text);
  return match && { answers: { ...match.answers, error: text }, matched: match.matched };
}
