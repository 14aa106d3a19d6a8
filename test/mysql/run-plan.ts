/**
 * Runs one MySQL-family plan on MariaDB the way the proof runs PostgreSQL plans: apply the phases up to
 * the first irreversible one, roll them back, apply every phase, then roll back and re-apply the
 * reversible tail. Each ALTER runs with its own ALGORITHM and LOCK clauses, so a wrong claim fails on
 * the server. Checks run after every apply. While a batched statement runs, a second connection writes
 * what the application writes. A MySQL plan skips only the statements in KNOWN_DIFFERENCES.
 */
import mysql from "mysql2/promise";
import type { Phase, Plan, Statement } from "../../src/plan/model.js";
import type { MariadbServer } from "../support/mariadb-server.js";
import type { MysqlExample } from "./examples.js";
import { onMariadb as sqlOnMariadb } from "./known-differences.js";

export interface RunStats {
  statements: number;
  checks: number;
  skipped: Map<string, number>;
  concurrentWrites: number;
}

export const newStats = (): RunStats => ({ statements: 0, checks: 0, skipped: new Map(), concurrentWrites: 0 });

export async function runPlanOnMariadb(server: MariadbServer, dbName: string, plan: Plan, example: MysqlExample, stats: RunStats): Promise<string[]> {
  const admin = await mysql.createConnection(server.options());
  await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\`; CREATE DATABASE \`${dbName}\``);
  const conn = await mysql.createConnection(server.options(dbName));
  const writer = await mysql.createConnection(server.options(dbName));
  const problems: string[] = [];
  /** The SQL to run on MariaDB, or null to skip it (a MySQL-only statement without an equivalent). */
  const onMariadb = (sql: string) => sqlOnMariadb(sql, plan.engine, stats.skipped);
  const writeMeanwhile = (until: Promise<unknown>) => {
    let done = false;
    void until.finally(() => (done = true)).catch(() => {});
    return (async () => {
      for (let i = 0; !done; i++) {
        const sql = example.writes![i % example.writes!.length];
        try {
          await writer.query(sql);
          stats.concurrentWrites++;
        } catch (err) {
          problems.push(`concurrent write failed during a batched phase: ${(err as Error).message} (${sql})`);
          return;
        }
      }
    })();
  };
  const runStatements = async (phase: Phase, statements: Statement[], pass: string): Promise<boolean> => {
    for (const s of statements) {
      const sql = onMariadb(s.sql);
      if (sql === null) continue;
      try {
        const q = conn.query(sql);
        if (s.batched && example.writes) await Promise.all([q, writeMeanwhile(q)]);
        else await q;
        stats.statements++;
      } catch (err) {
        problems.push(`${pass} ${phase.id} (${phase.title}): ${(err as Error).message}\n      ${s.sql.split("\n").join("\n      ")}`);
        return false;
      }
    }
    return true;
  };
  const apply = async (phase: Phase, pass: string): Promise<boolean> => {
    if (!(await runStatements(phase, phase.statements, pass))) return false;
    for (const c of phase.checks) {
      const sql = onMariadb(c.sql);
      if (sql === null) continue;
      try {
        const [rows] = await conn.query(sql);
        stats.checks++;
        if (Number((rows as { ok: unknown }[])[0]?.ok) !== 1) {
          problems.push(`${pass} ${phase.id}: check failed: ${c.description}\n      ${c.sql}`);
          return false;
        }
      } catch (err) {
        problems.push(`${pass} ${phase.id}: check errored: ${c.description}: ${(err as Error).message}\n      ${c.sql}`);
        return false;
      }
    }
    return true;
  };
  const undo = (phase: Phase, pass: string) => runStatements(phase, phase.rollback ?? [], pass);
  try {
    for (const sql of example.setup) await conn.query(sql);
    const phases = plan.phases;
    const firstIrreversible = phases.findIndex((p) => p.irreversible);
    const head = firstIrreversible < 0 ? phases.length : firstIrreversible;
    await (async () => {
      for (const p of phases.slice(0, head)) if (!(await apply(p, "apply"))) return;
      for (const p of phases.slice(0, head).reverse()) if (!(await undo(p, "rollback"))) return;
      for (const p of phases) if (!(await apply(p, "re-apply"))) return;
      let tail = phases.length;
      while (tail > 0 && !phases[tail - 1].irreversible) tail--;
      if (tail === 0) return; // the whole plan was rolled back and re-applied above
      for (const p of phases.slice(tail).reverse()) if (!(await undo(p, "rollback tail"))) return;
      for (const p of phases.slice(tail)) if (!(await apply(p, "re-apply tail"))) return;
    })();
  } finally {
    await writer.end();
    await conn.end();
    await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
    await admin.end();
  }
  return problems;
}
