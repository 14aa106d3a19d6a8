/**
 * The model change PLAN.md shows at each phase ("Change the model"), per tool: Django's models.py,
 * Prisma's schema (with @map/@@map), Drizzle's table, Rails' ignored_columns; nothing for tools
 * without a model. Names in the snippets are the names the SQL uses, and user text cannot leave
 * the code block.
 */
import { describe, expect, it } from "vitest";
import type { Tool } from "../../src/answers/schema.js";
import { buildPlan } from "../../src/plan/build.js";
import { renderPlanMarkdown } from "../../src/render/plan-md.js";
import { renderToolFiles } from "../../src/render/tools/index.js";
import { modelSnippets } from "../projects/model-snippets.js";

const NOW = new Date(Date.UTC(2026, 0, 15, 9, 30, 0));

function planMd(tool: Tool, operation: string, columns: object[], details: object = {}) {
  const plan = buildPlan({
    mode: "plan",
    engine: "postgresql",
    engine_version: "15",
    operation,
    table: "orders",
    columns,
    details,
    approx_rows: 30_000_000,
    downtime_tolerance: "none",
    rollback_need: "phase-level",
    tool,
  } as Parameters<typeof buildPlan>[0]);
  const out = renderToolFiles(plan, { now: NOW, slug: "change" });
  return { md: renderPlanMarkdown(plan, out), out };
}

describe("model snippets in PLAN.md", () => {
  it("Prisma: the new field joins the model when it is added, the old one (with its @map) leaves at the deploy before its drop", () => {
    const snippets = modelSnippets(planMd("prisma", "rename_column", [{ name: "legacy_status", type: "text" }], { new_name: "state" }).md);
    expect([...snippets.keys()]).toEqual(["01-expand", "04-deploy"]);
    expect(snippets.get("01-expand")).toBe([" model Order {", "+  state String?", '   @@map("orders")', " }"].join("\n"));
    expect(snippets.get("04-deploy")).toContain('-  legacyStatus String? @map("legacy_status")');
  });

  it("Prisma: an index and a foreign key under the plan's names, with the actions the database has", () => {
    const snippets = modelSnippets(planMd("prisma", "add_foreign_key", [{ name: "customer_id", type: "bigint" }], { ref_table: "customers", ref_column: "id" }).md);
    expect(snippets.get("01-expand")).toContain("+  @@index([customerId]");
    expect(snippets.get("02-expand")).toMatch(/\+ {2}customer Customer\? @relation\(fields: \[customerId\], references: \[id\], onDelete: NoAction, onUpdate: NoAction/);
    expect(snippets.get("02-expand")).toContain("+  orders Order[]");
  });

  it("Drizzle: the column with its database name, NOT NULL and default", () => {
    const snippets = modelSnippets(planMd("drizzle", "add_column", [{ name: "shipped_at", type: "timestamptz", nullable: false, default: "now()" }]).md);
    expect(snippets.get("01-expand")).toContain('+  shippedAt: timestamp("shipped_at", { withTimezone: true }).notNull().defaultNow(),');
  });

  it("Rails: ignored_columns added at the deploy before the drop, removed once the column is gone", () => {
    const snippets = modelSnippets(planMd("rails", "drop_column", [{ name: "legacy_status" }]).md);
    expect(snippets.get("01-deploy")).toBe([" class Order < ApplicationRecord", '+  self.ignored_columns += ["legacy_status"]', " end"].join("\n"));
    expect(snippets.get("03-contract")).toContain('-  self.ignored_columns += ["legacy_status"]');
  });

  it("Django: the migration carries the same field the snippet shows, as a state operation", () => {
    const { md, out } = planMd("django", "add_column", [{ name: "status", type: "varchar(20)", nullable: false, default: "'new'" }]);
    const field = 'models.CharField(max_length=20, default="new")';
    expect(modelSnippets(md).get("01-expand")).toContain(`+    status = ${field}`);
    expect(out.files[0].content).toContain(`migrations.AddField(model_name="order", name="status", field=${field})`);
  });

  it.for(["raw-sql", "flyway", "knex", "sqitch"] as Tool[])("%s has no model: no snippet", (tool) => {
    expect(planMd(tool, "drop_column", [{ name: "legacy_status" }]).md).not.toContain("### Change the model");
  });

  it("user text stays inside the code block: a default with backticks gets a longer fence", () => {
    const { md } = planMd("drizzle", "add_column", [{ name: "note", type: "text", default: "'a ```` b'" }]);
    const block = /^### Change the model$[^]*?^(`{3,})diff$/m.exec(md)!;
    expect(block[1].length).toBeGreaterThan(4);
    expect(modelSnippets(md).get("01-expand")).toContain('.default("a ```` b")');
  });
});

describe("Prisma's names for the objects it names", () => {
  const plan = (operation: string, table: string, columns: object[], details: object = {}, tool: Tool = "prisma") =>
    buildPlan({ mode: "plan", engine: "postgresql", engine_version: "15", operation, table, columns, details, approx_rows: 30_000_000, downtime_tolerance: "none", rollback_need: "phase-level", tool } as Parameters<typeof buildPlan>[0]);
  const sql = (p: ReturnType<typeof plan>) => p.phases.flatMap((ph) => ph.statements.map((s) => s.sql)).join("\n");

  it("index, foreign key, unique and primary key names keep the table's and columns' case, as Prisma writes them", () => {
    expect(sql(plan("add_index", "Post", [{ name: "authorId" }]))).toContain('CREATE INDEX CONCURRENTLY "Post_authorId_idx" ON "Post" ("authorId");');
    const fk = sql(plan("add_foreign_key", "Post", [{ name: "authorId" }], { ref_table: "User", ref_column: "id" }));
    expect(fk).toContain('"Post_authorId_idx"');
    expect(fk).toContain('ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId")');
    expect(sql(plan("add_unique_constraint", "User", [{ name: "email" }]))).toContain('"User_email_key"');
    expect(sql(plan("add_primary_key", "Post", [{ name: "id" }]))).toContain('"Post_pkey"');
  });

  it("the Prisma snippet then needs no map: the names are Prisma's defaults", () => {
    const p = plan("add_foreign_key", "Post", [{ name: "authorId", type: "integer" }], { ref_table: "User", ref_column: "id" });
    const md = renderPlanMarkdown(p, renderToolFiles(p, { now: NOW, slug: "fk" }));
    const snippets = modelSnippets(md);
    expect(snippets.get("01-expand")).toContain("+  @@index([authorId])\n");
    expect(snippets.get("02-expand")).toContain("@relation(fields: [authorId], references: [id], onDelete: NoAction, onUpdate: NoAction)\n");
  });

  it("names stay within 63 bytes, and other tools keep PostgreSQL's lower-case names", () => {
    const long = "A".repeat(40);
    expect(sql(plan("add_index", "Post", [{ name: long }]))).toContain(`"Post_${long}_idx"`);
    const name = /CREATE INDEX CONCURRENTLY "([^"]+)"/.exec(sql(plan("add_index", `Post${long}`, [{ name: long }])))![1];
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^PostA+_A+_[0-9a-f]{8}_idx$/);
    expect(sql(plan("add_index", "Post", [{ name: "authorId" }], {}, "knex"))).toContain("CREATE INDEX CONCURRENTLY post_authorid_idx ON");
  });
});
