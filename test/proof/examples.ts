/**
 * The paths the proof walks: every operation (from the shipped trees) x the PostgreSQL version
 * boundaries x size classes x downtime and rollback choices, with sample values for the free-text
 * answers. Plans that come out with the same SQL are run once (the path count still says how many
 * paths each one stands for).
 */
import { OPERATIONS, DOWNTIME, ROLLBACK, type Operation, type PlanAnswers } from "../../src/answers/schema.js";
import type { Plan } from "../../src/plan/model.js";
import type { Answers } from "../../src/answers/schema.js";
import type { TreeNode, TreeSet } from "../../src/trees/model.js";

/** Versions where PostgreSQL's behaviour changes for some operation (see KNOWLEDGE.md). */
export const VERSION_BOUNDARIES = ["10", "11", "12", "14.2", "14.4", "16", "18"];
/** One table size per size class when no tree offers them: small (< 10k), medium (10k-1M), large (> 1M). */
export const SIZE_SAMPLES = [5_000, 500_000, 50_000_000];

type Sample = Pick<PlanAnswers, "table" | "columns" | "details">;

/** Sample free-text answers per operation; variants where the answers change the SQL. */
export const EXAMPLES: Record<Operation, Record<string, Sample>> = {
  add_column: {
    "nullable, no default": { table: "orders", columns: [{ name: "note", type: "text" }] },
    "NOT NULL with a constant default": { table: "orders", columns: [{ name: "status", type: "text", nullable: false, default: "'active'" }] },
    "volatile default": { table: "orders", columns: [{ name: "token", type: "uuid", default: "gen_random_uuid()" }] },
    "NOT NULL timestamp default now()": { table: "orders", columns: [{ name: "created_at", type: "timestamptz", nullable: false, default: "now()" }] },
  },
  drop_column: { "a text column": { table: "orders", columns: [{ name: "legacy_code", type: "text" }] } },
  rename_column: { "email to email_address": { table: "users", columns: [{ name: "email", type: "text" }], details: { new_name: "email_address" } } },
  change_column_type: {
    "integer to bigint (rewrite)": { table: "orders", columns: [{ name: "amount", type: "integer" }], details: { new_type: "bigint" } },
    "varchar(100) to text (binary-coercible)": { table: "orders", columns: [{ name: "title", type: "varchar(100)" }], details: { new_type: "text" } },
    "varchar(50) to varchar(200)": { table: "orders", columns: [{ name: "code", type: "varchar(50)" }], details: { new_type: "varchar(200)" } },
    "text to integer with USING": { table: "orders", columns: [{ name: "qty", type: "text" }], details: { new_type: "integer", using: "qty::integer" } },
  },
  set_not_null: {
    "NULLs filled by details.set": { table: "users", columns: [{ name: "email", type: "text" }], details: { set: "email = 'unknown'" } },
    "no NULLs to fill": { table: "users", columns: [{ name: "email", type: "text" }] },
  },
  add_index: {
    "plain": { table: "orders", columns: [{ name: "customer_id", type: "bigint" }], details: { index_name: "orders_customer_id_idx" } },
    "unique": { table: "users", columns: [{ name: "email", type: "text" }], details: { index_name: "users_email_idx", unique: true } },
  },
  drop_index: { "plain": { table: "orders", columns: [{ name: "customer_id", type: "bigint" }], details: { index_name: "orders_customer_id_idx" } } },
  add_unique_constraint: {
    "duplicates, keep oldest, children re-pointed": {
      table: "users",
      columns: [{ name: "email", type: "text" }],
      details: { constraint_name: "users_email_key", dedup: "keep-oldest", referenced_by: ["sessions(user_id)"] },
    },
    "duplicates, keep newest": { table: "users", columns: [{ name: "email", type: "text" }], details: { constraint_name: "users_email_key", dedup: "keep-newest" } },
    "no duplicates": { table: "users", columns: [{ name: "email", type: "text" }], details: { constraint_name: "users_email_key", dedup: "none" } },
  },
  add_foreign_key: {
    "orders.customer_id -> customers.id": {
      table: "orders",
      columns: [{ name: "customer_id", type: "bigint" }],
      details: { ref_table: "customers", ref_column: "id", constraint_name: "orders_customer_id_fkey" },
    },
  },
  add_check_constraint: {
    "amount >= 0": { table: "orders", columns: [{ name: "amount", type: "integer" }], details: { check: "amount >= 0", constraint_name: "orders_amount_nonnegative" } },
  },
  add_primary_key: {
    "on id": { table: "events", columns: [{ name: "id", type: "bigint" }], details: { constraint_name: "events_pkey" } },
    "on id, already NOT NULL": { table: "events", columns: [{ name: "id", type: "bigint", nullable: false }], details: { constraint_name: "events_pkey" } },
  },
  add_exclusion_constraint: {
    "no overlapping bookings per room": {
      table: "bookings",
      columns: [
        { name: "room_id", type: "integer" },
        { name: "during", type: "tstzrange" },
      ],
      details: { exclusion: "USING gist (room_id WITH =, during WITH &&)", constraint_name: "bookings_no_overlap" },
    },
  },
  create_table: {
    "with a foreign key": {
      table: "invoices",
      columns: [
        { name: "id", type: "bigint", nullable: false },
        { name: "customer_id", type: "bigint", references: "customers(id)" },
        { name: "note", type: "text" },
      ],
    },
  },
  drop_table: { "with a child table": { table: "legacy_events", details: { referenced_by: ["legacy_event_notes(event_id)"] } } },
  rename_table: { "orders to purchases": { table: "orders", details: { new_name: "purchases" } } },
  add_enum_value: {
    "at the end": { table: "orders", columns: [{ name: "status", type: "order_status" }], details: { enum_type: "order_status", enum_value: "refunded" } },
    "after a value": { table: "orders", columns: [{ name: "status", type: "order_status" }], details: { enum_type: "order_status", enum_value: "refunded", after: "active" } },
  },
  backfill: {
    "full_name from first and last": {
      table: "users",
      columns: [
        { name: "first_name", type: "text" },
        { name: "last_name", type: "text" },
        { name: "full_name", type: "text" },
      ],
      details: { set: "full_name = first_name || ' ' || last_name", backfill_where: "full_name IS NULL" },
    },
  },
};

export interface PathCase {
  operation: Operation;
  variant: string;
  answers: PlanAnswers;
}

/** The choices a tree offers for an answer key, or undefined when no tree asks it. */
function choicesFor(trees: TreeSet | undefined, answer: string): string[] | undefined {
  if (!trees) return undefined;
  const values = new Set<string>();
  for (const node of Object.values(trees.nodes)) {
    if (node.type === "choice" && node.answer === answer) for (const c of node.choices) values.add(String(c.value));
  }
  return values.size ? [...values] : undefined;
}

/** Whether the trees ask `answer` for these answers (no tree: always). */
function asked(trees: TreeSet | undefined, answer: string, so_far: Answers, evaluate: ((c: never, a: Answers) => boolean) | undefined): boolean {
  if (!trees || !evaluate) return true;
  const nodes = Object.values(trees.nodes).filter((n): n is Exclude<TreeNode, { type: "end" }> => n.type !== "end" && n.answer === answer);
  if (nodes.length === 0) return true;
  return nodes.some((n) => !n.when || evaluate(n.when as never, so_far));
}

export interface PathSource {
  trees?: TreeSet;
  evaluate?: (cond: never, answers: Answers) => boolean;
  /** Why the trees could not be used, when they could not. */
  note?: string;
}

export function enumeratePaths(src: PathSource): PathCase[] {
  const { trees, evaluate } = src;
  const operations = (choicesFor(trees, "operation") ?? [...OPERATIONS]).filter((o): o is Operation => (OPERATIONS as readonly string[]).includes(o));
  const downtimes = choicesFor(trees, "downtime_tolerance") ?? [...DOWNTIME];
  const rollbacks = choicesFor(trees, "rollback_need") ?? [...ROLLBACK];
  // The tree's own size classes (its numeric choices); the "type a number" choice is covered by them.
  const treeSizes = choicesFor(trees, "approx_rows")?.map(Number).filter((n) => Number.isFinite(n));
  const sizeChoices = treeSizes?.length ? treeSizes : SIZE_SAMPLES;
  const cases: PathCase[] = [];
  for (const operation of operations) {
    for (const [variant, sample] of Object.entries(EXAMPLES[operation])) {
      for (const version of VERSION_BOUNDARIES) {
        const base: Answers = { mode: "plan", engine: "postgresql", engine_version: version, operation, ...sample };
        const sizes = asked(trees, "approx_rows", base, evaluate) ? sizeChoices : [0];
        const dts = asked(trees, "downtime_tolerance", base, evaluate) ? downtimes : [downtimes[0]];
        const rbs = asked(trees, "rollback_need", base, evaluate) ? rollbacks : [rollbacks[0]];
        for (const approx_rows of sizes)
          for (const downtime_tolerance of dts)
            for (const rollback_need of rbs)
              cases.push({
                operation,
                variant,
                answers: { ...base, approx_rows, downtime_tolerance, rollback_need, tool: "raw-sql" } as PlanAnswers,
              });
      }
    }
  }
  return cases;
}

/** What makes two plans the same for the proof: their SQL, claims and checks. */
export function sqlFingerprint(plan: Plan): string {
  return JSON.stringify(
    plan.phases.map((p) => ({
      s: p.statements.map((s) => [s.sql, s.lock, s.rewrite, s.transaction, s.lockedTables]),
      r: p.rollback?.map((s) => [s.sql, s.lock, s.rewrite, s.transaction, s.lockedTables]),
      i: !!p.irreversible,
      c: p.checks.map((c) => c.sql),
    })),
  );
}

export const describePath = (c: PathCase) =>
  `${c.operation} [${c.variant}] PG ${c.answers.engine_version}, ${c.answers.approx_rows} rows, downtime ${c.answers.downtime_tolerance}, rollback ${c.answers.rollback_need}`;
