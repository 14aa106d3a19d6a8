/** Helpers for MySQL-family plans on a real MariaDB: build plans, run their statements and checks. */
import mysql from "mysql2/promise";
import { expect } from "vitest";
import type { PlanAnswers } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import type { Phase, Plan, Statement } from "../../src/plan/model.js";
import type { MariadbServer } from "../support/mariadb-server.js";

export type Conn = mysql.Connection;

export function mysqlPlan(over: Partial<PlanAnswers> & Pick<PlanAnswers, "operation">): Plan {
  return buildPlan({
    mode: "plan",
    engine: "mariadb",
    engine_version: "10.11",
    table: "users",
    approx_rows: 50_000,
    downtime_tolerance: "none",
    rollback_need: "phase-level",
    tool: "raw-sql",
    ...over,
  } as PlanAnswers);
}

/** A fresh database and a connection to it. */
export async function freshDb(server: MariadbServer, name: string): Promise<Conn> {
  server.createDatabase(name);
  return mysql.createConnection(server.options(name));
}

/** Run statements one by one, as a migration tool sends them. */
export async function runAll(conn: Conn, statements: Statement[]): Promise<void> {
  for (const s of statements) {
    try {
      await conn.query(s.sql);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n  in: ${s.sql}`);
    }
  }
}

export async function expectChecks(conn: Conn, phase: Phase): Promise<void> {
  for (const check of phase.checks) {
    const [rows] = await conn.query(check.sql);
    expect(Number((rows as { ok: unknown }[])[0]?.ok), `${phase.id}: ${check.description}\n${check.sql}`).toBe(1);
  }
}

export async function scalar(conn: Conn, sql: string): Promise<unknown> {
  const [rows] = await conn.query(sql);
  const row = (rows as Record<string, unknown>[])[0];
  return row ? Object.values(row)[0] : undefined;
}

export const phaseOf = (plan: Plan, kind: Phase["kind"], nth = 0): Phase => plan.phases.filter((p) => p.kind === kind)[nth];
