/**
 * Copy-and-swap, for a change PostgreSQL can only make under a long ACCESS EXCLUSIVE lock: an empty copy of
 * the table gets the change, a trigger mirrors every write into it, a batched copy fills it, two renames
 * swap it in (with a reverse trigger for rollback), and the old table is dropped later. This file: the names
 * every step shares and the mirror triggers.
 */
import type { RecipeContext } from "../../context.js";
import type { Check, Statement } from "../../model.js";
import { dollarBody } from "../../encode.js";
import { constraintName, quoteIdent, quoteTable } from "../../sql.js";
import { bareName, literal, regclass, stmt } from "../statements.js";

/** The names and quoted pieces every copy-and-swap step shares. */
export interface CopySwap {
  table: string;
  /** The table's schema with its dot ("billing."), or "" for an unqualified table. */
  schema: string;
  base: string;
  pkName: string;
  pk: string;
  names: { fresh: string; old: string; sync: string; back: string; cursor: string };
  /** The live table, the copy and the old table after the swap, quoted. */
  t: string;
  fresh: string;
  old: string;
  /** The constraint's name, quoted. */
  n: string;
  q: (n: string) => string;
  ident: (n: string) => string;
  execute: string;
}

/** `tag` names the copy (`<table>_<tag>_new`) and its triggers; `name` is the constraint the copy gets. */
export function copySwapNames(ctx: RecipeContext, tag: string, pkName: string, name: string): CopySwap {
  const table = ctx.answers.table;
  const schema = table.includes(".") ? table.slice(0, table.lastIndexOf(".") + 1) : "";
  const base = bareName(table);
  const names = {
    fresh: constraintName(base, `${tag}_new`),
    old: constraintName(base, `${tag}_old`),
    sync: constraintName(base, `${tag}_sync`),
    back: constraintName(base, `${tag}_back`),
    cursor: constraintName("mw_copy", base, "cursor"),
  };
  const q = (n: string) => quoteTable("postgresql", schema + n);
  const ident = (n: string) => quoteIdent("postgresql", n);
  return {
    table,
    schema,
    base,
    pkName,
    pk: quoteIdent("postgresql", pkName),
    names,
    t: quoteTable("postgresql", table),
    fresh: q(names.fresh),
    old: q(names.old),
    n: ident(name),
    q,
    ident,
    execute: ctx.caps.has("executeFunctionTrigger") ? "EXECUTE FUNCTION" : "EXECUTE PROCEDURE",
  };
}

export function mirrorFunction(k: CopySwap, fn: string, target: string): Statement {
  return stmt(
    dollarBody([
      `CREATE OR REPLACE FUNCTION ${k.q(fn)}() RETURNS trigger LANGUAGE plpgsql AS $$`,
      "BEGIN",
      "  IF TG_OP IN ('UPDATE', 'DELETE') THEN",
      `    DELETE FROM ${target} WHERE ${k.pk} = OLD.${k.pk};`,
      "  END IF;",
      "  IF TG_OP IN ('INSERT', 'UPDATE') THEN",
      `    INSERT INTO ${target} OVERRIDING SYSTEM VALUE VALUES (NEW.*);`,
      "  END IF;",
      "  RETURN NULL;",
      "END $$;",
    ].join("\n")),
    "none",
    [],
    { why: `Mirrors every insert, update and delete into ${target}, in the same transaction as the write.` },
  );
}

export const mirrorTrigger = (k: CopySwap, fn: string, on: string, onTable: string): Statement =>
  stmt(`CREATE TRIGGER ${k.ident(fn)} AFTER INSERT OR UPDATE OR DELETE ON ${on} FOR EACH ROW ${k.execute} ${k.q(fn)}();`, "SHARE ROW EXCLUSIVE", [onTable]);

export const dropTrigger = (k: CopySwap, fn: string, on: string, onTable: string): Statement =>
  stmt(`DROP TRIGGER IF EXISTS ${k.ident(fn)} ON ${on};`, "ACCESS EXCLUSIVE", [onTable]);

export const lockBoth = (a: string, b: string, tables: string[]): Statement =>
  stmt(`LOCK TABLE ${a}, ${b} IN ACCESS EXCLUSIVE MODE;`, "ACCESS EXCLUSIVE", tables, {
    why: "Take both locks up front, in a fixed order, so the renames cannot deadlock with the triggers.",
  });

export const renameTable = (k: CopySwap, from: string, to: string, tableNow: string): Statement =>
  stmt(`ALTER TABLE ${from} RENAME TO ${k.ident(to)};`, "ACCESS EXCLUSIVE", [tableNow]);

export const triggerCheck = (fn: string, onTable: string): Check => ({
  description: `Trigger ${fn} is on ${onTable}`,
  sql: `SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = ${regclass("postgresql", onTable)} AND tgname = ${literal(fn)}) AS ok;`,
});
