/** Caveats every MySQL online-DDL plan carries: replica lag, implicit commits, external tools' traps. */
import type { RecipeContext } from "../context.js";

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
