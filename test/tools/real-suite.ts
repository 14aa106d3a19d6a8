/**
 * The suite every runnable tool goes through on a real PostgreSQL: the hand-built fixture's round
 * trip, then plans built by the real recipes (buildPlan): apply each phase (its checks pass), roll
 * the reversible ones back (the database is as before), apply them all again.
 */
import { writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanAnswers, Tool } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import type { Plan } from "../../src/plan/model.js";
import { startPostgres, type PgServer } from "../support/pg-server.js";
import { missing, prepare, undoCommand, type Prepared } from "./drivers.js";
import { roundTrip } from "./exercise.js";
import { fixturePlan } from "./fixture.js";
import { printedCommands } from "./plan-md-commands.js";
import { expectChecks, freshDatabase, ordersShape, type Db } from "./support.js";

const base = {
  mode: "plan",
  engine: "postgresql",
  engine_version: "15",
  table: "orders",
  approx_rows: 30_000_000,
  downtime_tolerance: "none",
  rollback_need: "phase-level",
  // Replaced by each suite's own tool.
  tool: "raw-sql",
} as const;

export const RECIPE_ANSWERS: PlanAnswers[] = [
  { ...base, operation: "add_index", columns: [{ name: "customer_id" }] },
  { ...base, operation: "add_column", columns: [{ name: "status", type: "text", default: "'new'", nullable: false }] },
  { ...base, operation: "drop_column", columns: [{ name: "legacy_status" }] },
  { ...base, operation: "rename_column", columns: [{ name: "legacy_status", type: "text" }], details: { new_name: "state" } },
];

const BOOKKEEPING = /^(alembic_version|django_migrations|schema_migrations|ar_internal_metadata|knex_migrations(_lock)?|pgmigrations)$/;

/** Everything a plan may create or change in the public schema, minus the tools' own bookkeeping. */
async function schemaShape(db: Db) {
  const q = async (sql: string) => (await db.client.query(sql)).rows.map((r) => Object.values(r).join(" "));
  return {
    columns: (await q("SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2")).filter(
      (c) => !BOOKKEEPING.test(c.split(" ")[0]),
    ),
    tables: (await q("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).filter((t) => !BOOKKEEPING.test(t)),
    indexes: await q("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'orders' ORDER BY 1"),
    triggers: await q("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1"),
    functions: await q("SELECT proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' ORDER BY 1"),
  };
}

/** The rows the plans must not change: every original column that still exists, in key order. */
async function ordersData(db: Db): Promise<string> {
  const { rows } = await db.client.query("SELECT md5(string_agg(concat_ws('|', id, customer_id, legacy_status), ',' ORDER BY id)) AS h FROM orders");
  return rows[0].h as string;
}

/**
 * As a user following PLAN.md literally: apply every phase with its printed command, undo each
 * reversible one newest first with its printed "With the tool" command (checks of the phases still
 * applied keep passing, rows unchanged), apply everything again.
 */
export async function recipeTrip(plan: Plan, prepared: Pick<Prepared, "exec" | "planMd">, db: Db) {
  const { exec } = prepared;
  const printed = printedCommands(prepared.planMd);
  const withSql = plan.phases.filter((p) => p.statements.length);
  const firstIrreversible = withSql.findIndex((p) => p.irreversible);
  const reversible = firstIrreversible === -1 ? withSql : withSql.slice(0, firstIrreversible);
  const step = (command: string | undefined, what: string, phaseId: string) => {
    expect(command, `PLAN.md prints a command to ${what}`).toBeTruthy();
    const r = exec(command!, phaseId);
    expect(r.status, `${what}: ${command}\n${r.out}`).toBe(0);
  };
  for (const p of withSql) if (!p.irreversible) expect(printed.undo.get(p.id), `${p.id}: PLAN.md says how to undo it with the tool`).toBeTruthy();
  const before = await schemaShape(db);
  const data = await ordersData(db);
  for (const phase of reversible) {
    step(printed.apply.get(phase.id), `apply ${phase.id}`, phase.id);
    await expectChecks(db, phase);
  }
  for (let i = reversible.length - 1; i >= 0; i--) {
    step(printed.undo.get(reversible[i].id), `undo ${reversible[i].id}`, reversible[i].id);
    for (const earlier of reversible.slice(0, i)) await expectChecks(db, earlier);
    expect(await ordersData(db), `rows unchanged after undoing ${reversible[i].id}`).toBe(data);
  }
  expect(await schemaShape(db)).toEqual(before);
  for (const phase of withSql) {
    step(printed.apply.get(phase.id), `apply ${phase.id} again`, phase.id);
    await expectChecks(db, phase);
  }
}

/** Django: the state of the model the plan changes, as the app's earlier migrations would hold it. */
function djangoModelState(prepared: Prepared) {
  const dir = prepared.dir;
  writeFileSync(
    join(dir, "app", "migrations", "0000_initial.py"),
    [
      "from django.db import migrations, models",
      "",
      "class Migration(migrations.Migration):",
      "    initial = True",
      "    dependencies = []",
      "    operations = [",
      "        migrations.SeparateDatabaseAndState(state_operations=[",
      '            migrations.CreateModel(name="Order", fields=[',
      '                ("id", models.BigAutoField(primary_key=True)),',
      '                ("customer_id", models.BigIntegerField(null=True)),',
      '                ("legacy_status", models.TextField(null=True)),',
      '            ], options={"db_table": "orders"}),',
      "        ]),",
      "    ]",
      "",
    ].join("\n"),
  );
  // The step the notes ask of the user: point the first migration at the app's latest one.
  const first = join(dir, prepared.out.files[0].path);
  writeFileSync(first, readFileSync(first, "utf8").replace("dependencies = []", 'dependencies = [("app", "0000_initial")]'));
}

export function realToolSuite(tool: Tool): void {
  const absent = missing(tool);
  describe(`${tool}, run for real on PostgreSQL`, () => {
    let server: PgServer | null = null;
    let n = 0;
    beforeAll(async () => {
      if (!absent) server = await startPostgres();
    });
    afterAll(async () => server?.stop());
    const db = async () => freshDatabase(server!, `t_${tool.replace(/-/g, "_")}_${n++}`);

    it("fixture: applies, rolls back, re-applies, and refuses to undo the irreversible phase", async (ctx) => {
      if (absent || !server) return ctx.skip(absent ?? "PostgreSQL absent");
      const plan = fixturePlan(tool);
      const d = await db();
      try {
        const prepared = prepare(tool, plan, server, d);
        // The migrations carry the model's state changes: the app's model must be in Django's state, as in a real project.
        if (tool === "django") djangoModelState(prepared);
        const irreversible = plan.phases.find((p) => p.irreversible)!;
        await roundTrip(plan, prepared.out, d, {
          exec: prepared.exec,
          undoIrreversible: undoCommand(tool, plan, prepared.out, irreversible.id),
          // `exports.down = false` is node-pg-migrate's idiom; the reason stays in the file's comment.
          refusal: tool === "node-pg-migrate" ? /disabled down migration/ : undefined,
        });
      } finally {
        await d.close();
      }
    }, 120_000);

    it.for(RECIPE_ANSWERS.map((a) => [a.operation, a] as const))("buildPlan %s: phases apply, roll back and re-apply", { timeout: 120_000 }, async ([, answers], ctx) => {
      if (absent || !server) return ctx.skip(absent ?? "PostgreSQL absent");
      const plan = buildPlan({ ...(answers as PlanAnswers), tool });
      const d = await db();
      try {
        const prepared = prepare(tool, plan, server, d);
        if (tool === "django") djangoModelState(prepared);
        await recipeTrip(plan, prepared, d);
      } finally {
        await d.close();
      }
    });

    it("a phase whose checks fail blocks the next one: its file's guard raises with the check's description", async (ctx) => {
      if (absent || !server) return ctx.skip(absent ?? "PostgreSQL absent");
      const plan = buildPlan({ ...(RECIPE_ANSWERS[3] as PlanAnswers), tool });
      const d = await db();
      try {
        const prepared = prepare(tool, plan, server, d);
        if (tool === "django") djangoModelState(prepared);
        const printed = printedCommands(prepared.planMd);
        for (const id of ["01-expand", "02-backfill"]) expect(prepared.exec(printed.apply.get(id)!, id).status).toBe(0);
        // A row the backfill has not reached (written while the sync trigger was off, say).
        await d.client.query("SET session_replication_role = replica; UPDATE orders SET state = NULL WHERE id = 7; SET session_replication_role = DEFAULT");
        const r = prepared.exec(printed.apply.get("05-contract")!, "05-contract");
        expect(r.status, r.out).not.toBe(0);
        // drizzle-kit migrate exits 1 without printing the database's message (it shows only its spinner).
        if (tool !== "drizzle") expect(r.out).toMatch(/phase 02-backfill is not complete: No row still needs the backfill/);
        expect((await ordersShape(d)).columns).toContain("legacy_status");
      } finally {
        await d.close();
      }
    }, 120_000);
  });
}
