/**
 * The shape of a column type (`varchar(40)` is base varchar, args [40]) and the rules read from it: which
 * PostgreSQL changes are binary-coercible (no rewrite), and which MySQL VARCHAR growth InnoDB does in place.
 */
import type { Column } from "../../../answers/schema.js";
import type { Capabilities } from "../../../engines/index.js";
import type { RecipeContext } from "../../context.js";
import { mysqlCharsetOf } from "../mysql-fk.js";

export interface TypeShape {
  base: string;
  args: number[];
}

const ALIASES: Record<string, string> = {
  "character varying": "varchar",
  decimal: "numeric",
  "timestamp without time zone": "timestamp",
  "timestamp with time zone": "timestamptz",
  int: "integer",
  int4: "integer",
  int8: "bigint",
};

export function typeShape(type: string): TypeShape {
  const m = /^\s*([A-Za-z][A-Za-z0-9_ ]*?)\s*(?:\(([^)]*)\))?\s*$/.exec(type.toLowerCase());
  if (!m) return { base: type.toLowerCase().trim(), args: [] };
  const base = ALIASES[m[1].trim()] ?? m[1].trim();
  return { base, args: m[2] ? m[2].split(",").map((x) => Number(x.trim())) : [] };
}

/** Why the change needs no rewrite on PostgreSQL, or undefined when it does. */
export function pgBinaryCoercible(from: string, to: string, caps: Capabilities): string | undefined {
  const a = typeShape(from);
  const b = typeShape(to);
  if (a.base === "varchar" && b.base === "text") return "varchar to text is binary-coercible: no rewrite, no index rebuild.";
  if (a.base === "varchar" && b.base === "varchar") {
    if (b.args.length === 0) return "Removing a varchar length limit needs no rewrite.";
    if (a.args.length && b.args[0] >= a.args[0]) return "Growing a varchar limit needs no rewrite: existing values already fit.";
  }
  if (a.base === "text" && b.base === "varchar" && b.args.length === 0) return "text to varchar without a limit is binary-coercible.";
  if (a.base === "numeric" && b.base === "numeric") {
    if (b.args.length === 0) return "Removing numeric's precision limit needs no rewrite.";
    if (a.args.length && b.args[0] >= a.args[0] && (b.args[1] ?? 0) === (a.args[1] ?? 0)) {
      return "Raising numeric precision at the same scale needs no rewrite.";
    }
  }
  if (a.base === "timestamp" && b.base === "timestamptz" && caps.has("timestamptzWithoutRewrite")) {
    return "From PostgreSQL 12, timestamp to timestamptz needs no rewrite when the session TimeZone is UTC (the statement sets it).";
  }
  return undefined;
}

/**
 * MySQL: VARCHAR growth that keeps the same number of length bytes: one up to 255 bytes, two beyond, the bytes
 * being characters times the charset's maximum (utf8mb4: 4, so up to 63 characters is one byte).
 */
function mysqlInplace(from: string, to: string, bytesPerChar: number): boolean {
  const a = typeShape(from);
  const b = typeShape(to);
  if (a.base !== "varchar" || b.base !== "varchar" || !a.args.length || !b.args.length) return false;
  if (b.args[0] < a.args[0]) return false;
  return (a.args[0] * bytesPerChar <= 255) === (b.args[0] * bytesPerChar <= 255);
}

/** Whether the VARCHAR change is in place for the column's charset, and what was assumed about the charset. */
export function mysqlVarchar(ctx: RecipeContext, column: Column, from: string, to: string): { inplace: boolean; note?: string } {
  const cs = mysqlCharsetOf(ctx.snapshot, ctx.answers.table, column);
  const inplace = mysqlInplace(from, to, cs.bytes);
  if (typeShape(from).base !== "varchar" || typeShape(to).base !== "varchar") return { inplace };
  const bytes = (t: string) => (typeShape(t).args[0] ?? 0) * cs.bytes;
  const which = cs.read ? `${column.name} is ${cs.charset}` : `the charset of ${column.name} was not read: assumed utf8mb4`;
  return { inplace, note: `${which} (${cs.bytes} byte${cs.bytes > 1 ? "s" : ""} per character): ${from} holds up to ${bytes(from)} bytes, ${to} up to ${bytes(to)}; InnoDB grows a VARCHAR in place only while both stay on the same side of 255 bytes (one length byte, then two).` };
}
