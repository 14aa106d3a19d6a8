/**
 * PostgreSQL, with a schema snapshot: what binds a column itself rather than its name, moved in the swap's
 * transaction right after the column renames so it binds the column now holding the name: the owned sequence,
 * an identity, triggers naming the column, views reading it (and the views built on those), column-level grants.
 * What cannot be moved is refused in one line rather than left behind.
 */
import type { RecipeContext } from "../../context.js";
import { dollarQuoted } from "../../encode.js";
import { PlanError } from "../../errors.js";
import type { Statement } from "../../model.js";
import { quoteIdent, quoteTable } from "../../sql.js";
import type { SchemaSnapshot, TableInfo, ViewInfo } from "../../../schema/model.js";
import { moveSequence } from "../bigint-key/swap.js";
import { literal, regclass, stmt } from "../statements.js";
import { mentions } from "./refs.js";
import { typeShape } from "./type-shape.js";

export interface Rebind {
  swap: Statement[];
  swapBack: Statement[];
  rebuilt: string[];
}

/** The swap's columns: `column` is the name the application uses, `to` and `from` the new and old types. */
export interface RebindNames {
  tableName: string;
  column: string;
  newColumn: string;
  oldColumn: string;
  from: string;
  to: string;
}

const IDENTITY_TYPES = new Set(["smallint", "integer", "bigint"]);

/** Views reading the column, then every view that reads one of those, in creation order. */
function viewChain(snapshot: SchemaSnapshot, table: TableInfo, column: string): ViewInfo[] {
  const chain = snapshot.views.filter((v) => table.dependentViews.includes(`${v.schema}.${v.name}`) && !v.materialized && mentions(v.definition, column));
  for (let i = 0; i < chain.length; i++) {
    for (const w of snapshot.views.filter((x) => !chain.includes(x) && mentions(x.definition, chain[i].name))) {
      if (w.materialized) throw new PlanError(`materialized view ${w.schema}.${w.name} reads ${chain[i].name}, which the swap must re-create: drop it before this change and create it again after`, "columns");
      chain.push(w);
    }
  }
  return chain;
}

function viewStatements(ctx: RecipeContext, chain: ViewInfo[], column: string): Statement[] {
  const name = (v: ViewInfo) => quoteTable(ctx.engine, `${v.schema}.${v.name}`);
  return [
    ...[...chain].reverse().map((v) => stmt(`DROP VIEW ${name(v)};`, "ACCESS EXCLUSIVE", [v.name])),
    ...chain.map((v) =>
      stmt(`CREATE VIEW ${name(v)} AS\n${v.definition.trim()}`, "ACCESS EXCLUSIVE", [v.name], { why: `A view binds the columns it reads: re-created, it reads the column now named ${column} (give its grants again).` }),
    ),
  ];
}

/** Column-level grants on the old column, read when the swap runs, given again on the column now named `column`. */
function grantsAgain(ctx: RecipeContext, k: RebindNames): Statement {
  const t = quoteTable(ctx.engine, k.tableName);
  const body =
    "\nDECLARE g record;\nBEGIN\n" +
    `  FOR g IN SELECT a.privilege_type, a.grantee, a.is_grantable FROM pg_attribute, aclexplode(attacl) a WHERE attrelid = ${regclass(ctx.engine, k.tableName)} AND attname = ${literal(k.oldColumn)} LOOP\n` +
    `    EXECUTE format('GRANT %s (%I) ON TABLE %s TO %s%s', g.privilege_type, ${literal(k.column)}, ${literal(t)}, ` +
    "CASE g.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END, CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);\n" +
    "  END LOOP;\nEND;\n";
  return stmt(`DO ${dollarQuoted(body)};`, "ACCESS EXCLUSIVE", [k.tableName], {
    why: `Privileges granted on ${k.column} itself (GRANT ... (${k.column})) stay with the old column: each is given again on the new one.`,
  });
}

export function pgRebind(ctx: RecipeContext, snapshot: SchemaSnapshot, table: TableInfo, k: RebindNames): Rebind {
  const q = (s: string) => quoteIdent(ctx.engine, s);
  const t = quoteTable(ctx.engine, k.tableName);
  const col = table.columns.find((c) => c.name === k.column);
  const swap: Statement[] = [];
  const swapBack: Statement[] = [];
  const both = (...s: Statement[]) => (swap.push(...s), swapBack.push(...s));
  if (col?.identity) {
    if (!IDENTITY_TYPES.has(typeShape(k.to).base)) throw new PlanError(`${k.tableName}.${k.column} is an identity column, and ${k.to} cannot be one: drop the identity first`, "details.new_type");
    // Before the swap drops NOT NULL from the old column, which PostgreSQL refuses on an identity column.
    swap.push(...moveSequence(ctx, { tableName: k.tableName, column: col }, k.oldColumn, k.column, k.to));
    swapBack.push(...moveSequence(ctx, { tableName: k.tableName, column: col }, k.newColumn, k.column, k.from));
  } else if (col?.sequence) {
    both(stmt(`ALTER SEQUENCE ${quoteTable(ctx.engine, col.sequence)} OWNED BY ${t}.${q(k.column)};`, "none", [k.tableName], { why: "The sequence belongs to the column now named so; dropping the old column later must not drop it." }));
  }
  const triggers = table.triggers.filter((x) => mentions(x.definition.replace(/EXECUTE (FUNCTION|PROCEDURE) [\s\S]*$/, ""), k.column));
  for (const x of triggers) {
    both(
      stmt(`DROP TRIGGER ${q(x.name)} ON ${t};`, "SHARE ROW EXCLUSIVE", [k.tableName]),
      stmt(`${x.definition};`, "SHARE ROW EXCLUSIVE", [k.tableName], { why: `${x.name} names ${k.column} (UPDATE OF or WHEN), which binds the column itself: re-created, it binds the column now named ${k.column}.` }),
    );
  }
  const views = viewChain(snapshot, table, k.column);
  both(...viewStatements(ctx, views, k.column));
  swap.push(grantsAgain(ctx, k));
  return {
    swap,
    swapBack,
    rebuilt: [
      ...(col?.identity ? [`identity (${col.sequence})`] : col?.sequence ? [`ownership of ${col.sequence}`] : []),
      ...triggers.map((x) => `trigger ${x.name}`),
      ...views.map((v) => `view ${v.name}`),
    ],
  };
}
