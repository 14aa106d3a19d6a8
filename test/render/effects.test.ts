/**
 * Renderers learn what a statement does from its effect, never from its SQL text: for each effect a
 * renderer recognises, the plan's own statement gives the tool's idiom, and the same statement with
 * its effect taken away (the SQL text unchanged) stays raw SQL.
 */
import { describe, expect, it } from "vitest";
import type { PlanAnswers, Tool } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import { dropsColumn } from "../../src/plan/effects.js";
import { modelChanges } from "../../src/render/models/changes.js";
import type { Plan, Statement } from "../../src/plan/model.js";
import { renderToolFiles } from "../../src/render/tools/index.js";
import { fixturePlan } from "../tools/fixture.js";

const NOW = new Date("2026-01-02T03:04:05Z");

const answers = (over: Partial<PlanAnswers> & Pick<PlanAnswers, "operation" | "table">): PlanAnswers =>
  ({ mode: "plan", engine: "postgresql", engine_version: "16.2", approx_rows: 30_000_000, downtime_tolerance: "none", rollback_need: "phase-level", tool: "raw-sql", ...over }) as PlanAnswers;

const render = (plan: Plan, tool: Tool) => renderToolFiles({ ...plan, answers: { ...plan.answers, tool } }, { now: NOW, slug: "change" });
const text = (plan: Plan, tool: Tool) => render(plan, tool).files.map((f) => f.content).join("\n");

/** The plan with the effect of every statement matching `sql` removed; the SQL text stays as it was. */
function withoutEffect(plan: Plan, sql: RegExp): Plan {
  const strip = (list?: Statement[]) => list?.map(({ effects, ...s }) => (sql.test(s.sql) ? s : { ...s, effects }));
  const phases = plan.phases.map((p) => ({ ...p, statements: strip(p.statements)!, ...(p.rollback ? { rollback: strip(p.rollback) } : {}) }));
  const stripped = { ...plan, phases };
  const count = (pl: Plan) => pl.phases.flatMap((p) => [...p.statements, ...(p.rollback ?? [])]).filter((s) => s.effects && sql.test(s.sql)).length;
  expect(count(plan)).toBeGreaterThan(0);
  expect(count(stripped)).toBe(0);
  return stripped;
}

const addIndex = buildPlan(answers({ operation: "add_index", table: "billing.orders", columns: [{ name: "customer_id" }] }));
const addFk = buildPlan(
  answers({ operation: "add_foreign_key", table: "orders", columns: [{ name: "customer_id" }], details: { ref_table: "customers", ref_column: "id" } }),
);

describe("create_index (plain, concurrent)", () => {
  it("Alembic writes op.create_index(..., postgresql_concurrently=True); without the effect, op.execute of the same SQL", () => {
    expect(text(addIndex, "alembic")).toContain(
      `op.create_index("orders_customer_id_idx", "orders", ["customer_id"], schema="billing", postgresql_concurrently=True)`,
    );
    const raw = text(withoutEffect(addIndex, /^CREATE INDEX/), "alembic");
    expect(raw).not.toContain("op.create_index(");
    expect(raw).toContain(`op.execute("CREATE INDEX CONCURRENTLY orders_customer_id_idx ON billing.orders (customer_id);")`);
  });

  it("Rails writes add_index ..., algorithm: :concurrently; without the effect, execute", () => {
    expect(text(addIndex, "rails")).toContain(`add_index "billing.orders", ["customer_id"], name: "orders_customer_id_idx", algorithm: :concurrently`);
    const raw = text(withoutEffect(addIndex, /^CREATE INDEX/), "rails");
    expect(raw).not.toContain("add_index ");
    expect(raw).toContain(`execute "CREATE INDEX CONCURRENTLY orders_customer_id_idx ON billing.orders (customer_id);"`);
  });

  it("a build that is not plain (a method) stays raw SQL although it is concurrent", () => {
    const hash = buildPlan(answers({ operation: "add_index", table: "orders", columns: [{ name: "customer_id" }], details: { method: "hash" } }));
    expect(hash.phases[0].statements[0].effects).toMatchObject([{ kind: "create_index", concurrent: true, plain: false }]);
    expect(text(hash, "alembic")).not.toContain("op.create_index(");
  });
});

describe("create_index with its drop_index (Django)", () => {
  const plan = buildPlan(answers({ operation: "add_index", table: "orders", columns: [{ name: "customer_id" }], tool: "django" }));

  it("is AddIndexConcurrently when the build and its undo both carry their effects", () => {
    const out = text(plan, "django");
    expect(out).toContain(`AddIndexConcurrently(model_name="order", index=models.Index(fields=["customer_id"], name="orders_customer_id_idx"))`);
    expect(out).toContain("from django.contrib.postgres.operations import AddIndexConcurrently");
  });

  it("stays RunSQL when the undo's DROP INDEX CONCURRENTLY has no effect", () => {
    const out = text(withoutEffect(plan, /^DROP INDEX CONCURRENTLY/), "django");
    expect(out).not.toContain("AddIndexConcurrently");
    expect(out).toContain("migrations.RunSQL(");
  });

  it("stays RunSQL when the build has no effect", () => {
    expect(text(withoutEffect(plan, /^CREATE INDEX/), "django")).not.toContain("AddIndexConcurrently");
  });
});

describe("validate_constraint (foreign key)", () => {
  it("Rails writes validate_foreign_key; without the effect, execute of the same SQL", () => {
    expect(text(addFk, "rails")).toContain(`validate_foreign_key "orders", name: "orders_customer_id_fkey"`);
    const raw = text(withoutEffect(addFk, /VALIDATE CONSTRAINT/), "rails");
    expect(raw).not.toContain("validate_foreign_key");
    expect(raw).toContain(`execute "ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;"`);
  });
});

describe("drop_column", () => {
  const plan = fixturePlan("rails", "drop_column");
  plan.answers.columns = [{ name: "legacy_status" }];

  it("the phase that drops the column gets Rails' ignored_columns note; without the effect it does not", () => {
    expect(dropsColumn(plan.phases.find((p) => p.id === "05-contract")!)).toBe(true);
    expect(render(plan, "rails").phases["05-contract"].notes!.join("\n")).toContain("ignored_columns");
    const raw = withoutEffect(plan, /DROP COLUMN legacy_status/);
    expect(dropsColumn(raw.phases.find((p) => p.id === "05-contract")!)).toBe(false);
    expect(render(raw, "rails").phases["05-contract"].notes!.join("\n")).not.toContain("ignored_columns");
  });

  it("a MySQL drop carries the effect on the statement that drops (the CALL), not on the procedure text", () => {
    for (const engine_version of ["8.0.28", "8.4"]) {
      const mysql = buildPlan(answers({ operation: "drop_column", engine: "mysql", engine_version, table: "orders", columns: [{ name: "legacy_status" }] }));
      const drops = mysql.phases.flatMap((p) => p.statements).filter((s) => s.effects?.some((e) => e.kind === "drop_column"));
      expect(drops.map((s) => s.sql)).toEqual([expect.stringMatching(/^(CALL |ALTER TABLE orders DROP COLUMN legacy_status)/)]);
    }
  });
});

describe("statements that do several things", () => {
  it("a lock-retry block carries the loop and what it wraps, so no tool helper stands for it", () => {
    const small = buildPlan(
      answers({ operation: "add_foreign_key", table: "orders", approx_rows: 5000, downtime_tolerance: "minutes", columns: [{ name: "customer_id" }], details: { ref_table: "customers", ref_column: "id" } }),
    );
    const block = small.phases.flatMap((p) => p.statements).find((s) => s.effects?.[0]?.kind === "lock_retry");
    expect(block?.effects?.map((e) => e.kind)).toEqual(["lock_retry", "create_index", "add_constraint"]);
  });
});

describe("model changes follow effects", () => {
  const kinds = (plan: Plan) => [...modelChanges(plan).values()].flatMap((m) => m.changes.map((c) => c.kind));
  const cases: { name: string; answers: PlanAnswers; sql: RegExp; kind: string }[] = [
    { name: "add_column", answers: answers({ operation: "add_column", table: "orders", columns: [{ name: "status", type: "text" }] }), sql: /ADD COLUMN status/, kind: "add_field" },
    {
      name: "set_not_null (PostgreSQL)",
      answers: answers({ operation: "set_not_null", table: "orders", columns: [{ name: "status", type: "text" }] }),
      sql: /SET NOT NULL/,
      kind: "alter_field",
    },
    {
      name: "set_not_null (MySQL MODIFY)",
      answers: answers({ operation: "set_not_null", engine: "mysql", engine_version: "8.4", table: "orders", columns: [{ name: "status", type: "varchar(20)" }] }),
      sql: /MODIFY COLUMN status/,
      kind: "alter_field",
    },
    {
      name: "rename_column (in place)",
      answers: answers({ operation: "rename_column", table: "orders", downtime_tolerance: "minutes", approx_rows: 5000, columns: [{ name: "status", type: "text" }], details: { new_name: "state" } }),
      sql: /RENAME COLUMN status TO state/,
      kind: "rename_field",
    },
    {
      name: "change_column_type (in place)",
      answers: answers({ operation: "change_column_type", table: "orders", columns: [{ name: "note", type: "varchar(100)" }], details: { new_type: "text" } }),
      sql: /ALTER COLUMN note TYPE/,
      kind: "alter_field",
    },
    {
      name: "add_unique_constraint",
      answers: answers({ operation: "add_unique_constraint", table: "orders", columns: [{ name: "code" }] }),
      sql: /^CREATE UNIQUE INDEX/,
      kind: "add_index",
    },
  ];
  for (const t of cases) {
    it(`${t.name}: a ${t.kind} where the effect is; none once the same SQL has no effect`, () => {
      const plan = buildPlan(t.answers);
      expect(kinds(plan)).toContain(t.kind);
      expect(kinds(withoutEffect(plan, t.sql))).not.toContain(t.kind);
    });
  }
});
