/** References to a column in SQL text, and the names of the copies a column swap makes of its objects. */
import { constraintName } from "../../sql.js";

/** `text` with whole-word references to `from` (bare, quoted or table-qualified) replaced by `to`, string literals untouched. */
export function renameRefs(text: string, from: string, to: string): string {
  const word = new RegExp(`(?<![\\w$])("${from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"|${from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")})(?![\\w$"(])`, "g");
  return text
    .split(/('(?:[^']|'')*')/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(word, to)))
    .join("");
}

/** The name of a copy of `name` for `newColumn`: the column replaced in it, or `_new` appended; through the plan's name book. */
export const derived = (name: string, column: string, newColumn: string) => (name.includes(column) ? constraintName(name.replace(column, newColumn)) : constraintName(name, "new"));

/** Whether `text` names `column` (bare, quoted or qualified), outside string literals. */
export const mentions = (text: string, column: string) => renameRefs(text, column, "\u0000") !== text;
