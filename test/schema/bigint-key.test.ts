/**
 * The integer primary key conversion, planned from a snapshot of a real server, run on it while a writer inserts
 * and updates rows in the parent and both child tables throughout. Every phase is applied, rolled back and applied
 * again (the backfills have nothing to undo); afterwards every converted column is bigint, the primary key, sequence,
 * default and foreign keys are on the new columns and validated, no row is lost or changed, and inserts work past 2^31.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanAnswers } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import { fillFromSnapshot } from "../../src/schema/fill.js";
import { snapshotFromUrl } from "../../src/schema/sources.js";
import { startPostgres, type PgServer } from "../support/pg-server.js";
import { applyRollBackReapply, type RunStats } from "./run-plan.js";
import { startWriter, tableState } from "./writer.js";

const KEYS = {
  serial: "id serial PRIMARY KEY",
  identity: "id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
};

const schema = (key: keyof typeof KEYS) => `
DROP VIEW IF EXISTS account_orders; DROP TABLE IF EXISTS notes, orders, accounts;
CREATE TABLE accounts (${KEYS[key]}, name text NOT NULL);
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id integer NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  amount integer NOT NULL
);
CREATE INDEX orders_account_idx ON orders (account_id);
CREATE INDEX orders_big_account_idx ON orders (account_id, id) WHERE amount > 50;
CREATE TABLE notes (id serial PRIMARY KEY, account_id integer REFERENCES accounts (id) ON DELETE SET NULL, body text);
CREATE VIEW account_orders AS SELECT a.id, a.name, count(o.id) AS n FROM accounts a LEFT JOIN orders o ON o.account_id = a.id GROUP BY a.id, a.name;
INSERT INTO accounts (name) SELECT 'a' || g FROM generate_series(1, 3000) g;
INSERT INTO orders (account_id, amount) SELECT 1 + g % 3000, g % 100 FROM generate_series(1, 12000) g;
INSERT INTO notes (account_id, body) SELECT 1 + g % 3000, 'n' || g FROM generate_series(1, 3000) g;
ANALYZE;
`;

let server: PgServer | null = null;
let admin: pg.Client;

beforeAll(async () => {
  server = await startPostgres();
  if (!server) return;
  admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
}, 120_000);

afterAll(async () => {
  await admin?.end().catch(() => {});
  await server?.stop();
});

async function one(sql: string): Promise<Record<string, unknown>> {
  return (await admin.query(sql)).rows[0];
}

describe("integer primary key to bigint, from the schema, under concurrent writes", () => {
  for (const key of ["serial", "identity"] as const) it(`converts a ${key} accounts.id with orders.account_id and notes.account_id; every phase rolls back; nothing is lost`, async (ctx) => {
    if (!server) return ctx.skip("no PostgreSQL server binaries installed (Debian package postgresql)");
    await admin.query(schema(key));
    const snapshot = await snapshotFromUrl(server.url);
    const raw = {
      mode: "plan", operation: "change_column_type", table: "accounts", columns: [{ name: "id" }], details: { new_type: "bigint" },
      approx_rows: 50_000_000, downtime_tolerance: "none", rollback_need: "phase-level", tool: "raw-sql",
    } as unknown as PlanAnswers;
    const { answers, facts } = fillFromSnapshot(raw, snapshot);
    const plan = buildPlan(answers as PlanAnswers, { snapshot, facts });
    expect(plan.phases.map((p) => p.kind)).toEqual(["expand", "backfill", "backfill", "backfill", "expand", "switch", "contract"]);

    const stats: RunStats = { lockRetries: 0 };
    const runner = new pg.Client({ connectionString: server.url });
    await runner.connect();
    const writer = await startWriter(server.url);
    const started = Date.now();
    try {
      await applyRollBackReapply(runner, plan.phases, stats, async (phase) => {
        if (phase.kind !== "switch") return;
        const back = (await runner.query(`SELECT format_type(atttypid, NULL) AS t FROM pg_attribute a JOIN pg_constraint c ON c.conrelid = a.attrelid AND a.attnum = c.conkey[1] WHERE c.conname = 'accounts_pkey'`)).rows;
        expect(back, "after the swap's rollback the primary key is the integer column again").toEqual([{ t: "integer" }]);
      });
    } finally {
      await writer.stop();
      await runner.end();
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`bigint conversion (${key}) under writes: ${seconds.toFixed(1)} s, writer ops ${writer.ops} (${writer.failures.length} failed), lock retries ${stats.lockRetries}`);
    expect(writer.failures).toEqual([]);
    expect(writer.ops).toBeGreaterThan(50);

    // Every converted column is bigint; the key, sequence, default and foreign keys sit on the new columns, validated.
    const types = await admin.query(
      `SELECT attrelid::regclass::text || '.' || attname AS col, format_type(atttypid, atttypmod) AS type FROM pg_attribute
        WHERE attrelid IN ('accounts'::regclass, 'orders'::regclass, 'notes'::regclass) AND attnum > 0 AND NOT attisdropped ORDER BY 1`,
    );
    expect(Object.fromEntries(types.rows.map((r) => [r.col, r.type]))).toEqual({
      "accounts.id": "bigint", "accounts.name": "text",
      "notes.account_id": "bigint", "notes.body": "text", "notes.id": "integer",
      "orders.account_id": "bigint", "orders.amount": "integer", "orders.id": "bigint",
    });
    expect(await one(`SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'accounts'::regclass AND contype = 'p'`)).toEqual({ conname: "accounts_pkey", def: "PRIMARY KEY (id)" });
    const fks = await admin.query(`SELECT conrelid::regclass::text AS t, conname, pg_get_constraintdef(oid) AS def, convalidated FROM pg_constraint WHERE contype = 'f' ORDER BY 1`);
    expect(fks.rows).toEqual([
      { t: "notes", conname: "notes_account_id_fkey", def: "FOREIGN KEY (account_id) REFERENCES accounts(id) ON DELETE SET NULL", convalidated: true },
      { t: "orders", conname: "orders_account_id_fkey", def: "FOREIGN KEY (account_id) REFERENCES accounts(id) ON DELETE CASCADE", convalidated: true },
    ]);
    expect(await one(`SELECT format_type(seqtypid, NULL) AS type, seqmax::text AS max FROM pg_sequence WHERE seqrelid = 'accounts_id_seq'::regclass`)).toEqual({ type: "bigint", max: "9223372036854775807" });
    expect(await one(`SELECT pg_get_serial_sequence('accounts', 'id') AS seq, (SELECT attidentity::text FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attname = 'id') AS identity,
      (SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'accounts'::regclass) AS def`)).toEqual({
      seq: "public.accounts_id_seq",
      identity: key === "identity" ? "a" : "",
      def: key === "identity" ? null : "nextval('accounts_id_seq'::regclass)",
    });
    const indexes = await admin.query(`SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS def, indisvalid FROM pg_index WHERE indrelid = 'orders'::regclass ORDER BY 1`);
    expect(indexes.rows).toEqual([
      { name: "orders_account_idx", def: "CREATE INDEX orders_account_idx ON public.orders USING btree (account_id)", indisvalid: true },
      { name: "orders_big_account_idx", def: "CREATE INDEX orders_big_account_idx ON public.orders USING btree (account_id, id) WHERE (amount > 50)", indisvalid: true },
      { name: "orders_pkey", def: "CREATE UNIQUE INDEX orders_pkey ON public.orders USING btree (id)", indisvalid: true },
    ]);
    expect((await one(`SELECT count(*)::int AS n FROM account_orders`)).n).toBeGreaterThan(3000);

    // No row lost or changed: the tables equal what the writer knows it wrote.
    expect(await tableState(admin)).toEqual(writer.expected());

    // Inserts keep working past 2^31, through the whole chain.
    await admin.query(`SELECT setval('accounts_id_seq', 2147483657::bigint)`);
    const big = await one(`INSERT INTO accounts (name) VALUES ('big') RETURNING id`);
    expect(Number(big.id)).toBe(2147483647 + 11);
    await admin.query(`INSERT INTO orders (account_id, amount) VALUES (${big.id}, 1); INSERT INTO notes (account_id, body) VALUES (${big.id}, 'x')`);
    await admin.query(`DELETE FROM accounts WHERE id = ${big.id}`);
    expect((await one(`SELECT count(*)::int AS n FROM notes WHERE body = 'x' AND account_id IS NULL`)).n).toBe(1);
  }, 120_000);
});
