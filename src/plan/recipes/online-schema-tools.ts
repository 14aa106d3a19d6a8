/**
 * Large MySQL-family tables with no downtime: where native online DDL would rebuild the table (replicas
 * then replay the rebuild in one piece and lag), gh-ost or pt-online-schema-change copy it in throttled
 * chunks instead. The answer `online_ddl_tool` picks the way: with gh-ost or pt-online-schema-change a
 * phase whose change is one rebuilding ALTER is run by that tool (a rehearsal, then the real run, its
 * cut-over and its rollback), after a phase that checks the tool's preconditions. Without the answer
 * (or with `native`), the plan keeps native online DDL and says how the tools would run it. Pure.
 */
import type { OnlineDdlTool } from "../../answers/schema.js";
import { PlanError } from "../errors.js";
import type { RecipeContext } from "../context.js";
import { shellArg, sqlIdent } from "../encode.js";
import type { Check, ExternalRun, Phase, Statement } from "../model.js";
import type { RecipeResult } from "../recipe.js";
import { literal } from "./statements.js";

/** `ALTER TABLE t <clause>, ALGORITHM=..., LOCK=...;` -> table and clause (what --alter takes), or null. */
export function alterClause(sql: string): { table: string; clause: string } | null {
  const m = /^ALTER TABLE (\S+) ([\s\S]+?);?\s*$/.exec(sql.trim());
  if (!m) return null;
  const clause = m[2].replace(/,\s*ALGORITHM=\w+/gi, "").replace(/,\s*LOCK=\w+/gi, "").trim();
  return clause ? { table: m[1].replace(/`/g, ""), clause } : null;
}

type Ext = Exclude<OnlineDdlTool, "native">;

/** Whether the plan's rebuilds may go to an external tool: MySQL family, large table, no downtime. */
const applies = (ctx: RecipeContext) => ctx.engine === "mysql" && ctx.size === "large" && ctx.answers.downtime_tolerance === "none";

/** gh-ost or pt-online-schema-change was chosen and will run this plan's rebuild (a large table that must stay online). */
export const onlineToolRuns = (ctx: RecipeContext): boolean => {
  const tool = ctx.answers.online_ddl_tool;
  return tool !== undefined && tool !== "native" && applies(ctx);
};

/** Database and table words for the tools: the qualified name's schema, else the MYSQL_DATABASE variable. */
function target(table: string): { db: string; table: string; bare: string; dbLiteral: string } {
  const [db, bare] = table.includes(".") ? table.split(".", 2) : [null, table];
  return { db: db === null ? '"$MYSQL_DATABASE"' : shellArg(db), table: shellArg(bare), bare, dbLiteral: db === null ? "DATABASE()" : literal(db, "mysql") };
}

const THROTTLE = { maxLagMillis: 1500, chunkSize: 1000 };

/** The commands that run `clause` on `table` with `tool`; `execute` true for the real run. */
export function toolCommand(tool: Ext, table: string, clause: string, execute: boolean): string {
  const t = target(table);
  if (tool === "gh-ost") {
    return [
      "gh-ost",
      '--host="$MYSQL_HOST"',
      '--user="$MYSQL_USER"',
      "--ask-pass",
      `--database=${t.db}`,
      `--table=${t.table}`,
      `--alter=${shellArg(clause)}`,
      `--max-lag-millis=${THROTTLE.maxLagMillis}`,
      `--chunk-size=${THROTTLE.chunkSize}`,
      "--max-load=Threads_running=25",
      "--critical-load=Threads_running=100",
      "--exact-rowcount",
      `--postpone-cut-over-flag-file=${shellArg(`/tmp/gh-ost.${t.bare}.postpone`)}`,
      "--verbose",
      ...(execute ? ["--execute"] : []),
    ].join(" ");
  }
  return [
    "pt-online-schema-change",
    `--alter ${shellArg(clause)}`,
    `--max-lag=${THROTTLE.maxLagMillis / 1000}`,
    `--chunk-size=${THROTTLE.chunkSize}`,
    "--max-load Threads_running=25",
    "--critical-load Threads_running=100",
    "--no-drop-old-table",
    "--ask-pass",
    execute ? "--execute" : "--dry-run",
    `h="$MYSQL_HOST",u="$MYSQL_USER",D=${t.db},t=${t.table}`,
  ].join(" ");
}

/** The preconditions of `tool` on `table`, as checks (each returns one row with `ok`). */
export function toolChecks(tool: Ext, table: string): Check[] {
  const t = target(table);
  const where = `TABLE_SCHEMA = ${t.dbLiteral} AND TABLE_NAME = ${literal(t.bare, "mysql")}`;
  const checks: Check[] = [
    {
      description: `${table} has a PRIMARY KEY or a UNIQUE key on NOT NULL columns (${tool} copies and applies changes by it)`,
      sql:
        `SELECT COUNT(*) > 0 AS ok FROM (SELECT INDEX_NAME FROM information_schema.STATISTICS WHERE ${where} AND NON_UNIQUE = 0 ` +
        "GROUP BY INDEX_NAME HAVING SUM(NULLABLE = 'YES') = 0) AS k;",
    },
    {
      description: "binlog_format is ROW with binlog_row_image FULL (on the server the tool reads: the replica for gh-ost)",
      sql: "SELECT @@GLOBAL.binlog_format = 'ROW' AND @@GLOBAL.binlog_row_image = 'FULL' AS ok;",
    },
  ];
  if (tool === "gh-ost") {
    checks.push({
      description: `No foreign key on ${table} or referencing it (gh-ost refuses both)`,
      sql:
        `SELECT COUNT(*) = 0 AS ok FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ${t.dbLiteral} ` +
        `AND (TABLE_NAME = ${literal(t.bare, "mysql")} OR REFERENCED_TABLE_NAME = ${literal(t.bare, "mysql")});`,
    });
  } else {
    checks.push({
      description: `No trigger on ${table} (pt-online-schema-change adds its own three)`,
      sql:
        `SELECT COUNT(*) = 0 AS ok FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ${t.dbLiteral} ` +
        `AND EVENT_OBJECT_TABLE = ${literal(t.bare, "mysql")};`,
    });
  }
  return checks;
}

/** The rebuilding ALTER a phase consists of (besides session settings), or null. */
function soleRebuild(phase: Omit<Phase, "id">): Statement | null {
  const changes = phase.statements.filter((s) => !s.setting);
  return changes.length === 1 && changes[0].rewrite && alterClause(changes[0].sql) ? changes[0] : null;
}

function externalRun(tool: Ext, alter: { table: string; clause: string }, undo: Statement[] | undefined): ExternalRun {
  const t = target(alter.table);
  const quoted = (name: string) => sqlIdent("mysql", name);
  const old = tool === "gh-ost" ? `_${t.bare}_del` : `_${t.bare}_old`;
  const reverse = undo?.filter((s) => !s.setting).length === 1 ? alterClause(undo.find((s) => !s.setting)!.sql) : null;
  return {
    tool,
    rehearse: toolCommand(tool, alter.table, alter.clause, false),
    execute: toolCommand(tool, alter.table, alter.clause, true),
    cutOver:
      tool === "gh-ost"
        ? `gh-ost copies the rows, then waits while the file /tmp/gh-ost.${t.bare}.postpone exists (it creates it): cut over at a quiet moment by deleting that file. ` +
          `The swap is an atomic RENAME under a brief lock; the old table is kept as ${old}.`
        : `pt-online-schema-change swaps the tables with one atomic RENAME TABLE as soon as the copy is done, under a brief metadata lock; --no-drop-old-table keeps the old table as ${old}.`,
    rollback:
      "Before the cut-over: stop the tool (Ctrl-C); " +
      (tool === "gh-ost"
        ? `drop what it left: DROP TABLE IF EXISTS ${quoted(`_${t.bare}_gho`)}, ${quoted(`_${t.bare}_ghc`)};`
        : "it drops its triggers and its copy itself (if it was killed, drop the triggers pt_osc_* and the table _" + t.bare + "_new by hand).") +
      ` Right after the cut-over, the kept old table can be swapped back, losing the writes made since: RENAME TABLE ${quoted(t.bare)} TO ${quoted(`_${t.bare}_failed`)}, ${quoted(old)} TO ${quoted(t.bare)};` +
      (reverse ? ` Later, undo it without losing writes by running the reverse change through the tool the same way (rehearsal first): ${toolCommand(tool, alter.table, reverse.clause, true)}` : ""),
  };
}

/**
 * The recipe's phases with each sole rebuilding ALTER run by the chosen tool, after a phase that checks
 * the tool's preconditions; the result unchanged for native online DDL or when nothing rebuilds.
 */
export function withOnlineSchemaTool(ctx: RecipeContext, result: RecipeResult): RecipeResult {
  const tool = ctx.answers.online_ddl_tool;
  if (!tool || tool === "native" || ctx.engine !== "mysql") return result;
  if (tool === "gh-ost" && ctx.product === "mariadb") {
    throw new PlanError("gh-ost does not support MariaDB: choose pt-online-schema-change or native online DDL", "online_ddl_tool");
  }
  const converted = applies(ctx) ? result.phases.map((p) => soleRebuild(p)) : [];
  const first = converted.findIndex((s) => s !== null);
  if (first === -1) {
    return { ...result, warnings: [...result.warnings, `online_ddl_tool is ${tool}, but no step of this plan rebuilds a large table that must stay online: it uses native DDL throughout.`] };
  }
  const phases: Omit<Phase, "id">[] = [];
  result.phases.forEach((phase, i) => {
    const rebuild = converted[i];
    if (!rebuild) return phases.push(phase);
    const alter = alterClause(rebuild.sql)!;
    if (i === first) {
      phases.push({
        title: `Check ${tool}'s preconditions on ${alter.table}`,
        kind: "verify",
        why: `${tool} copies ${alter.table} into a new table in throttled chunks and swaps it in at the end. It cannot run unless every check below passes; fix what fails (or answer native online DDL) before going on.`,
        statements: [],
        rollback: [],
        checks: toolChecks(tool, alter.table),
      });
    }
    phases.push({
      ...phase,
      title: `${phase.title} (with ${tool})`,
      why:
        `${phase.why} Run by ${tool} instead of \`ALTER TABLE\`: it copies the table in chunks of ${THROTTLE.chunkSize} rows and pauses while a replica lags more than ` +
        `${THROTTLE.maxLagMillis} ms, so replicas stay current. First the rehearsal, which changes nothing; then, only if it succeeded, the real run.`,
      statements: [],
      rollback: [],
      external: externalRun(tool, alter, phase.rollback),
    });
  });
  // The recipe's advice to consider gh-ost or pt-online-schema-change for this rebuild is answered: the tool runs it.
  const warnings = result.warnings.filter((w) => !/\bgh-ost\b|pt-online-schema-change/.test(w));
  return { ...result, strategy: `${result.strategy} The table rebuild runs with ${tool}, not native online DDL.`, phases, warnings };
}

/** One warning per rebuilding ALTER in the plan, for large tables that must stay writable (native online DDL). */
export function onlineSchemaToolAdvice(ctx: RecipeContext, phases: Pick<Phase, "statements">[]): string[] {
  if (!applies(ctx)) return [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const s of phases.flatMap((p) => p.statements)) {
    if (!s.rewrite) continue;
    const alter = alterClause(s.sql);
    if (!alter || seen.has(alter.clause)) continue;
    seen.add(alter.clause);
    const ghost = toolCommand("gh-ost", alter.table, alter.clause, false);
    const ptosc = toolCommand("pt-online-schema-change", alter.table, alter.clause, false);
    out.push(
      `${alter.table} is large and \`${s.sql.split("\n")[0]}\` rebuilds it: the primary stays writable, but replicas replay the rebuild in one piece and lag. ` +
        "To copy it in throttled chunks instead, answer online_ddl_tool (the wizard asks it), or run " +
        (ctx.product === "mariadb"
          ? `pt-online-schema-change (gh-ost does not support MariaDB): first \`${ptosc}\`, then the same with \`--execute\` instead of \`--dry-run\`. `
          : `gh-ost: first \`${ghost}\` (without --execute gh-ost only rehearses: a noop run), then the same with \`--execute\`; or pt-online-schema-change: \`${ptosc}\`, then \`--execute\` instead of \`--dry-run\`. `) +
        "Preconditions: a PRIMARY KEY or a NOT NULL UNIQUE key, binlog_format=ROW with binlog_row_image=FULL, enough disk for a full copy; gh-ost: no foreign keys on or to the table and no triggers on it; " +
        "pt-online-schema-change: no triggers of its own on the table (it adds three), and never for adding a unique index (its INSERT IGNORE copy drops duplicate rows). " +
        "Rollback: before the cut-over, stop the tool and drop its leftover tables (gh-ost: _<table>_gho and _<table>_ghc; pt-osc cleans up itself); " +
        "after it, the old table is kept (gh-ost: _<table>_del; pt-osc with --no-drop-old-table: _<table>_old) and renaming it back undoes the change, losing writes made since the cut-over.",
    );
  }
  return out;
}
