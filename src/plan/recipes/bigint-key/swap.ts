/**
 * The swap of the integer-key conversion: one short transaction that makes the bigint columns the real ones
 * (primary key USING INDEX, sequence or identity and default moved, foreign keys and index names taken over,
 * views re-created), its mirror for rolling back, and the contract that drops the old columns.
 */
import type { RecipeContext } from "../../context.js";
import type { Statement } from "../../model.js";
import { quoteTable } from "../../sql.js";
import { stmt } from "../statements.js";
import { effect } from "../../effects.js";
import { dollarQuoted } from "../../encode.js";
import type { BigintKeyMembers, ConvertedColumn } from "./members.js";
import { all, copyName, inLockOrder, q, syncTriggerOf } from "./prepare.js";

const AE = "ACCESS EXCLUSIVE";

/** Moves the key's sequence (serial) or identity from column `from` to column `to` (names at that moment). */
export function moveSequence(ctx: RecipeContext, m: Pick<ConvertedColumn, "tableName" | "column">, from: string, to: string, toType: string): Statement[] {
  const t = quoteTable(ctx.engine, m.tableName);
  const seq = m.column.sequence;
  const out: Statement[] = [];
  if (m.column.identity && seq) {
    const kind = m.column.identity === "always" ? "ALWAYS" : "BY DEFAULT";
    const qs = quoteTable(ctx.engine, seq);
    const body =
      `DECLARE next_value bigint;\nBEGIN\n  SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END INTO next_value FROM ${qs};\n` +
      `  ALTER TABLE ${t} ALTER COLUMN ${q(ctx, from)} DROP IDENTITY;\n` +
      `  EXECUTE 'ALTER TABLE ${t.replace(/'/g, "''")} ALTER COLUMN ${q(ctx, to).replace(/'/g, "''")} ADD GENERATED ${kind} AS IDENTITY (SEQUENCE NAME ${qs.replace(/'/g, "''")} START WITH ' || next_value || ')';\nEND;`;
    // Names may hold "$$": the quote tag is one the body does not contain.
    out.push(
      stmt(
        `DO ${dollarQuoted(`\n${body}\n`)};`,
        AE,
        [m.tableName],
        { why: `An identity cannot be moved: it is dropped from ${from} and re-created on ${to} (as ${toType}) starting at the next unused value, under the same sequence name.` },
      ),
    );
    return out;
  }
  if (m.column.default !== null) {
    out.push(
      stmt(`ALTER TABLE ${t} ALTER COLUMN ${q(ctx, from)} DROP DEFAULT;`, AE, [m.tableName], { why: "Only one column may draw from the sequence." }),
      stmt(`ALTER TABLE ${t} ALTER COLUMN ${q(ctx, to)} SET DEFAULT ${m.column.default};`, AE, [m.tableName]),
    );
  }
  if (seq) {
    out.push(stmt(`ALTER SEQUENCE ${quoteTable(ctx.engine, seq)} OWNED BY ${t}.${q(ctx, to)};`, AE, [seq], { why: "Dropping the old column later must not drop the sequence with it." }));
    if (toType === "bigint") out.push(stmt(`ALTER SEQUENCE ${quoteTable(ctx.engine, seq)} AS bigint;`, AE, [seq], { why: "Raises the sequence's limit from the integer maximum to the bigint maximum." }));
  }
  return out;
}

const renameIndex = (ctx: RecipeContext, m: ConvertedColumn, from: string, to: string) =>
  stmt(`ALTER INDEX ${m.table.schema === "public" ? "" : `${q(ctx, m.table.schema)}.`}${q(ctx, from)} RENAME TO ${q(ctx, to)};`, "SHARE UPDATE EXCLUSIVE", [m.tableName]);
const oldIndexName = (name: string) => `${name.slice(0, 59)}_old`;

function viewsAgain(ctx: RecipeContext, mm: BigintKeyMembers): Statement[] {
  return mm.views.flatMap((v) => [
    stmt(`DROP VIEW ${quoteTable(ctx.engine, v.name)};`, AE, [v.name]),
    stmt(`CREATE VIEW ${quoteTable(ctx.engine, v.name)} AS\n${v.definition.trim()}`, AE, [v.name], { why: "Re-created so the view reads the columns now in place (a view binds to columns, not names)." }),
  ]);
}

/** LOCK children first, then the parent: the order in which writers take them (child row, then the parent key check). */
function lockAll(ctx: RecipeContext, mm: BigintKeyMembers): Statement {
  const tables = [...mm.children.map((c) => c.tableName), mm.parent.tableName].filter((t, i, a) => a.indexOf(t) === i);
  return stmt(`LOCK TABLE ${tables.map((t) => quoteTable(ctx.engine, t)).join(", ")} IN ACCESS EXCLUSIVE MODE;`, AE, tables, {
    why: "Takes every lock the swap needs up front, in the order writers take them, so it waits (up to the lock timeout) once instead of deadlocking halfway.",
  });
}

export function swapStatements(ctx: RecipeContext, mm: BigintKeyMembers): Statement[] {
  const p = mm.parent;
  const pt = quoteTable(ctx.engine, p.tableName);
  const out: Statement[] = [lockAll(ctx, mm)];
  for (const m of all(mm)) out.push(...syncTriggerOf(ctx, m).drop);
  for (const c of mm.children) out.push(stmt(`ALTER TABLE ${quoteTable(ctx.engine, c.tableName)} DROP CONSTRAINT ${q(ctx, c.fk.name)};`, AE, [c.tableName, p.tableName]));
  out.push(stmt(`ALTER TABLE ${pt} DROP CONSTRAINT ${q(ctx, p.pkName)};`, AE, [p.tableName]));
  for (const m of all(mm)) {
    if (!m.notNullCheck) continue;
    const t = quoteTable(ctx.engine, m.tableName);
    out.push(
      stmt(`ALTER TABLE ${t} ALTER COLUMN ${q(ctx, m.newName)} SET NOT NULL;`, AE, [m.tableName], { why: "No scan: the validated CHECK already proves it (PostgreSQL 12+)." }),
      stmt(`ALTER TABLE ${t} DROP CONSTRAINT ${q(ctx, m.notNullCheck)};`, AE, [m.tableName]),
    );
  }
  out.push(stmt(`ALTER TABLE ${pt} ADD CONSTRAINT ${q(ctx, p.pkName)} PRIMARY KEY USING INDEX ${q(ctx, p.newKeyIndex)};`, AE, [p.tableName], { why: "Instant: the unique index exists and the column is NOT NULL." }));
  out.push(...moveSequence(ctx, p, p.column.name, p.newName, "bigint"));
  for (const m of all(mm)) {
    const t = quoteTable(ctx.engine, m.tableName);
    if (m !== p && m.column.default !== null) out.push(...moveSequence(ctx, m, m.column.name, m.newName, "bigint"));
    out.push(
      stmt(`ALTER TABLE ${t} RENAME COLUMN ${q(ctx, m.column.name)} TO ${q(ctx, m.oldName)};`, AE, [m.tableName]),
      stmt(`ALTER TABLE ${t} RENAME COLUMN ${q(ctx, m.newName)} TO ${q(ctx, m.column.name)};`, AE, [m.tableName], { effects: [effect.renameColumn(m.tableName, m.newName, m.column.name)], why: "The application sees bigint under the same name." }),
    );
    if (!m.column.nullable) out.push(stmt(`ALTER TABLE ${t} ALTER COLUMN ${q(ctx, m.oldName)} DROP NOT NULL;`, AE, [m.tableName], { why: "Nothing writes the old column any more." }));
    for (const i of m.indexes) out.push(renameIndex(ctx, m, i.name, oldIndexName(i.name)), renameIndex(ctx, m, copyName(i.name), i.name));
  }
  for (const c of mm.children) {
    out.push(stmt(`ALTER TABLE ${quoteTable(ctx.engine, c.tableName)} RENAME CONSTRAINT ${q(ctx, c.newFkName)} TO ${q(ctx, c.fk.name)};`, AE, [c.tableName]));
  }
  return [...out, ...viewsAgain(ctx, mm)];
}

/** The mirror of the swap: needs the old columns filled for rows written since (fails, changing nothing, if a value no longer fits). */
export function swapRollback(ctx: RecipeContext, mm: BigintKeyMembers): Statement[] {
  const p = mm.parent;
  const pt = quoteTable(ctx.engine, p.tableName);
  const oldKey = `${p.newKeyIndex.slice(0, 55)}_rollback`;
  const conc = (sql: string, name: string, column: string) =>
    stmt(sql, "SHARE UPDATE EXCLUSIVE", [p.tableName], { transaction: false, effects: [effect.createIndex({ table: p.tableName, name, columns: [column], unique: true }, { concurrent: true, plain: true })] });
  const out: Statement[] = [
    conc(`CREATE UNIQUE INDEX CONCURRENTLY ${q(ctx, oldKey)} ON ${pt} (${q(ctx, p.oldName)});`, oldKey, p.oldName),
    conc(`CREATE UNIQUE INDEX CONCURRENTLY ${q(ctx, p.newKeyIndex)} ON ${pt} (${q(ctx, p.column.name)});`, p.newKeyIndex, p.column.name),
    lockAll(ctx, mm),
  ];
  for (const m of all(mm)) {
    const t = quoteTable(ctx.engine, m.tableName);
    const [c, o] = [q(ctx, m.column.name), q(ctx, m.oldName)];
    out.push(stmt(`UPDATE ${t} SET ${o} = ${c} WHERE ${o} IS DISTINCT FROM ${c};`, "ROW EXCLUSIVE", [m.tableName], { why: "Rows written since the swap; fails (integer out of range) once a value passed the old type's limit: then fix forward." }));
  }
  for (const c of mm.children) out.push(stmt(`ALTER TABLE ${quoteTable(ctx.engine, c.tableName)} DROP CONSTRAINT ${q(ctx, c.fk.name)};`, AE, [c.tableName, p.tableName]));
  out.push(stmt(`ALTER TABLE ${pt} DROP CONSTRAINT ${q(ctx, p.pkName)};`, AE, [p.tableName]));
  for (const m of all(mm)) {
    if (!m.column.nullable) out.push(stmt(`ALTER TABLE ${quoteTable(ctx.engine, m.tableName)} ALTER COLUMN ${q(ctx, m.oldName)} SET NOT NULL;`, AE, [m.tableName], { scan: true }));
  }
  out.push(stmt(`ALTER TABLE ${pt} ADD CONSTRAINT ${q(ctx, p.pkName)} PRIMARY KEY USING INDEX ${q(ctx, oldKey)};`, AE, [p.tableName]));
  out.push(...moveSequence(ctx, p, p.column.name, p.oldName, p.column.type));
  for (const m of all(mm)) {
    const t = quoteTable(ctx.engine, m.tableName);
    if (m !== p && m.column.default !== null) out.push(...moveSequence(ctx, m, m.column.name, m.oldName, m.column.type));
    out.push(
      stmt(`ALTER TABLE ${t} RENAME COLUMN ${q(ctx, m.column.name)} TO ${q(ctx, m.newName)};`, AE, [m.tableName]),
      stmt(`ALTER TABLE ${t} RENAME COLUMN ${q(ctx, m.oldName)} TO ${q(ctx, m.column.name)};`, AE, [m.tableName]),
    );
    if (m.notNullCheck) {
      out.push(
        stmt(`ALTER TABLE ${t} ALTER COLUMN ${q(ctx, m.newName)} DROP NOT NULL;`, AE, [m.tableName]),
        stmt(`ALTER TABLE ${t} ADD CONSTRAINT ${q(ctx, m.notNullCheck)} CHECK (${q(ctx, m.newName)} IS NOT NULL);`, AE, [m.tableName], { scan: true }),
      );
    }
    for (const i of m.indexes) out.push(renameIndex(ctx, m, i.name, copyName(i.name)), renameIndex(ctx, m, oldIndexName(i.name), i.name));
  }
  for (const c of mm.children) {
    const ct = quoteTable(ctx.engine, c.tableName);
    const actions = `ON DELETE ${c.fk.onDelete.toUpperCase()} ON UPDATE ${c.fk.onUpdate.toUpperCase()}`;
    out.push(
      stmt(`ALTER TABLE ${ct} ADD CONSTRAINT ${q(ctx, c.fk.name)} FOREIGN KEY (${q(ctx, c.column.name)}) REFERENCES ${pt} (${q(ctx, p.column.name)}) ${actions};`, AE, [c.tableName, p.tableName], { scan: true }),
      stmt(`ALTER TABLE ${ct} ADD CONSTRAINT ${q(ctx, c.newFkName)} FOREIGN KEY (${q(ctx, c.newName)}) REFERENCES ${pt} (${q(ctx, p.newName)}) ${actions};`, AE, [c.tableName, p.tableName], { scan: true }),
    );
  }
  for (const m of all(mm)) out.push(...syncTriggerOf(ctx, m).create);
  return [...out, ...viewsAgain(ctx, mm)];
}

export function contractStatements(ctx: RecipeContext, mm: BigintKeyMembers): Statement[] {
  // Children first: the order writers lock the tables in, so the contract never deadlocks with them.
  return inLockOrder(mm).map((m) =>
    stmt(`ALTER TABLE ${quoteTable(ctx.engine, m.tableName)} DROP COLUMN ${q(ctx, m.oldName)};`, AE, [m.tableName], { why: "Catalog only; its old indexes go with it." }),
  );
}
