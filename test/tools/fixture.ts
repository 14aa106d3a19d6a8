/**
 * A hand-built plan covering every shape a tool renderer must handle: a transactional phase with
 * a lock-timeout setting, a non-transactional CONCURRENTLY phase, a DO-block backfill that
 * commits per batch, a deploy phase without SQL, and an irreversible phase.
 */
import type { PlanAnswers, Tool } from "../../src/answers/schema.js";
import type { Plan, Statement } from "../../src/plan/model.js";
import { effect } from "../../src/plan/effects.js";

const lockTimeout: Statement = { sql: "SET lock_timeout = '200ms';", transaction: true, lock: "none", rewrite: false, setting: true, effects: [effect.setting("lock_timeout")] };

export const SETUP_SQL = `
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint, legacy_status text);
INSERT INTO orders (customer_id, legacy_status) SELECT g % 7, 'st' || (g % 3)::text FROM generate_series(1, 2500) g;
`;

export function fixturePlan(tool: Tool = "raw-sql", operation: PlanAnswers["operation"] = "add_column"): Plan {
  const answers: PlanAnswers = {
    mode: "plan",
    engine: "postgresql",
    engine_version: "16.2",
    operation,
    table: "orders",
    columns: [{ name: "status", type: "text" }],
    approx_rows: 2500,
    downtime_tolerance: "none",
    rollback_need: "phase-level",
    tool,
  };
  return {
    version: 1,
    answers,
    engine: "postgresql",
    engineVersion: "16.2",
    summary: "Add status to orders, index it, backfill it, drop legacy_status",
    strategy: "expand/contract",
    warnings: [],
    checklist: [],
    files: [],
    phases: [
      {
        id: "01-expand",
        title: "Add the column (nullable, no default)",
        kind: "expand",
        why: "A nullable column without a default is a catalog change.",
        statements: [lockTimeout, { sql: "ALTER TABLE orders ADD COLUMN status text;", transaction: true, lock: "ACCESS EXCLUSIVE", lockedTables: ["orders"], rewrite: false }],
        rollback: [lockTimeout, { sql: "ALTER TABLE orders DROP COLUMN status;", transaction: true, lock: "ACCESS EXCLUSIVE", lockedTables: ["orders"], rewrite: false, effects: [effect.dropColumn("orders", "status")] }],
        checks: [
          {
            description: "status exists",
            sql: "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'status') AS ok;",
          },
        ],
      },
      {
        id: "02-expand",
        title: "Index status without blocking writes",
        kind: "expand",
        why: "CONCURRENTLY does not block writes but cannot run in a transaction.",
        statements: [
          lockTimeout,
          { sql: "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);", transaction: false, lock: "SHARE UPDATE EXCLUSIVE", lockedTables: ["orders"], rewrite: false, effects: [effect.createIndex({ table: "orders", name: "orders_status_idx", columns: ["status"] }, { concurrent: true, plain: false })] },
        ],
        rollback: [lockTimeout, { sql: "DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;", transaction: false, lock: "SHARE UPDATE EXCLUSIVE", lockedTables: ["orders"], rewrite: false, effects: [effect.dropIndex({ table: "orders", name: "orders_status_idx" }, true)] }],
        checks: [
          {
            description: "the index is valid",
            sql: "SELECT coalesce(bool_and(i.indisvalid), false) AS ok FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'orders_status_idx';",
          },
        ],
      },
      {
        id: "03-backfill",
        title: "Copy legacy_status into status in batches",
        kind: "backfill",
        why: "Batches keep each lock short; COMMIT per batch needs a DO block outside a transaction.",
        statements: [
          {
            sql: [
              "DO $$",
              "DECLARE",
              "  lo bigint := 0;",
              "  top bigint;",
              "  n bigint;",
              "BEGIN",
              "  SELECT coalesce(max(id), 0) INTO top FROM orders;",
              "  WHILE lo < top LOOP",
              "    UPDATE orders SET status = legacy_status::text WHERE id > lo AND id <= lo + 1000 AND status IS NULL AND legacy_status LIKE 'st%';",
              "    GET DIAGNOSTICS n = ROW_COUNT;",
              "    RAISE NOTICE 'batch above %: % rows', lo, n;",
              "    lo := lo + 1000;",
              "    COMMIT;",
              "  END LOOP;",
              "END $$;",
            ].join("\n"),
            transaction: false,
            lock: "ROW EXCLUSIVE",
            lockedTables: ["orders"],
            rewrite: false,
            batched: { table: "orders", batchSize: 1000, pauseMs: 0 },
          },
        ],
        rollback: [{ sql: "UPDATE orders SET status = NULL WHERE status IS NOT NULL;", transaction: true, lock: "ROW EXCLUSIVE", lockedTables: ["orders"], rewrite: false }],
        checks: [{ description: "every row has a status", sql: "SELECT NOT EXISTS (SELECT 1 FROM orders WHERE status IS NULL) AS ok;" }],
      },
      {
        id: "04-deploy",
        title: "Deploy code that no longer reads legacy_status",
        kind: "deploy",
        why: "Running code must not read a column that is about to disappear.",
        statements: [],
        deploy: "Ship the release that reads status and ignores legacy_status.",
        checks: [],
      },
      {
        id: "05-contract",
        title: "Drop legacy_status",
        kind: "contract",
        why: "Nothing reads it any more.",
        statements: [lockTimeout, { sql: "ALTER TABLE orders DROP COLUMN legacy_status;", transaction: true, lock: "ACCESS EXCLUSIVE", lockedTables: ["orders"], rewrite: false, effects: [effect.dropColumn("orders", "legacy_status")] }],
        irreversible: "the data in legacy_status is gone once the column is dropped",
        checks: [
          {
            description: "legacy_status is gone",
            sql: "SELECT NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'legacy_status') AS ok;",
          },
        ],
      },
    ],
  };
}

export const FIXTURE_NOW = new Date(Date.UTC(2026, 0, 15, 9, 30, 0));
export const FIXTURE_SLUG = "add_status_to_orders";
