/**
 * The fast path of the command line: `[plan] [options]` with only plan's own options, parsed with
 * node:util so the commonest scripted run does not load commander. It must accept exactly what
 * program.ts's `plan` accepts and give the same options (test/cli/plan-args.test.ts compares them).
 */
import { parseArgs } from "node:util";
import type { PlanOptions } from "./plan-command.js";

/**
 * `plan`'s options: the one table both parsers read. node:util reads type, short and default;
 * program.ts builds commander's `plan` options (flags and help) from the same entries.
 */
export const PLAN_OPTIONS = {
  answers: { type: "string", short: "a", arg: "file", help: "answers file (YAML); with every key present no question is asked" },
  out: { type: "string", short: "o", arg: "dir", help: "folder to write into (default: the --project folder, else migration-plan; with --json, nothing is written unless --out is given)" },
  project: { type: "string", arg: "dir", help: "existing project to chain onto (default: the working directory when it is one)" },
  json: { type: "boolean", help: "print the plan as JSON on stdout; writes files only with --out" },
  "dry-run": { type: "boolean", help: "print what would be written; write nothing" },
  force: { type: "boolean", short: "f", help: "allow overwriting files in --out" },
  trees: { type: "string", arg: "dir", help: "your own decision trees, merged over the shipped ones" },
  "database-url": { type: "string", arg: "url", help: "read the schema from this database, postgresql://, mysql:// or mariadb:// (read-only: catalogs and estimates), to fill in and complete the plan" },
  schema: { type: "string", arg: "file", help: "read the schema from a pg_dump --schema-only file instead of a database (a mysqldump is refused: use --database-url)" },
  probe: { type: "boolean", help: "with --database-url: also run bounded data probes (NULLs, duplicates, orphans, key headroom) for the change" },
} as const;

/** Commander's flags for an entry: `-a, --answers <file>`. */
export function commanderFlags(name: string, o: { short?: string; arg?: string; help: string }): string {
  return `${o.short ? `-${o.short}, ` : ""}--${name}${o.arg ? ` <${o.arg}>` : ""}`;
}

/**
 * The options of `[plan] [options]` when every argument is one of plan's options with a proper value;
 * undefined for anything else, which commander then handles (and explains) as it always has.
 */
export function plainPlanOptions(args: string[]): PlanOptions | undefined {
  if (args[0] === "plan") args = args.slice(1);
  let values;
  try {
    ({ values } = parseArgs({ args, options: PLAN_OPTIONS, strict: true, allowPositionals: false }));
  } catch {
    return undefined;
  }
  const { "dry-run": dryRun, "database-url": databaseUrl, ...rest } = values;
  return { ...rest, ...(dryRun === undefined ? {} : { dryRun }), ...(databaseUrl === undefined ? {} : { databaseUrl }) };
}
