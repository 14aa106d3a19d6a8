/**
 * A trigger that keeps two columns in step while old and new application code run side by side
 * (expand/contract). PostgreSQL only; `EXECUTE FUNCTION` from 11, `EXECUTE PROCEDURE` before.
 */
import type { RecipeContext } from "../context.js";
import type { Statement } from "../model.js";
import { constraintName, quoteIdent, quoteTable } from "../sql.js";
import { bareName, stmt } from "./statements.js";
import { dollarQuoted } from "../encode.js";

export interface SyncTrigger {
  name: string;
  create: Statement[];
  drop: Statement[];
}

function build(ctx: RecipeContext, table: string, name: string, body: string): SyncTrigger {
  const t = quoteTable(ctx.engine, table);
  const schema = table.includes(".") ? `${quoteIdent(ctx.engine, table.split(".")[0])}.` : "";
  const fn = `${schema}${quoteIdent(ctx.engine, name)}`;
  const trg = quoteIdent(ctx.engine, name);
  const exec = ctx.caps.has("executeFunctionTrigger") ? "EXECUTE FUNCTION" : "EXECUTE PROCEDURE";
  return {
    name,
    create: [
      stmt(`CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS ${dollarQuoted(`\nBEGIN\n${body}\n  RETURN NEW;\nEND;\n`)};`, "none", [], {
        why: "The trigger body; creating a function locks no table.",
      }),
      stmt(`CREATE TRIGGER ${trg} BEFORE INSERT OR UPDATE ON ${t}\n  FOR EACH ROW ${exec} ${fn}();`, "SHARE ROW EXCLUSIVE", [table], {
        why: "CREATE TRIGGER blocks writes (SHARE ROW EXCLUSIVE) only for the moment it takes to register the trigger.",
      }),
    ],
    drop: [
      stmt(`DROP TRIGGER IF EXISTS ${trg} ON ${t};`, "ACCESS EXCLUSIVE", [table], { why: "Dropping a trigger takes ACCESS EXCLUSIVE briefly." }),
      stmt(`DROP FUNCTION IF EXISTS ${fn}();`, "none", []),
    ],
  };
}

/** Both directions: whichever column the writer set wins, so old code (old name) and new code (new name) can both write. */
export function renameSyncTrigger(ctx: RecipeContext, table: string, oldName: string, newName: string): SyncTrigger {
  const o = quoteIdent(ctx.engine, oldName);
  const n = quoteIdent(ctx.engine, newName);
  const body = [
    "  IF TG_OP = 'INSERT' THEN",
    `    IF NEW.${n} IS NULL THEN NEW.${n} := NEW.${o}; ELSE NEW.${o} := NEW.${n}; END IF;`,
    `  ELSIF NEW.${n} IS DISTINCT FROM OLD.${n} THEN`,
    `    NEW.${o} := NEW.${n};`,
    "  ELSE",
    `    NEW.${n} := NEW.${o};`,
    "  END IF;",
  ].join("\n");
  return build(ctx, table, constraintName(bareName(table), "sync", oldName, newName), body);
}

/** One direction: every write to `source` recomputes `target` with `expression` (written in terms of NEW.source). */
export function copySyncTrigger(ctx: RecipeContext, table: string, source: string, target: string, expression: string): SyncTrigger {
  const body = `  NEW.${quoteIdent(ctx.engine, target)} := ${expression};`;
  return build(ctx, table, constraintName(bareName(table), "sync", source, target), body);
}

/** Rewrites bare references to `column` in a user expression (`price * 100`) as `prefix.column`, leaving string literals alone. */
export function qualifyColumn(expression: string, column: string, replacement: string): string {
  return expression
    .split(/('(?:[^']|'')*')/)
    .map((part, i) =>
      i % 2 === 1 ? part : part.replace(new RegExp(`(?<![\\w."$])("${column}"|\\b${column}\\b)(?![\\w"(])`, "g"), replacement),
    )
    .join("");
}

/**
 * After a type-change swap: every write to `source` (new type) also sets `target` (the old column) to
 * `source::oldType`. A value the old type cannot hold leaves `target` NULL instead of failing the
 * application's write; a rollback then stops at its copy step with the conversion error.
 */
export function reverseSyncTrigger(ctx: RecipeContext, table: string, source: string, target: string, oldType: string): SyncTrigger {
  const s = quoteIdent(ctx.engine, source);
  const tg = quoteIdent(ctx.engine, target);
  const body = [
    "  BEGIN",
    `    NEW.${tg} := NEW.${s}::${oldType};`,
    "  EXCEPTION WHEN data_exception THEN",
    `    NEW.${tg} := NULL;`,
    "  END;",
  ].join("\n");
  return build(ctx, table, constraintName(bareName(table), "sync", source, target), body);
}
