/**
 * The MySQL-family paths: every operation the shipped trees offer for mysql and mariadb x the version
 * boundaries of each engine x sizes x downtime and rollback choices, with MySQL-flavoured sample
 * answers, the table each one starts from, and what the application writes meanwhile.
 */
import type { Operation, PlanAnswers } from "../../src/answers/schema.js";

/** Versions where some MySQL-family rule changes (src/engines), plus the current lines. */
export const MYSQL_VERSIONS = ["5.7.44", "8.0.11", "8.0.12", "8.0.16", "8.0.28", "8.0.29", "8.0.36", "8.4.3", "9.1.0"];
export const MARIADB_VERSIONS = ["10.5.27", "10.6.20", "10.11.6", "11.4.4", "11.8.2"];
export const SIZES = [5_000, 500_000, 50_000_000];

export interface MysqlExample {
  answers: Pick<PlanAnswers, "table" | "columns" | "details">;
  /** The tables and rows before the plan. */
  setup: string[];
  /** What the application writes from a second connection while a batched phase runs. */
  writes?: string[];
}

const users = (extra = "") => [
  `CREATE TABLE users (id BIGINT PRIMARY KEY AUTO_INCREMENT, email VARCHAR(200), first_name VARCHAR(50), last_name VARCHAR(50), full_name VARCHAR(120)${extra})`,
  "INSERT INTO users (email, first_name, last_name) SELECT CONCAT('u', seq, '@example.com'), CONCAT('F', seq), CONCAT('L', seq) FROM seq_1_to_2500",
];
const orders = [
  "CREATE TABLE customers (id BIGINT PRIMARY KEY)",
  "INSERT INTO customers SELECT seq FROM seq_1_to_10",
  "CREATE TABLE orders (id BIGINT PRIMARY KEY AUTO_INCREMENT, customer_id BIGINT, amount INT, qty VARCHAR(20), code VARCHAR(50), legacy_code VARCHAR(40), INDEX orders_legacy_code (legacy_code))",
  "INSERT INTO orders (customer_id, amount, qty, code, legacy_code) SELECT 1 + seq % 10, seq, CAST(seq AS CHAR), CONCAT('c', seq), CONCAT('l', seq) FROM seq_1_to_2500",
];
const orderWrites = [
  "INSERT INTO orders (customer_id, amount, qty, code, legacy_code) VALUES (3, 7, '7', 'w', 'w')",
  "UPDATE orders SET amount = amount + 1, qty = CAST(amount + 1 AS CHAR) WHERE id = 1 + FLOOR(RAND() * 2500)",
];
const userWrites = ["INSERT INTO users (email, first_name, last_name) VALUES (CONCAT('w', UUID(), '@x'), 'W', 'X')", "UPDATE users SET email = CONCAT('v', id, '@x') WHERE id = 1 + FLOOR(RAND() * 2500)"];

export const MYSQL_EXAMPLES: Partial<Record<Operation, Record<string, MysqlExample>>> = {
  add_column: {
    "nullable, no default": { answers: { table: "orders", columns: [{ name: "note", type: "varchar(100)" }] }, setup: orders },
    "NOT NULL with a constant default": { answers: { table: "orders", columns: [{ name: "status", type: "varchar(20)", nullable: false, default: "'active'" }] }, setup: orders },
  },
  drop_column: { "an indexed column": { answers: { table: "orders", columns: [{ name: "legacy_code", type: "varchar(40)" }] }, setup: orders } },
  rename_column: {
    "email to email_address": { answers: { table: "users", columns: [{ name: "email", type: "varchar(200)" }], details: { new_name: "email_address" } }, setup: users(", INDEX users_email (email)"), writes: userWrites },
  },
  change_column_type: {
    "int to bigint": { answers: { table: "orders", columns: [{ name: "amount", type: "int" }], details: { new_type: "bigint" } }, setup: orders, writes: orderWrites },
    "varchar(50) to varchar(60) (same length bytes)": { answers: { table: "orders", columns: [{ name: "code", type: "varchar(50)" }], details: { new_type: "varchar(60)" } }, setup: orders, writes: orderWrites },
    "varchar(20) to int with USING": {
      answers: { table: "orders", columns: [{ name: "qty", type: "varchar(20)" }], details: { new_type: "int", using: "CAST(qty AS SIGNED)" } },
      setup: orders,
      writes: orderWrites,
    },
  },
  set_not_null: {
    "NULLs filled by details.set": { answers: { table: "users", columns: [{ name: "full_name", type: "varchar(120)" }], details: { set: "full_name = 'unknown'" } }, setup: users() },
  },
  add_index: {
    plain: { answers: { table: "orders", columns: [{ name: "customer_id", type: "bigint" }], details: { index_name: "orders_customer_id_idx" } }, setup: orders, writes: orderWrites },
    unique: { answers: { table: "users", columns: [{ name: "email", type: "varchar(200)" }], details: { index_name: "users_email_uq", unique: true } }, setup: users() },
  },
  drop_index: { plain: { answers: { table: "orders", columns: [{ name: "legacy_code", type: "varchar(40)" }], details: { index_name: "orders_legacy_code" } }, setup: orders } },
  add_unique_constraint: {
    "duplicates, keep oldest, children re-pointed": {
      answers: { table: "users", columns: [{ name: "email", type: "varchar(200)" }], details: { constraint_name: "users_email_key", dedup: "keep-oldest", referenced_by: ["sessions(user_id)"] } },
      setup: [
        ...users(),
        "UPDATE users SET email = 'dup@example.com' WHERE id IN (5, 9, 13)",
        "CREATE TABLE sessions (id BIGINT PRIMARY KEY AUTO_INCREMENT, user_id BIGINT, FOREIGN KEY (user_id) REFERENCES users (id))",
        "INSERT INTO sessions (user_id) VALUES (5), (9), (13), (20)",
      ],
    },
    "no duplicates": { answers: { table: "users", columns: [{ name: "email", type: "varchar(200)" }], details: { constraint_name: "users_email_key", dedup: "none" } }, setup: users() },
  },
  add_foreign_key: {
    "orders.customer_id -> customers.id": {
      answers: { table: "orders", columns: [{ name: "customer_id", type: "bigint" }], details: { ref_table: "customers", ref_column: "id", constraint_name: "orders_customer_id_fkey" } },
      setup: orders,
    },
  },
  add_check_constraint: {
    "amount >= 0": { answers: { table: "orders", columns: [{ name: "amount", type: "int" }], details: { check: "amount >= 0", constraint_name: "orders_amount_nonnegative" } }, setup: orders },
  },
  add_primary_key: {
    "on id": {
      answers: { table: "events", columns: [{ name: "id", type: "bigint" }], details: { constraint_name: "events_pkey" } },
      setup: ["CREATE TABLE events (id BIGINT, name VARCHAR(20))", "INSERT INTO events SELECT seq, 'e' FROM seq_1_to_2500"],
    },
  },
  create_table: {
    "with a foreign key": {
      answers: {
        table: "invoices",
        columns: [
          { name: "id", type: "bigint", nullable: false },
          { name: "customer_id", type: "bigint", references: "customers(id)" },
          { name: "note", type: "varchar(100)" },
        ],
      },
      setup: orders,
    },
  },
  drop_table: {
    "with a child table": {
      answers: { table: "legacy_events", details: { referenced_by: ["legacy_event_notes(event_id)"] } },
      setup: [
        "CREATE TABLE legacy_events (id BIGINT PRIMARY KEY)",
        "INSERT INTO legacy_events SELECT seq FROM seq_1_to_100",
        "CREATE TABLE legacy_event_notes (id BIGINT PRIMARY KEY AUTO_INCREMENT, event_id BIGINT, FOREIGN KEY (event_id) REFERENCES legacy_events (id))",
        "INSERT INTO legacy_event_notes (event_id) SELECT seq FROM seq_1_to_100",
      ],
    },
  },
  rename_table: { "orders to purchases": { answers: { table: "orders", details: { new_name: "purchases" } }, setup: orders } },
  backfill: {
    "full_name from first and last": {
      answers: {
        table: "users",
        columns: [{ name: "full_name", type: "varchar(120)" }],
        details: { set: "full_name = CONCAT(first_name, ' ', last_name)", backfill_where: "full_name IS NULL" },
      },
      setup: users(),
      // The application already writes full_name on new rows.
      writes: ["INSERT INTO users (email, first_name, last_name, full_name) VALUES ('w@x', 'W', 'X', 'W X')"],
    },
  },
};

export interface MysqlPath {
  operation: Operation;
  variant: string;
  answers: PlanAnswers;
  example: MysqlExample;
}
