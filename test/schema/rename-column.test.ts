/**
 * rename_column planned from a snapshot of a real server: the unique constraint, the check, the expression index
 * and the view on the column are rebuilt on the new column by the plan. Run while a writer inserts and updates
 * (through the old name, then through the new one after the switch deploy); every reversible phase is rolled back
 * and applied again; afterwards nothing is lost and the rebuilt objects enforce and serve as the old ones did.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanAnswers } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import { fillFromSnapshot } from "../../src/schema/fill.js";
import { snapshotFromUrl } from "../../src/schema/sources.js";
import { startPostgres, type PgServer } from "../support/pg-server.js";
import { runStatements, type RunStats } from "./run-plan.js";

let server: PgServer | null = null;
let admin: pg.Client;

beforeAll(async () => {
  server = await startPostgres();
  if (!server) return;
  admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`
    CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, CONSTRAINT users_email_key UNIQUE (email), CONSTRAINT users_email_not_blank CHECK (email <> ''));
    CREATE INDEX users_email_lower_idx ON users (lower(email));
    CREATE VIEW user_emails AS SELECT id, email FROM users WHERE email <> 'email';
    INSERT INTO users (email) SELECT 'u' || g || '@example.com' FROM generate_series(1, 5000) g;
    ANALYZE;`);
}, 120_000);

afterAll(async () => {
  await admin?.end().catch(() => {});
  await server?.stop();
});

function startWriter(url: string) {
  const c = new pg.Client({ connectionString: url });
  const rows = new Map<string, string>();
  const failures: string[] = [];
  let column = "email";
  let ops = 0;
  let stop = false;
  const done = (async () => {
    await c.connect();
    for (const r of (await c.query("SELECT id::text AS id, email FROM users")).rows) rows.set(r.id, r.email);
    while (!stop && ops < 20_000) {
      const n = ops++;
      try {
        if (n % 2 === 0) {
          const r = await c.query(`INSERT INTO users (${column}) VALUES ('w${n}@example.com') RETURNING id::text AS id`);
          rows.set(r.rows[0].id, `w${n}@example.com`);
        } else {
          const id = String(1 + (n % 5000));
          await c.query(`UPDATE users SET ${column} = 'x${n}@example.com' WHERE id = ${id}`);
          rows.set(id, `x${n}@example.com`);
        }
      } catch (e) {
        failures.push(`op ${n} (${column}): ${(e as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    await c.end();
  })();
  return { rows, failures, get ops() { return ops; }, useColumn: (name: string) => (column = name), stop: async () => { stop = true; await done; } };
}

describe("rename_column from the schema, under concurrent writes", () => {
  it("rebuilds the unique constraint, check, expression index and view on the new column; nothing is lost", async (ctx) => {
    if (!server) return ctx.skip("no PostgreSQL server binaries installed (Debian package postgresql)");
    const snapshot = await snapshotFromUrl(server.url);
    const raw = {
      mode: "plan", operation: "rename_column", table: "users", columns: [{ name: "email" }], details: { new_name: "email_address" },
      approx_rows: 50_000_000, downtime_tolerance: "none", rollback_need: "phase-level", tool: "raw-sql",
    } as unknown as PlanAnswers;
    const { answers, facts } = fillFromSnapshot(raw, snapshot);
    const plan = buildPlan(answers as PlanAnswers, { snapshot, facts });
    expect(plan.warnings.join("\n")).not.toMatch(/do not move with the data/);
    const stats: RunStats = { lockRetries: 0 };
    const runner = new pg.Client({ connectionString: server.url });
    await runner.connect();
    const writer = startWriter(server.url);
    try {
      for (const phase of plan.phases) {
        if (phase.kind === "contract") writer.useColumn("email_address");
        await runStatements(runner, phase.statements, stats);
        for (const c of phase.checks) expect((await runner.query(c.sql)).rows[0]?.ok, `${phase.id}: ${c.description}`).toBe(true);
        if (phase.rollback?.length && phase.kind !== "backfill") {
          await runStatements(runner, phase.rollback, stats);
          await runStatements(runner, phase.statements, stats);
        }
      }
    } finally {
      await writer.stop();
      await runner.end();
    }
    console.log(`rename_column under writes: phases ${plan.phases.map((p) => p.kind).join(",")}, writer ops ${writer.ops} (${writer.failures.length} failed), lock retries ${stats.lockRetries}`);
    expect(writer.failures).toEqual([]);
    const cons = await admin.query(`SELECT conname, pg_get_constraintdef(oid) AS def, convalidated AS ok FROM pg_constraint WHERE conrelid = 'users'::regclass AND contype <> 'p' ORDER BY 1`);
    expect(cons.rows).toEqual([
      { conname: "users_email_address_key", def: "UNIQUE (email_address)", ok: true },
      { conname: "users_email_address_not_blank", def: "CHECK ((email_address <> ''::text))", ok: true },
    ]);
    const idx = await admin.query(`SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = 'users'::regclass AND NOT indisprimary ORDER BY 1`);
    expect(idx.rows.map((r) => r.def)).toEqual([
      "CREATE INDEX users_email_address_lower_idx ON public.users USING btree (lower(email_address))",
      "CREATE UNIQUE INDEX users_email_address_key ON public.users USING btree (email_address)",
    ]);
    expect((await admin.query(`SELECT pg_get_viewdef('user_emails'::regclass, true) AS d`)).rows[0].d).toMatch(/email_address\s+FROM users\s+WHERE users\.email_address <> 'email'::text/);
    const now = new Map((await admin.query("SELECT id::text AS id, email_address FROM users")).rows.map((r) => [r.id, r.email_address]));
    expect(now).toEqual(writer.rows);
    await expect(admin.query(`INSERT INTO users (email_address) VALUES ('x1@example.com'), ('x1@example.com')`)).rejects.toThrow(/users_email_address_key/);
    await expect(admin.query(`INSERT INTO users (email_address) VALUES ('')`)).rejects.toThrow(/users_email_address_not_blank/);
  }, 120_000);
});
