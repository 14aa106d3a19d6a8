/** A snapshot for the wizard's pick lists: tables in two schemas, keys, an indexed and an unindexed child column. */
import type { ColumnInfo, IndexInfo, SchemaSnapshot, TableInfo } from "../../src/schema/model.js";

const col = (name: string, type: string): ColumnInfo => ({ name, type, nullable: true, default: null, identity: null, generated: null, collation: null, sequence: null });
const idx = (name: string, columns: string[], extra: Partial<IndexInfo> = {}): IndexInfo => ({
  name, definition: "", columns, unique: false, primary: false, predicate: null, valid: true, constraint: null, ...extra,
});
const table = (schema: string, name: string, rows: number | null, columns: ColumnInfo[], indexes: IndexInfo[]): TableInfo => ({
  schema, name, estimatedRows: rows, sizeBytes: null, columns, primaryKey: null, indexes, constraints: [], foreignKeys: [], referencedBy: [], triggers: [], dependentViews: [],
});

export const SNAPSHOT: SchemaSnapshot = {
  engine: "postgresql",
  serverVersion: "16.4",
  source: { kind: "database-url", where: "postgresql://app@db/shop" },
  read: [],
  schemas: ["public", "billing"],
  tables: [
    table("billing", "invoices", 120, [col("id", "integer"), col("order_id", "bigint")], [idx("invoices_pkey", ["id"], { primary: true, unique: true })]),
    table("public", "customers", 2000, [col("id", "integer"), col("email", "text")], [idx("customers_pkey", ["id"], { primary: true, unique: true }), idx("customers_email_key", ["email"], { unique: true })]),
    table("public", "events", 9_000_000, [col("at", "timestamptz"), col("kind", "text")], []),
    table("public", "orders", 5_000_000, [col("id", "bigint"), col("customer_id", "integer"), col("seller_id", "integer"), col("note", "varchar(200)")], [
      idx("orders_pkey", ["id"], { primary: true, unique: true }),
      idx("orders_customer_idx", ["customer_id", "id"]),
    ]),
  ],
  views: [],
  enums: [],
  sequences: [],
  names: [],
};
