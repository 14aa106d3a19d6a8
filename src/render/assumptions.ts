/**
 * What the plan assumed: every value the tool chose or guessed rather than the user stating it, each
 * with how to check it. PLAN.md lists them under "Assumptions", so a newcomer who answered "Not sure"
 * (or picked a size class) sees exactly what the plan rests on. Pure: plan in, rows out.
 */
import type { PlanAnswers } from "../answers/schema.js";
import { buildPlan } from "../plan/build.js";
import { thousands } from "../plan/format.js";
import type { Plan } from "../plan/model.js";
import { literal } from "../plan/recipes/statements.js";
import { quoteTable } from "../plan/sql.js";
import type { ToolOutput } from "./types.js";

export interface Assumption {
  /** The answer or the name the plan relies on. */
  what: string;
  /** The value used, and where it came from. */
  value: string;
  /** How to check it (a place to look), and what to do if it is wrong. */
  check: string;
  /** A read-only query that shows the real value. */
  query?: string;
}

const ENGINE = { postgresql: "PostgreSQL", mysql: "MySQL", mariadb: "MariaDB" } as Record<string, string>;
/** The newest version each engine's recipes know, to say what upgrading would save. */
const NEWEST: Record<string, string> = { postgresql: "18", mysql: "8.4.3", mariadb: "11.8" };
const REGENERATE = "if it differs, correct it in answers.yaml and regenerate the plan";

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

function bareTable(table: string): string {
  return table.split(".").pop() as string;
}

function rowCountQuery(plan: Plan): string {
  const table = plan.answers.table ?? "your_table";
  return plan.engine !== "postgresql"
    ? `SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(bareTable(table))};`
    : `SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(${literal(table)});`;
}

/** One sentence on what the newest version would change in this plan, or that it would not. */
export function newerVersionSaves(plan: Plan): string {
  const newest = NEWEST[plan.engine];
  if (!newest) return "";
  let other: Plan;
  try {
    other = buildPlan({ ...(plan.answers as PlanAnswers), engine_version: newest });
  } catch {
    return "";
  }
  const rewrites = (p: Plan) => p.phases.flatMap((ph) => ph.statements).filter((s) => s.rewrite).length;
  const steps = (p: Plan) => p.phases.flatMap((ph) => ph.statements).filter((s) => !s.setting).length;
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
  const diffs: string[] = [];
  if (other.phases.length !== plan.phases.length) diffs.push(`${n(other.phases.length, "phase")} instead of ${plan.phases.length}`);
  if (steps(other) !== steps(plan)) diffs.push(`${n(steps(other), "statement")} instead of ${steps(plan)}`);
  if (rewrites(other) !== rewrites(plan)) diffs.push(`${n(rewrites(other), "table rewrite")} instead of ${rewrites(plan)}`);
  const name = `${ENGINE[plan.engine]} ${newest}`;
  if (!diffs.length) return `On ${name} this plan would be the same.`;
  return `On ${name} this plan would have ${diffs.join(", ")}: give your version to get it.`;
}

function notSure(plan: Plan, key: string): string | undefined {
  return plan.answers.assumed?.[key];
}

/** Answers the user left to the tool: "Not sure", or a size class standing for a row count. */
function answered(plan: Plan): Assumption[] {
  const a = plan.answers;
  const engine = ENGINE[plan.engine] ?? plan.engine;
  const out: Assumption[] = [];
  if (notSure(plan, "engine_version")) {
    out.push({
      what: "engine version",
      value: `${engine} ${plan.engineVersion}, the oldest supported (you were not sure). ${newerVersionSaves(plan)}`.trim(),
      query: plan.engine !== "postgresql" ? "SELECT VERSION();" : "SELECT version();",
      check: `${cap(REGENERATE)} (\`engine_version\`).`,
    });
  }
  const size = notSure(plan, "approx_rows");
  if (size && a.approx_rows !== undefined) {
    out.push({
      what: "table size",
      value: size === "size class" ? `${thousands(a.approx_rows)} rows, standing for the size class you picked` : `${thousands(a.approx_rows)} rows: planned as very large (you were not sure), the slowest but safe path`,
      query: rowCountQuery(plan),
      check: "An estimate is enough; the durations in this plan scale with it, and a much smaller table may allow a simpler plan.",
    });
  }
  if (notSure(plan, "downtime_tolerance")) {
    out.push({ what: "downtime tolerance", value: "none: the plan stays fully online (you were not sure)", check: `Ask the service's owner whether writes may pause; ${REGENERATE}.` });
  }
  if (notSure(plan, "rollback_need")) {
    out.push({ what: "rollback need", value: "full, with no data loss (you were not sure)", check: `Agree with the team what must be undoable; ${REGENERATE}.` });
  }
  if (notSure(plan, "tool")) {
    out.push({ what: "migration tool", value: "plain SQL files (you were not sure)", check: `Look for a migrations folder in your project; set \`tool\` in answers.yaml and regenerate for it.` });
  }
  return out;
}

/** Names and conventions the plan or the files take for granted. */
function guessed(plan: Plan, tool?: ToolOutput): Assumption[] {
  const a = plan.answers;
  const out: Assumption[] = [];
  // Batches and the dedup walk the primary key (details.primary_key, else `id`).
  const batched = a.operation === "add_unique_constraint" || plan.phases.some((p) => p.statements.some((s) => s.batched));
  if (!a.details?.primary_key && batched && a.table) {
    const table = a.table;
    out.push({
      what: "primary key",
      value: "a single column named `id` (batches walk it in ranges)",
      query:
        plan.engine !== "postgresql"
          ? `SHOW KEYS FROM ${quoteTable("mysql", table)} WHERE Key_name = 'PRIMARY';`
          : `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indrelid = to_regclass(${literal(table)}) AND i.indisprimary;`,
      check: `${cap(REGENERATE)} (\`details.primary_key\`).`,
    });
  }
  if (a.tool === "django") {
    out.push({ what: "Django app label", value: "`app`", check: "Move the files into your app's migrations folder and replace the label `app` with your app's label." });
  }
  const first = tool?.files.find((f) => !f.path.endsWith(".md"))?.path;
  if (first) {
    out.push({
      what: "migration file names",
      value: `numbered or stamped from this plan alone, starting with \`${first}\``,
      check: "Compare with the newest migration in your project: rename (or re-point the parent revision) so these run after it.",
    });
  }
  return out;
}

export function planAssumptions(plan: Plan, tool?: ToolOutput): Assumption[] {
  return [...answered(plan), ...guessed(plan, tool)];
}
