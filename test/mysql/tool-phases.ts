/**
 * Alembic (PyMySQL) and Knex (mysql2) run every phase of every MySQL-family operation's plan on a real
 * MariaDB, as a user following PLAN.md literally: apply each phase with the command PLAN.md prints
 * (its checks pass), undo the reversible ones newest first with PLAN.md's "With the tool" command
 * (the checks of the phases still applied keep passing, no row of the original tables changes, and the
 * schema ends as it began), then apply every phase again. One representative answers set per operation
 * (its first example in examples.ts), the largest size, no downtime, for MySQL 8.0 and MariaDB 10.11,
 * a MySQL plan's statements of known-differences.ts in MariaDB's syntax; when both engines' answers
 * give the same SQL on MariaDB, it runs once.
 */
import { describe, expect, it } from "vitest";
import type { Operation, PlanAnswers } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import type { Plan } from "../../src/plan/model.js";
import { sqlFingerprint } from "../proof/examples.js";
import { mariadbForFile } from "../support/mariadb-server.js";
import { printedCommands } from "../tools/plan-md-commands.js";
import { MYSQL_EXAMPLES, SIZES, type MysqlExample } from "./examples.js";
import { planOnMariadb } from "./known-differences.js";
import { expectChecks, freshDb, type Conn } from "./support.js";
import { mysqlToolMissing, prepareMysqlTool } from "./tools.js";

const ENGINES = [
  ["mysql", "8.0.36"],
  ["mariadb", "10.11.6"],
] as const;

interface Case {
  operation: Operation;
  variant: string;
  /** The answers that give this plan, e.g. "mysql 8.0.36 = mariadb 10.11.6". */
  engine: string;
  plan: Plan;
  example: MysqlExample;
}

/** One plan per operation and engine, the MySQL one only when MariaDB would run different SQL. */
function cases(): Case[] {
  const out: Case[] = [];
  for (const [operation, variants] of Object.entries(MYSQL_EXAMPLES) as [Operation, Record<string, MysqlExample>][]) {
    const [variant, example] = Object.entries(variants)[0];
    const seen = new Map<string, Case>();
    for (const [engine, engine_version] of ENGINES) {
      const answers = {
        mode: "plan",
        engine,
        engine_version,
        operation,
        ...example.answers,
        approx_rows: operation === "create_table" ? 0 : Math.max(...SIZES),
        downtime_tolerance: "none",
        rollback_need: "phase-level",
        tool: "raw-sql",
      } as PlanAnswers;
      const plan = planOnMariadb(buildPlan(answers));
      const key = sqlFingerprint(plan);
      const same = seen.get(key);
      if (same) {
        same.engine += ` = ${engine} ${engine_version}`;
        continue;
      }
      const c = { operation, variant, engine: `${engine} ${engine_version}`, plan, example };
      seen.set(key, c);
      out.push(c);
    }
  }
  return out;
}

const BOOKKEEPING = /^(alembic_version|knex_migrations)/;

/** Everything a plan may create or change in the database, minus the tools' own bookkeeping. */
async function schemaShape(db: Conn): Promise<Record<string, string[]>> {
  const q = async (sql: string) => ((await db.query(sql))[0] as Record<string, unknown>[]).map((r) => Object.values(r).join(" ")).filter((s) => !BOOKKEEPING.test(s));
  const here = "TABLE_SCHEMA = DATABASE()";
  return {
    columns: await q(`SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, IFNULL(COLUMN_DEFAULT, '-') FROM information_schema.COLUMNS WHERE ${here} ORDER BY 1, 2`),
    indexes: await q(`SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE FROM information_schema.STATISTICS WHERE ${here} ORDER BY 1, 2, 3`),
    constraints: await q(`SELECT TABLE_NAME, CONSTRAINT_NAME, CONSTRAINT_TYPE FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY 1, 2`),
    triggers: await q("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY 1"),
    routines: await q("SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY 1"),
  };
}

/** A hash of each original column's values (keyed by id), for the original tables and columns that exist now. */
async function rowHashes(db: Conn, original: [string, string][]): Promise<Map<string, string>> {
  const [present] = await db.query("SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()");
  const now = new Set((present as { t: string; c: string }[]).map((r) => `${r.t}.${r.c}`));
  const out = new Map<string, string>();
  for (const [t, c] of original) {
    if (!now.has(`${t}.${c}`)) continue;
    const [rows] = await db.query(`SELECT CONCAT(COUNT(*), ':', IFNULL(MD5(GROUP_CONCAT(CONCAT(id, '=', IFNULL(\`${c}\`, '<null>')) ORDER BY id SEPARATOR ',')), '')) AS h FROM \`${t}\``);
    out.set(`${t}.${c}`, (rows as { h: string }[])[0].h);
  }
  return out;
}

/** Every hash in `now` equals the one taken before the plan. */
function expectRowsUnchanged(now: Map<string, string>, before: Map<string, string>, after: string) {
  for (const [col, h] of now) expect(h, `${col}: rows unchanged after ${after}`).toBe(before.get(col));
}

/** The suite for one tool (one test file each, so the two tools run in parallel). */
export function toolPhasesSuite(tool: "alembic" | "knex"): void {
  const throwaway = mariadbForFile();
  describe(`every MySQL-family operation's phases under ${tool} on MariaDB, following PLAN.md`, () => {
    let n = 0;
    it.for(cases().map((c) => [`${c.operation} (${c.engine}, ${c.variant})`, c] as const))("%s: applies, undoes each phase newest first, re-applies", { timeout: 180_000 }, async ([, c], t) => {
      if (!throwaway.server) return t.skip(throwaway.skip);
      const missing = mysqlToolMissing(tool);
      if (missing) return t.skip(missing);
      const dbName = `tp_${tool}_${n++}`;
      const db = await freshDb(throwaway.server, dbName);
      try {
        await db.query("SET SESSION group_concat_max_len = 100000000");
        for (const sql of c.example.setup) await db.query(sql);
        const [cols] = await db.query("SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()");
        const original = (cols as { t: string; c: string }[]).map((r) => [r.t, r.c] as [string, string]);
        const prepared = prepareMysqlTool(tool, c.plan, throwaway.server, dbName, `${c.operation}_${c.plan.engine}`);
        const printed = printedCommands(prepared.planMd);
        const withSql = c.plan.phases.filter((p) => p.statements.length);
        const firstIrreversible = withSql.findIndex((p) => p.irreversible);
        const reversible = firstIrreversible === -1 ? withSql : withSql.slice(0, firstIrreversible);
        const step = (command: string | undefined, what: string) => {
          expect(command, `PLAN.md prints a command to ${what}`).toBeTruthy();
          const r = prepared.exec(command!);
          expect(r.status, `${what}: ${command}\n${r.out.slice(-3000)}`).toBe(0);
        };
        for (const p of withSql) if (!p.irreversible) expect(printed.undo.get(p.id), `${p.id}: PLAN.md says how to undo it with the tool`).toBeTruthy();
        const shape = await schemaShape(db);
        const rows = await rowHashes(db, original);
        for (const phase of reversible) {
          step(printed.apply.get(phase.id), `apply ${phase.id}`);
          await expectChecks(db, phase);
        }
        for (let i = reversible.length - 1; i >= 0; i--) {
          step(printed.undo.get(reversible[i].id), `undo ${reversible[i].id}`);
          for (const earlier of reversible.slice(0, i)) await expectChecks(db, earlier);
          expectRowsUnchanged(await rowHashes(db, original), rows, `undoing ${reversible[i].id}`);
        }
        expect(await schemaShape(db), "the schema is as before the plan").toEqual(shape);
        for (const phase of withSql) {
          step(printed.apply.get(phase.id), `apply ${phase.id} again`);
          await expectChecks(db, phase);
        }
      } finally {
        await db.end();
      }
    });
  });
}
