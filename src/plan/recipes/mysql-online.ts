/** Caveats every MySQL online-DDL plan carries: replica lag, implicit commits, external tools' traps. */
import type { RecipeContext } from "../context.js";
import { bareName, sqlLiteral } from "../encode.js";
import type { RecipeResult } from "../recipe.js";

export function mysqlOnlineDdlWarnings(ctx: RecipeContext, opts: { addsUniqueIndex?: boolean } = {}): string[] {
  const warnings = [
    "MySQL DDL commits implicitly: a migration file with several statements that fails halfway leaves the earlier ones applied. Keep one DDL statement per migration step.",
  ];
  if (ctx.size !== "small") {
    warnings.push(
      "Online DDL does not block writes on the primary, but replicas apply the ALTER in one piece after it finishes there: expect replica lag about as long as the build. " +
        "For large tables consider gh-ost (needs no foreign keys and no triggers on the table) or pt-online-schema-change.",
    );
  }
  if (opts.addsUniqueIndex) {
    warnings.push(
      "Do not add a unique index with pt-online-schema-change: its INSERT IGNORE copy silently drops rows that collide on the new key. Remove duplicates first, on purpose.",
    );
  }
  return warnings;
}

/**
 * MySQL 8.0.29+ allows at most 64 instant row versions per table: a plan that uses ALGORITHM=INSTANT
 * (in a change or a rollback) says so, with the column to watch, unless a recipe already said it.
 */
export function instantRowVersionNote(ctx: RecipeContext, result: RecipeResult): string[] {
  if (!ctx.caps.has("instantRowVersionLimit")) return [];
  const statements = result.phases.flatMap((p) => [...p.statements, ...(p.rollback ?? [])]);
  if (!statements.some((s) => /\bALGORITHM=INSTANT\b/i.test(s.sql))) return [];
  const said = [...result.warnings, ...result.phases.map((p) => p.why)].some((t) => /TOTAL_ROW_VERSIONS|\b64 (instant )?row versions/.test(t));
  if (said) return [];
  return [
    "ALGORITHM=INSTANT adds a row version to the table each time; MySQL 8.0.29+ allows at most 64 (INFORMATION_SCHEMA.INNODB_TABLES.TOTAL_ROW_VERSIONS), " +
      "then refuses INSTANT until the table is rebuilt (OPTIMIZE TABLE or ALTER TABLE ... FORCE). Check the count before the phase: " +
      `SELECT TOTAL_ROW_VERSIONS FROM INFORMATION_SCHEMA.INNODB_TABLES WHERE NAME = CONCAT(DATABASE(), '/', ${sqlLiteral("mysql", bareName(ctx.answers.table))});`,
  ];
}
