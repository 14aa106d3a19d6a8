/** Naming, clock, quoting and template helpers shared by the tool renderers. */
import { Eta } from "eta";
import { commentText, dollarQuoted, raiseMessage } from "../../plan/encode.js";
import type { Phase, Plan, Statement } from "../../plan/model.js";
import type { RenderContext } from "../types.js";
import type { Engine } from "../../answers/schema.js";
import { isMysqlFamily } from "../../engines/index.js";
import { mysqlRefuse } from "../../plan/recipes/mysql-ddl.js";

// Templates are code and SQL. `<%= x %>` is for header and comment text: it passes commentText, so it is
// one line that cannot end a comment or become a tool directive. `<%~ x %>` is for code and SQL already
// encoded by the renderer. Control lines end in `-%>`, which drops their newline.
// scripts/build.mjs compiles the templates with these same options for the bundle.
const eta = new Eta({ autoEscape: true, escapeFunction: commentText, autoTrim: false, useWith: false });

/** What a `templates/*.eta?raw` import is in the bundle: scripts/build.mjs compiles each template to this. */
type CompiledTemplate = (this: unknown, it: object, options: object) => string;

// What a compiled template reads from `this`: the escape function for `<%= %>` (the filter function is
// unused: autoFilter is off) and `render` for include/layout, which our templates do not use.
const precompiledThis = {
  config: { escapeFunction: commentText },
  render() {
    throw new Error("includes and layouts are not supported in templates");
  },
};

/** `template` is the template's text (from source) or the function the bundle compiled it to. */
export function renderTemplate(template: string | CompiledTemplate, data: object): string {
  const text = typeof template === "function" ? template.call(precompiledThis, data, {}) : eta.renderString(template, data);
  return text.replace(/\n{4,}/g, "\n\n\n");
}

/** `YYYYMMDDHHMMSS` in UTC, `offsetSeconds` after ctx.now, so files of later phases sort later. */
export function timestamp(now: Date, offsetSeconds: number): string {
  const d = new Date(now.getTime() + offsetSeconds * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** `add_index_01_expand`: the change's slug plus the phase, snake_case. */
export function phaseSlug(ctx: RenderContext, phase: Phase, part?: number): string {
  const base = `${snake(ctx.slug)}_${snake(phase.id)}`;
  return part === undefined ? base : `${base}_${part}`;
}

export const snake = (s: string) =>
  s
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase() || "change";

/** Rails/ActiveSupport camelize: `add_index_01_expand` -> `AddIndex01Expand`. */
export const camelize = (s: string) =>
  s
    .split("_")
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");

/** A short stable hex id from text (Alembic-style revision ids without randomness). */
export function stableId(text: string, length = 12): string {
  // FNV-1a, twice with different seeds, is plenty for distinct ids within one plan.
  const fnv = (seed: number) => {
    let h = seed >>> 0;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(16).padStart(8, "0");
  };
  return (fnv(0x811c9dc5) + fnv(0x050c5d1f)).slice(0, length);
}

/** The lock each statement takes, for a header comment: `ACCESS EXCLUSIVE on orders`. */
/** What every migration file's header shows: its phase, the plan's summary, and the locks its statements take. */
export function fileHeader(plan: Plan, phase: Phase, statements: Statement[]) {
  return { phase, summary: plan.summary, locks: lockSummary(statements) };
}

export function lockSummary(statements: Statement[]): string[] {
  return statements
    .filter((s) => !s.setting)
    .map((s) => {
      const tables = s.lockedTables?.length ? ` on ${s.lockedTables.join(", ")}` : "";
      const extra = [s.rewrite ? "rewrites the table" : "", s.scan ? "scans the table" : ""].filter(Boolean).join(", ");
      return `${s.lock}${tables}${extra ? ` (${extra})` : ""}`;
    });
}


/**
 * A statement that always fails with the reason: the SQL idiom for "this cannot be undone". PostgreSQL: a
 * DO block that raises; MySQL and MariaDB: SIGNAL SQLSTATE '45000' (ERROR 1644 with the text).
 */
export function raiseIrreversibleSql(reason: string, engine: Engine = "postgresql"): string {
  if (isMysqlFamily(engine)) return mysqlRefuse(`irreversible: ${reason}`);
  return `DO ${dollarQuoted(` BEGIN RAISE EXCEPTION ${raiseMessage(`irreversible: ${reason}`)}; END `)};`;
}

