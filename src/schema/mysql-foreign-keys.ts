/**
 * Foreign keys of a MySQL/MariaDB database, in both directions, with their ON DELETE / ON UPDATE rules:
 * KEY_COLUMN_USAGE for the columns, REFERENTIAL_CONSTRAINTS for the rules, or, where MariaDB hides that view from
 * a user with nothing but SELECT, the tables' own SHOW CREATE TABLE.
 */
import { quoteIdent } from "../plan/sql.js";
import type { ConstraintInfo, ForeignKeyInfo, TableInfo } from "./model.js";
import type { MysqlQuery, Product } from "./mysql-query.js";
import type { Row } from "./pg-reader.js";

type Rule = ForeignKeyInfo["onDelete"];
const qi = (s: string) => quoteIdent("mysql", s);

const RULES: Record<string, Rule> = { CASCADE: "cascade", "SET NULL": "set null", "SET DEFAULT": "set default", RESTRICT: "restrict", "NO ACTION": "no action" };

/** `CONSTRAINT `fk` FOREIGN KEY ... [ON DELETE x] [ON UPDATE y]` of SHOW CREATE TABLE; an absent clause is the server's default. */
function rulesFromCreate(create: string, absent: Rule): Map<string, { onDelete: Rule; onUpdate: Rule }> {
  const out = new Map<string, { onDelete: Rule; onUpdate: Rule }>();
  const re = /CONSTRAINT `((?:[^`]|``)+)` FOREIGN KEY [^\n]*?REFERENCES [^\n]*?\)((?: ON (?:DELETE|UPDATE) (?:CASCADE|SET NULL|SET DEFAULT|RESTRICT|NO ACTION))*),?\n/g;
  for (const m of create.matchAll(re)) {
    const del = /ON DELETE (CASCADE|SET NULL|SET DEFAULT|RESTRICT|NO ACTION)/.exec(m[2])?.[1];
    const upd = /ON UPDATE (CASCADE|SET NULL|SET DEFAULT|RESTRICT|NO ACTION)/.exec(m[2])?.[1];
    out.set(m[1].replace(/``/g, "`"), { onDelete: del ? RULES[del] : absent, onUpdate: upd ? RULES[upd] : absent });
  }
  return out;
}

export async function readForeignKeys(query: MysqlQuery, db: string, product: Product, tables: Map<string, TableInfo>): Promise<void> {
  const parts = await query(
    `SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME
       FROM information_schema.KEY_COLUMN_USAGE
      WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
    [db],
  );
  const rules = new Map<string, { onDelete: Rule; onUpdate: Rule }>();
  for (const r of await query(`SELECT TABLE_NAME, CONSTRAINT_NAME, DELETE_RULE, UPDATE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?`, [db])) {
    rules.set(`${r.TABLE_NAME}\u0000${r.CONSTRAINT_NAME}`, { onDelete: RULES[String(r.DELETE_RULE)] ?? "no action", onUpdate: RULES[String(r.UPDATE_RULE)] ?? "no action" });
  }
  // MariaDB shows REFERENTIAL_CONSTRAINTS only to users with more than SELECT: read those tables' own DDL instead.
  const missing = [...new Set(parts.filter((p) => !rules.has(`${p.TABLE_NAME}\u0000${p.CONSTRAINT_NAME}`)).map((p) => String(p.TABLE_NAME)))];
  for (const table of missing) {
    const create = String(Object.values((await query(`SHOW CREATE TABLE ${qi(db)}.${qi(table)}`))[0] ?? {})[1] ?? "");
    for (const [name, rule] of rulesFromCreate(create, product === "mariadb" ? "restrict" : "no action")) rules.set(`${table}\u0000${name}`, rule);
  }
  const fks = new Map<string, Row[]>();
  for (const p of parts) {
    const key = `${p.TABLE_NAME}\u0000${p.CONSTRAINT_NAME}`;
    fks.set(key, [...(fks.get(key) ?? []), p]);
  }
  const typeOf = (t: TableInfo | undefined, col: string) => t?.columns.find((x) => x.name === col)?.type ?? "unknown";
  for (const [key, cols] of fks) {
    const child = tables.get(String(cols[0].TABLE_NAME));
    if (!child) continue;
    const refSchema = String(cols[0].REFERENCED_TABLE_SCHEMA);
    const parent = refSchema === db ? tables.get(String(cols[0].REFERENCED_TABLE_NAME)) : undefined;
    const columns = cols.map((c) => String(c.COLUMN_NAME));
    const refColumns = cols.map((c) => String(c.REFERENCED_COLUMN_NAME));
    const rule = rules.get(key) ?? { onDelete: "no action", onUpdate: "no action" };
    const fk: ForeignKeyInfo = {
      name: String(cols[0].CONSTRAINT_NAME),
      table: `${db}.${child.name}`,
      columns,
      columnTypes: columns.map((c) => typeOf(child, c)),
      nullable: columns.map((c) => child.columns.find((x) => x.name === c)?.nullable ?? true),
      refTable: `${refSchema}.${cols[0].REFERENCED_TABLE_NAME}`,
      refColumns,
      refColumnTypes: refColumns.map((c) => typeOf(parent, c)),
      ...rule,
      validated: true,
    };
    const refTable = refSchema === db ? qi(String(cols[0].REFERENCED_TABLE_NAME)) : `${qi(refSchema)}.${qi(String(cols[0].REFERENCED_TABLE_NAME))}`;
    const actions = `${rule.onDelete === "no action" ? "" : ` ON DELETE ${rule.onDelete.toUpperCase()}`}${rule.onUpdate === "no action" ? "" : ` ON UPDATE ${rule.onUpdate.toUpperCase()}`}`;
    const constraint: ConstraintInfo = {
      name: fk.name,
      kind: "foreign_key",
      definition: `FOREIGN KEY (${columns.map(qi).join(", ")}) REFERENCES ${refTable} (${refColumns.map(qi).join(", ")})${actions}`,
      columns,
      validated: true,
    };
    child.constraints.push(constraint);
    child.foreignKeys.push(fk);
    parent?.referencedBy.push(fk);
  }
}

