/**
 * MySQL/MariaDB type change by one MODIFY COLUMN: in place for VARCHAR growth within the same length-byte count,
 * otherwise a table copy with writes blocked; with a snapshot showing foreign keys on the column, those are
 * dropped, both sides changed and the foreign keys added back.
 */
import type { Column } from "../../../answers/schema.js";
import type { RecipeContext } from "../../context.js";
import type { RecipeResult } from "../../recipe.js";
import { quoteIdent, quoteTable } from "../../sql.js";
import { mysqlRestatedDefinition } from "../column-defaults.js";
import * as estimate from "../estimate.js";
import { mysqlAutoIncrement, mysqlColumnAsRead, type MysqlFkChange } from "../mysql-fk.js";
import { finishPhase, stmt } from "../statements.js";
import { mysqlAutoIncrementCheck, mysqlTypeCheck } from "./checks.js";
import { mysqlVarchar } from "./type-shape.js";
import { effect } from "../../effects.js";

/**
 * `primaryKey`: the column is the table's primary key. Without the schema read, its MODIFY then restates
 * AUTO_INCREMENT (dropping it would make every insert that leaves the key out fail), after a check phase
 * that stops the plan if the column is not AUTO_INCREMENT after all.
 */
export function mysqlSingleStep(ctx: RecipeContext, asGiven: Column, from: string, to: string, fks?: MysqlFkChange, primaryKey = false): RecipeResult {
  const table = ctx.answers.table;
  const { column, collation } = mysqlColumnAsRead(ctx.snapshot, table, asGiven);
  const t = quoteTable(ctx.engine, table);
  const c = quoteIdent(ctx.engine, column.name);
  const varchar = mysqlVarchar(ctx, column, from, to);
  const inplace = varchar.inplace;
  const algo = inplace ? "ALGORITHM=INPLACE, LOCK=NONE" : "ALGORITHM=COPY, LOCK=SHARED";
  const assumedAutoInc = primaryKey && !ctx.snapshot;
  const autoInc = assumedAutoInc || mysqlAutoIncrement(ctx.snapshot, table, column.name) ? " AUTO_INCREMENT" : "";
  const warnings = [
    "MODIFY COLUMN restates the whole definition: the nullability, default, charset and comment given here replace the old ones, so copy them from SHOW CREATE TABLE.",
    ...(varchar.note ? [varchar.note] : []),
  ];
  const restated = (type: string) => `${mysqlRestatedDefinition(column, { type, collation })}${autoInc}`;
  if (fks) return mysqlWithForeignKeys(ctx, column, from, to, fks, restated, warnings);
  if (!inplace && ctx.size !== "small") {
    warnings.push(
      "A type change copies the table with writes blocked for the whole copy. Without downtime use gh-ost (no foreign keys, no triggers on the table) or pt-online-schema-change (beware: its INSERT IGNORE copy silently drops rows that collide on a new unique index).",
    );
  }
  return {
    summary: `Change ${table}.${column.name} from ${from} to ${to}${inplace ? " in place" : ""}`,
    strategy: inplace
      ? "Single phase: growing a VARCHAR within the same length-byte count (utf8mb4: up to 63 characters stays on one byte) is an in-place metadata change."
      : "Single phase with a table copy (ALGORITHM=COPY): reads continue, writes wait. For large tables run it through gh-ost or pt-online-schema-change instead.",
    phases: [
      ...(assumedAutoInc ? [autoIncrementPhase(table, column.name)] : []),
      finishPhase(ctx, {
        title: `Change ${column.name} to ${to}`,
        kind: "switch",
        why: inplace
          ? "The new length needs the same number of length bytes, so InnoDB only updates metadata; reads and writes continue."
          : "MySQL has no online path for this type change: the explicit ALGORITHM makes the cost visible.",
        statements: [stmt(`ALTER TABLE ${t} MODIFY COLUMN ${c} ${restated(to)}, ${algo};`, inplace ? "INPLACE, LOCK=NONE" : "COPY, LOCK=SHARED", [table], { rewrite: !inplace, effects: [effect.alterColumnType(table, column.name)] })],
        rollback: [stmt(`ALTER TABLE ${t} MODIFY COLUMN ${c} ${restated(from)}, ALGORITHM=COPY, LOCK=SHARED;`, "COPY, LOCK=SHARED", [table], { rewrite: true })],
        checks: [
          mysqlTypeCheck(table, column.name, to),
        ],
        estimate: inplace ? estimate.catalogOnly(ctx) : estimate.rewrite(ctx.answers.approx_rows),
      }),
    ],
    warnings,
  };
}

/**
 * A type change on a column that foreign keys join (from the snapshot): both sides of a MySQL foreign key must have
 * the same type and sign, so the foreign keys are dropped (in place), the column and every referencing column are
 * changed (table copies, writes wait), and the foreign keys are added back with their rules (a copy that checks
 * every row). Three phases, each with its own rollback.
 */
function mysqlWithForeignKeys(ctx: RecipeContext, column: Column, from: string, to: string, fks: MysqlFkChange, restated: (type: string) => string, warnings: string[]): RecipeResult {
  const table = ctx.answers.table;
  const t = quoteTable(ctx.engine, table);
  const c = quoteIdent(ctx.engine, column.name);
  const modify = (type: string) =>
    stmt(`ALTER TABLE ${t} MODIFY COLUMN ${c} ${restated(type)}, ALGORITHM=COPY, LOCK=SHARED;`, "COPY, LOCK=SHARED", [table], { rewrite: true, effects: [effect.alterColumnType(table, column.name)] });
  const list = fks.names.join(", ");
  const dropPhase = finishPhase(ctx, {
    title: `Drop the foreign keys on ${column.name}`,
    kind: "switch",
    why: `MySQL refuses to change one side of a foreign key to another type (error 3780; MariaDB 1832): ${list} go first. Dropping a foreign key is in place and metadata only. Until they are added back nothing checks these references, so run the three phases back to back.`,
    statements: fks.drop,
    rollback: fks.add,
    checks: fks.dropChecks,
    estimate: estimate.catalogOnly(ctx),
  });
  const changePhase = finishPhase(ctx, {
    title: `Change ${column.name}${fks.tables.length ? ` and the columns referencing it (${fks.tables.join(", ")})` : ""} to ${to}`,
    kind: "switch",
    why: `Each column is changed with a table copy (ALGORITHM=COPY, LOCK=SHARED): reads continue, writes to that table wait for its copy.${/AUTO_INCREMENT$/.test(restated(to)) ? " AUTO_INCREMENT is restated so the counter stays." : ""}`,
    statements: [modify(to), ...fks.children.forward],
    rollback: [modify(from), ...fks.children.back],
    checks: [mysqlTypeCheck(table, column.name, to)],
    estimate: estimate.rewrite(ctx.answers.approx_rows),
  });
  const addPhase = finishPhase(ctx, {
    title: `Add the foreign keys back on ${column.name}`,
    kind: "switch",
    why: `The same foreign keys with the same ON DELETE / ON UPDATE rules, now between columns of type ${to}. Adding one checks every child row, which MySQL does with a table copy of the child: writes to it wait, reads continue.`,
    statements: fks.add,
    rollback: fks.drop,
    checks: fks.checks,
    estimate: estimate.rewrite(ctx.answers.approx_rows),
  });
  return {
    summary: `Change ${table}.${column.name} from ${from} to ${to} with its foreign keys (${fks.names.length})`,
    strategy:
      `The foreign keys on ${column.name} (read from the schema) are dropped, ${column.name} and every column referencing it are changed to ${to} with a table copy each, ` +
      "and the foreign keys are added back with their rules: reads continue throughout, writes to each table wait while it is copied.",
    phases: [dropPhase, changePhase, addPhase],
    warnings: [
      ...warnings,
      "Between the first and the last phase the references are not checked: a row written then that points at a missing parent makes adding the foreign key back fail (find it with a LEFT JOIN, fix it, run the phase again).",
    ],
  };
}

/** Before a primary key's MODIFY restates AUTO_INCREMENT without the schema read: check that it is there to keep. */
function autoIncrementPhase(table: string, column: string) {
  return {
    title: `Check that ${column} is AUTO_INCREMENT`,
    kind: "verify" as const,
    why:
      `MODIFY COLUMN replaces the whole definition of ${column}: this plan keeps AUTO_INCREMENT on it, as a primary key usually has. ` +
      "If this check fails the column is not AUTO_INCREMENT: run the plan again with --database-url (it then reads the definition) before going on.",
    statements: [],
    rollback: [],
    checks: [mysqlAutoIncrementCheck(table, column, true)],
  };
}
