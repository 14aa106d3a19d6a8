/**
 * The snapshot reader on a real PostgreSQL server and on a pg_dump of it loaded into PGlite: one code path,
 * equal snapshots; and a read as a role that may only CONNECT and SELECT, in a READ ONLY transaction.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import pg from "pg";
import { startPostgres, type PgServer } from "../support/pg-server.js";
import { snapshotFromDump, snapshotFromUrl } from "../../src/schema/sources.js";
import { inReadOnlyTransaction } from "../../src/schema/pg-reader.js";
import { findTable, type SchemaSnapshot } from "../../src/schema/model.js";
import { comparable, dumpSchema, FIXTURE_SQL } from "./fixture.js";

let server: PgServer | null = null;
let live: SchemaSnapshot;

async function exec(url: string, sql: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)) as unknown;
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  server = await startPostgres();
  if (!server) return;
  await exec(server.url, FIXTURE_SQL);
  live = await snapshotFromUrl(server.url);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

beforeEach((ctx) => {
  if (!server) ctx.skip("no PostgreSQL server binaries installed (Debian package postgresql)");
});

describe("PostgreSQL snapshot reader", () => {
  it("reads the fixture: keys, identity and serial, FKs both ways, indexes, constraints, triggers, views, enums, sequences", () => {
    expect(live.serverVersion).toMatch(new RegExp(`^${server!.major}\\.`));
    expect(live.source.kind).toBe("database-url");
    const orders = findTable(live, "orders")!;
    expect(orders.estimatedRows).toBe(5000);
    expect(orders.sizeBytes).toBeGreaterThan(0);
    expect(orders.primaryKey).toEqual({ name: "orders_pkey", columns: ["id"] });
    const id = orders.columns.find((c) => c.name === "id")!;
    expect(id).toMatchObject({ type: "integer", nullable: false, identity: "by default", sequence: "public.orders_id_seq" });
    expect(orders.columns.find((c) => c.name === "total_cents")).toMatchObject({ type: "bigint", generated: "((total * (100)::numeric))::bigint", default: null });
    expect(orders.columns.find((c) => c.name === "status")?.default).toBe("'pending'::order_status");
    expect(orders.indexes.find((i) => i.name === "orders_pending_idx")).toMatchObject({ predicate: "(status = 'pending'::order_status)", valid: true, columns: ["customer_id"] });
    expect(orders.triggers.map((t) => t.name)).toEqual(["orders_note"]);
    expect(orders.dependentViews).toEqual(["public.customer_totals"]);
    expect(orders.referencedBy.map((f) => `${f.table}.${f.columns} ${f.onDelete}`)).toEqual([
      "billing.Invoice.orderId no action",
      "public.audit_log.order_id set null",
      "public.order_items.order_id restrict",
    ]);
    expect(orders.foreignKeys[0]).toMatchObject({ refTable: "public.customers", columnTypes: ["integer"], refColumnTypes: ["integer"], onDelete: "cascade", validated: true });
    const customers = findTable(live, "customers")!;
    expect(customers.columns.find((c) => c.name === "id")).toMatchObject({ default: "nextval('customers_id_seq'::regclass)", identity: null, sequence: "public.customers_id_seq" });
    expect(customers.columns.find((c) => c.name === "name")?.collation).toBe("C");
    expect(customers.indexes.find((i) => i.name === "customers_email_lower_idx")).toMatchObject({ unique: true, columns: [null] });
    const audit = findTable(live, "audit_log")!;
    expect(audit.constraints.find((c) => c.name === "audit_log_at_recent")).toMatchObject({ kind: "check", validated: false });
    expect(findTable(live, "bookings")!.constraints.map((c) => c.kind).sort()).toEqual(["exclusion", "primary_key"]);
    expect(findTable(live, "billing.Invoice")!.columns.map((c) => c.name)).toEqual(["id", "orderId", "select"]);
    expect(live.enums).toEqual([{ schema: "public", name: "order_status", values: ["pending", "paid", "shipped", `it's "cancelled"`] }]);
    expect(live.sequences.find((s) => s.name === "orders_id_seq")).toMatchObject({ dataType: "integer", maxValue: "2147483647", ownedBy: "public.orders.id" });
    expect(live.names).toContainEqual({ schema: "public", name: "orders_note_default", kind: "function" });
    expect(live.names).toContainEqual({ schema: "public", name: "order_items_order_id_sku_key", kind: "relation" });
  });

  it("reads the same snapshot from pg_dump --schema-only loaded into embedded PostgreSQL", async () => {
    const file = dumpSchema(server!.url, server!.major);
    const fromDump = await snapshotFromDump(file);
    expect(fromDump.source).toEqual({ kind: "schema-dump", where: file });
    expect(findTable(fromDump, "orders")!.estimatedRows).toBeNull();
    expect(comparable(fromDump)).toEqual(comparable(live));
  }, 120_000);

  it("reads as a role that may only CONNECT and SELECT, inside a READ ONLY transaction", async () => {
    await exec(
      server!.url,
      `CREATE ROLE schema_reader LOGIN; GRANT CONNECT ON DATABASE postgres TO schema_reader;
       GRANT USAGE ON SCHEMA public, billing TO schema_reader; GRANT SELECT ON ALL TABLES IN SCHEMA public, billing TO schema_reader;`,
    );
    const url = server!.url.replace("postgres@", "schema_reader@");
    const asReader = await snapshotFromUrl(url);
    expect(comparable(asReader)).toEqual(comparable(live));
    // The transaction the reader works in refuses writes, whatever the role could do.
    const c = new pg.Client({ connectionString: server!.url });
    await c.connect();
    const query = async (sql: string) => (await c.query(sql)).rows;
    await expect(inReadOnlyTransaction(query, {}, () => query("CREATE TABLE must_not_exist (id int)"))).rejects.toThrow(/read-only transaction/);
    expect((await query("SELECT to_regclass('must_not_exist') AS r"))[0].r).toBeNull();
    await c.end();
  });
});
