/**
 * MySQL-family DDL whose exact statement depends on what the table has at run time: the names MySQL
 * chose (`child_ibfk_1`) or the indexes a column is in. A migration tool runs a file's statements once
 * and cannot branch, so the decision is a stored procedure the phase creates, calls and drops: it reads
 * information_schema and runs each ALTER with its ALGORITHM and LOCK clauses, so the server still
 * refuses a wrong claim. Every procedure is dropped first too, so a phase that failed can be run again.
 */
import type { RecipeContext } from "../context.js";
import type { Statement } from "../model.js";
import { quoteIdent, quoteTable } from "../sql.js";
import { bareName, literal, stmt } from "./statements.js";
import { effect } from "../effects.js";

/** MySQL's identifier limit (procedure names included). */
const MAX_NAME = 64;

/** `mw_drop_fk_orders_customer_id`: a procedure name within 64 characters, lower-case, plain. */
export function procedureName(...parts: string[]): string {
  const name = ["mw", ...parts].join("_").toLowerCase().replace(/[^a-z0-9_]/g, "_");
  return name.slice(0, MAX_NAME);
}

/** A string literal inside a procedure body: quotes doubled, backslashes escaped (MySQL's default sql_mode reads them). */
export function mysqlLiteral(text: string): string {
  return literal(text.replace(/\\/g, "\\\\"));
}

/** Procedure lines that run every statement a query returns (one text column), in order. */
export function runEach(query: string, label: string): string[] {
  return [
    `  BEGIN`,
    `    DECLARE done INT DEFAULT 0;`,
    `    DECLARE ddl TEXT;`,
    `    DECLARE ${label} CURSOR FOR ${query};`,
    `    DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = 1;`,
    `    OPEN ${label};`,
    `    ${label}_loop: LOOP`,
    `      FETCH ${label} INTO ddl;`,
    `      IF done THEN LEAVE ${label}_loop; END IF;`,
    `      SET @mw_ddl = ddl;`,
    `      PREPARE mw_stmt FROM @mw_ddl;`,
    `      EXECUTE mw_stmt;`,
    `      DEALLOCATE PREPARE mw_stmt;`,
    `    END LOOP;`,
    `    CLOSE ${label};`,
    `  END;`,
  ];
}

/**
 * Create, call and drop a procedure. `call` carries the lock claim of what the procedure does; the
 * CREATE and DROP statements touch only the procedure.
 */
export function procedureStatements(
  name: string,
  body: string[],
  call: Partial<Statement> & { lock: string; lockedTables: string[] },
  createWhy = "A procedure because the statement depends on what the table has when it runs.",
): Statement[] {
  const p = quoteIdent("mysql", name);
  return [
    stmt(`DROP PROCEDURE IF EXISTS ${p};`, "none", [], { why: "Left behind only by a run that failed; dropped so the phase can run again." }),
    stmt(`CREATE PROCEDURE ${p}()\nBEGIN\n${body.join("\n")}\nEND;`, "none", [], { why: createWhy }),
    stmt(`CALL ${p}();`, call.lock, call.lockedTables, call),
    stmt(`DROP PROCEDURE ${p};`, "none", []),
  ];
}

/**
 * DROP COLUMN with the cheapest algorithm the server allows. INSTANT refuses a column that is in an
 * index (ERROR 1846 "Reason: DROP INDEX", MySQL 8.0.29+ and MariaDB 10.4+ alike), so indexes on that
 * column alone are dropped first (in place, metadata only), then the column instantly. When a
 * multi-column index includes it, the index must change, which only a rebuild does: INPLACE, LOCK=NONE.
 * Without instant drop (MySQL before 8.0.29) it is always the INPLACE rebuild.
 */
export function mysqlDropColumn(ctx: RecipeContext, table: string, column: string): Statement[] {
  const t = quoteTable("mysql", table);
  const c = quoteIdent("mysql", column);
  const rebuild = `ALTER TABLE ${t} DROP COLUMN ${c}, ALGORITHM=INPLACE, LOCK=NONE;`;
  if (!ctx.caps.has("instantDropColumn")) {
    return [stmt(rebuild, "INPLACE, LOCK=NONE", [table], { rewrite: true, effects: [effect.dropColumn(table, column)], why: "This version cannot drop a column instantly: the table is rebuilt in place while reads and writes go on." })];
  }
  const where = `TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${mysqlLiteral(bareName(table))}`;
  const indexesOf = `SELECT INDEX_NAME FROM information_schema.STATISTICS WHERE ${where} AND COLUMN_NAME = ${mysqlLiteral(column)}`;
  const dropIndex = `CONCAT('ALTER TABLE ${t.replace(/'/g, "''")} DROP INDEX \`', REPLACE(INDEX_NAME, '\`', '\`\`'), '\`, ALGORITHM=INPLACE, LOCK=NONE')`;
  const body = [
    "  DECLARE shared INT;",
    `  SELECT COUNT(*) INTO shared FROM information_schema.STATISTICS WHERE ${where} AND COLUMN_NAME <> ${mysqlLiteral(column)} AND INDEX_NAME IN (${indexesOf});`,
    "  IF shared > 0 THEN",
    `    ${rebuild}`,
    "  ELSE",
    ...runEach(`SELECT DISTINCT ${dropIndex} FROM information_schema.STATISTICS WHERE ${where} AND COLUMN_NAME = ${mysqlLiteral(column)}`, "indexes").map((l) => "  " + l),
    `    ALTER TABLE ${t} DROP COLUMN ${c}, ALGORITHM=INSTANT;`,
    "  END IF;",
  ];
  return procedureStatements(procedureName("drop", bareName(table), column), body, {
    lock: "INSTANT",
    lockedTables: [table],
    rewrite: false,
    effects: [effect.dropColumn(table, column)],
    why:
      `Drops ${column} instantly. INSTANT refuses a column that is in an index, so indexes on ${column} alone are dropped first ` +
      "(in place, metadata only); if a multi-column index includes it, the column is dropped with ALGORITHM=INPLACE, LOCK=NONE instead " +
      "(a rebuild with writes going on), because only a rebuild can change that index.",
  });
}

/**
 * Drop the foreign keys of `child(column)` that reference `parent`, by the names MySQL gave them
 * (`<child>_ibfk_<n>` unless named), read from information_schema when the phase runs.
 */
export function mysqlDropForeignKeys(child: string, column: string, parent: string): Statement[] {
  const ct = quoteTable("mysql", child);
  const ddl = `CONCAT('ALTER TABLE ${ct.replace(/'/g, "''")} DROP FOREIGN KEY \`', REPLACE(CONSTRAINT_NAME, '\`', '\`\`'), '\`, ALGORITHM=INPLACE, LOCK=NONE')`;
  const query =
    `SELECT DISTINCT ${ddl} FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${mysqlLiteral(bareName(child))} ` +
    `AND COLUMN_NAME = ${mysqlLiteral(column)} AND REFERENCED_TABLE_NAME = ${mysqlLiteral(bareName(parent))}`;
  return procedureStatements(procedureName("drop_fk", bareName(child), column), runEach(query, "fks"), {
    lock: "INPLACE, LOCK=NONE",
    lockedTables: [child, parent],
    rewrite: false,
    why: `Drops each foreign key of ${child}.${column} on ${parent} by its real name (MySQL names them ${bareName(child)}_ibfk_<n> unless told otherwise), read from information_schema as it runs.`,
  });
}

/** A statement that always fails with the reason: MySQL's and MariaDB's way to refuse a rollback. */
export function mysqlRefuse(reason: string): string {
  const text = reason.length > 128 ? reason.slice(0, 125) + "..." : reason;
  return `SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = ${mysqlLiteral(text)};`;
}
