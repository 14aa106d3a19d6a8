/**
 * Large MySQL-family tables with no downtime: where native online DDL would rebuild the table (replicas
 * then replay the rebuild in one piece and lag), gh-ost or pt-online-schema-change copy it in throttled
 * chunks instead. Pure: reads the plan's statements, returns the advice with the exact commands.
 */
import type { RecipeContext } from "../context.js";
import type { Phase } from "../model.js";

/** `ALTER TABLE t <clause>, ALGORITHM=..., LOCK=...;` -> table and clause (what --alter takes), or null. */
export function alterClause(sql: string): { table: string; clause: string } | null {
  const m = /^ALTER TABLE ((?:`[^`]+`|[A-Za-z0-9_$.]+)) ([\s\S]+?);?\s*$/.exec(sql.trim());
  if (!m) return null;
  const clause = m[2].replace(/,\s*ALGORITHM=\w+/gi, "").replace(/,\s*LOCK=\w+/gi, "").trim();
  return clause ? { table: m[1].replace(/`/g, ""), clause } : null;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** One warning per rebuilding ALTER in the plan, for large tables that must stay writable. */
export function onlineSchemaToolAdvice(ctx: RecipeContext, phases: Pick<Phase, "statements">[]): string[] {
  if (ctx.engine !== "mysql" || ctx.size !== "large" || ctx.answers.downtime_tolerance !== "none") return [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const s of phases.flatMap((p) => p.statements)) {
    if (!s.rewrite) continue;
    const alter = alterClause(s.sql);
    if (!alter || seen.has(alter.clause)) continue;
    seen.add(alter.clause);
    const [db, table] = alter.table.includes(".") ? alter.table.split(".") : ["<database>", alter.table];
    const ghost =
      `gh-ost --host=<primary> --database=${db} --table=${table} --alter=${shellQuote(alter.clause)} ` +
      "--max-lag-millis=1500 --chunk-size=1000 --max-load=Threads_running=25 --critical-load=Threads_running=100 --exact-rowcount --verbose";
    const ptosc = `pt-online-schema-change --alter ${shellQuote(alter.clause)} D=${db},t=${table} --max-lag=1 --chunk-size=1000 --critical-load Threads_running=100`;
    out.push(
      `${alter.table} is large and \`${s.sql.split("\n")[0]}\` rebuilds it: the primary stays writable, but replicas replay the rebuild in one piece and lag. ` +
        "To copy it in throttled chunks instead, use " +
        (ctx.product === "mariadb"
          ? `pt-online-schema-change (gh-ost does not support MariaDB): first \`${ptosc} --dry-run\`, then the same with \`--execute\`. `
          : `gh-ost: first \`${ghost}\` (without --execute gh-ost only rehearses: a noop run), then the same with \`--execute\`; or pt-online-schema-change: \`${ptosc} --dry-run\`, then \`--execute\`. `) +
        "Preconditions: a PRIMARY KEY or a NOT NULL UNIQUE key, binlog_format=ROW with binlog_row_image=FULL, enough disk for a full copy; gh-ost: no foreign keys on or to the table and no triggers on it; " +
        "pt-online-schema-change: no triggers of its own on the table (it adds three), and never for adding a unique index (its INSERT IGNORE copy drops duplicate rows). " +
        "Rollback: before the cut-over, stop the tool and drop its leftover tables (gh-ost: _<table>_gho and _<table>_ghc; pt-osc cleans up itself); " +
        "after it, the old table is kept (gh-ost: _<table>_del; pt-osc with --no-drop-old-table: _<table>_old) and renaming it back undoes the change, losing writes made since the cut-over.",
    );
  }
  return out;
}
