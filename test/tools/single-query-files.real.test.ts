/**
 * golang-migrate and Prisma cannot be installed here. What decides whether their files work is how
 * PostgreSQL treats a file sent as ONE multi-statement query (both tools do that): as one implicit
 * transaction. This runs every rendered file that way on a real PostgreSQL, in the tools' order, and
 * shows why a non-transactional statement must be alone: the same statement after a SET fails.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tool } from "../../src/answers/schema.js";
import { TOOL_RENDERERS } from "../../src/render/tools/index.js";
import { startPostgres, type PgServer } from "../support/pg-server.js";
import { FIXTURE_NOW, FIXTURE_SLUG, fixturePlan } from "./fixture.js";
import { expectChecks, freshDatabase, ordersShape, ORIGINAL_SHAPE } from "./support.js";

const TOOLS: { tool: Tool; up: (p: string) => boolean; down: (p: string) => boolean }[] = [
  { tool: "golang-migrate", up: (p) => p.endsWith(".up.sql"), down: (p) => p.endsWith(".down.sql") },
  { tool: "prisma", up: (p) => p.endsWith("/migration.sql"), down: (p) => p.endsWith("/down.sql") },
];

describe("files sent as one query each (how golang-migrate and Prisma run them)", () => {
  let server: PgServer | null = null;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => server?.stop());

  it("PostgreSQL refuses CREATE INDEX CONCURRENTLY after another statement in the same query", async (ctx) => {
    if (!server) return ctx.skip("PostgreSQL absent");
    const db = await freshDatabase(server, "t_single_negative");
    try {
      await expect(db.client.query("SET lock_timeout = '200ms'; CREATE INDEX CONCURRENTLY i ON orders (customer_id);")).rejects.toThrow(
        /cannot run inside a transaction block/,
      );
    } finally {
      await db.close();
    }
  });

  it.for(TOOLS)("$tool: every up file applies, every down file rolls back", async ({ tool, up, down }, ctx) => {
    if (!server) return ctx.skip("PostgreSQL absent");
    const plan = fixturePlan(tool);
    const out = TOOL_RENDERERS[tool].render(plan, { now: FIXTURE_NOW, slug: FIXTURE_SLUG });
    const text = (p: string) => out.files.find((f) => f.path === p)!.content;
    const db = await freshDatabase(server, `t_single_${tool.replace(/-/g, "_")}`);
    // A fresh session per file, as the tools' connections do not promise one session across files.
    const runFile = async (path: string) => {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        await c.query(text(path));
      } finally {
        await c.end();
      }
    };
    try {
      const reversible = plan.phases.filter((p) => out.phases[p.id] && !p.irreversible);
      for (const phase of reversible) {
        for (const f of out.phases[phase.id].files.filter(up)) await runFile(f);
        await expectChecks(db, phase);
      }
      for (const phase of [...reversible].reverse()) {
        for (const f of out.phases[phase.id].files.filter(down).reverse()) await runFile(f);
      }
      expect(await ordersShape(db)).toEqual(ORIGINAL_SHAPE);
      const contract = plan.phases.find((p) => p.irreversible)!;
      for (const phase of plan.phases.filter((p) => out.phases[p.id])) {
        for (const f of out.phases[phase.id].files.filter(up)) await runFile(f);
      }
      await expectChecks(db, contract);
      await expect(runFile(out.phases[contract.id].files.find(down)!)).rejects.toThrow(/legacy_status is gone/);
    } finally {
      await db.close();
    }
  });
});
