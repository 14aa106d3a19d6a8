import { describe, expect, it } from "vitest";
import type { Answers, Tool } from "../../src/answers/schema.js";
import type { TreeSet } from "../../src/trees/model.js";
import { shippedTrees } from "../../src/trees/shipped.js";
import { DIAGNOSES } from "../../src/troubleshoot/diagnoses/index.js";
import { troubleshoot } from "../../src/troubleshoot/run.js";

const trees = shippedTrees();
const SECTIONS = ["What happened", "Confirm it (read-only)", "Repair, step by step", "Do not", "Prevent it next time"];

/** Every way from the troubleshoot entry to an end node, as the branching answers that lead there. */
function routes(t: TreeSet): { leaf: string; outcome: string; answers: Record<string, unknown> }[] {
  const out: { leaf: string; outcome: string; answers: Record<string, unknown> }[] = [];
  const visit = (id: string, answers: Record<string, unknown>) => {
    const node = t.nodes[id];
    if (node.type === "end") return void out.push({ leaf: id, outcome: node.outcome, answers });
    // engine, version and tool come from the answers file in these walks
    if (node.type === "input" || ["engine", "tool"].includes(node.answer)) return visit(node.next!, answers);
    for (const c of node.choices) visit(c.next ?? node.next!, { ...answers, [node.answer]: c.value });
  };
  visit(t.entry.troubleshoot, {});
  return out;
}

function sections(md: string): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const chunk of md.split(/^## /m).slice(1)) {
    const [title, ...rest] = chunk.split("\n");
    parts[title.trim()] = rest.join("\n").trim();
  }
  return parts;
}

const ENGINES = [
  { engine: "postgresql", engine_version: "16.2" },
  { engine: "mysql", engine_version: "8.0.36" },
] as const;
const TOOLS: Tool[] = ["raw-sql", "golang-migrate", "flyway", "alembic", "django", "rails", "prisma", "knex"];

describe("every leaf of the troubleshoot tree", () => {
  const all = routes(trees);

  it("reaches every diagnosis in the registry, and only known ones", () => {
    const ids = new Set(all.map((r) => r.outcome.replace(/^diagnosis:/, "")));
    expect([...ids].sort()).toEqual(Object.keys(DIAGNOSES).sort());
    expect(Object.keys(DIAGNOSES).length).toBeGreaterThanOrEqual(13);
  });

  for (const route of all) {
    for (const eng of ENGINES) {
      it(`${route.leaf} via ${JSON.stringify(route.answers)} on ${eng.engine}`, () => {
        for (const tool of TOOLS) {
          const answers = { mode: "troubleshoot", ...eng, tool, ...route.answers } as Answers;
          const result = troubleshoot({ trees, answers });
          expect(result.status, tool).toBe("diagnosed");
          if (result.status !== "diagnosed") return;
          expect(`diagnosis:${result.diagnosisId}`).toBe(route.outcome);
          const md = result.files.find((f) => f.path === "REPAIR.md")!.content;
          const parts = sections(md);
          for (const s of SECTIONS) expect(parts[s], `${tool}: ${s}`).toMatch(/\S{3}/);
          expect(result.stdout).toMatch(/^Diagnosis: /);

          const report = DIAGNOSES[result.diagnosisId].build({
            engine: eng.engine,
            version: eng.engine_version,
            tool,
            names: { table: "t", columns: ["c"], indexName: "i", constraintName: "k", refTable: "p", refColumn: "id", primaryKey: "id", placeholders: [], guessed: [] },
          });
          expect(report.confirm.length).toBeGreaterThan(0);
          // The SQL is for the user's engine: no MySQL syntax for PostgreSQL and the reverse.
          const sql = [...report.confirm.map((q) => q.sql ?? ""), ...report.repair.map((s) => s.sql ?? "")].join("\n");
          if (eng.engine === "postgresql") expect(sql).not.toMatch(/`|DATABASE\(\)|information_schema\.innodb|\bsys\./);
          else expect(sql).not.toMatch(/\bpg_[a-z_]+\(|pg_stat_activity|::regclass|CONCURRENTLY/);
        }
      });
    }
  }

  it("names the tool's own commands where the tool matters", () => {
    const dirty = (tool: Tool) => {
      const r = troubleshoot({ trees, answers: { mode: "troubleshoot", engine: "mysql", engine_version: "8.0.36", tool, symptom: "history", history_problem: "dirty" } as Answers });
      return r.status === "diagnosed" ? r.files[0].content : "";
    };
    expect(dirty("golang-migrate")).toMatch(/migrate -path migrations -database "\$DATABASE_URL" force/);
    expect(dirty("flyway")).toMatch(/flyway repair/);
    expect(dirty("alembic")).toMatch(/alembic stamp/);
    expect(dirty("django")).toMatch(/migrate <app> \S+ --fake/);
    expect(dirty("prisma")).toMatch(/prisma migrate resolve/);
  });

  it("gives different advice on PostgreSQL and MySQL for a half-applied migration", () => {
    const md = (engine: "postgresql" | "mysql") => {
      const r = troubleshoot({ trees, answers: { mode: "troubleshoot", engine, engine_version: engine === "mysql" ? "8.0.36" : "16.2", tool: "raw-sql", symptom: "failed", failure: "halfway" } as Answers });
      return r.status === "diagnosed" ? r.files[0].content : "";
    };
    expect(md("postgresql")).toMatch(/rolls back every statement/);
    expect(md("mysql")).toMatch(/commits implicitly/);
  });

  it("writes a repair migration only where one applies, with placeholders flagged when names are unknown", () => {
    const r = troubleshoot({ trees, answers: { mode: "troubleshoot", engine: "postgresql", engine_version: "16.2", tool: "raw-sql", symptom: "failed", failure: "fk" } as Answers });
    expect(r.status).toBe("diagnosed");
    if (r.status !== "diagnosed") return;
    expect(r.files.map((f) => f.path)).toEqual([
      "REPAIR.md",
      "migrations/001_backfill.up.sql",
      "migrations/001_backfill.down.sql",
      "migrations/002_verify.up.sql",
      "migrations/002_verify.down.sql",
    ]);
    expect(r.files[0].content).toMatch(/Replace the placeholders.*`your_table`.*`your_column`.*`parent_table`/);
    const lock = troubleshoot({ trees, answers: { mode: "troubleshoot", engine: "postgresql", engine_version: "16.2", tool: "raw-sql", symptom: "failed", failure: "lock_timeout" } as Answers });
    expect(lock.status === "diagnosed" && lock.files.map((f) => f.path)).toEqual(["REPAIR.md"]);
  });

  it("REINDEX CONCURRENTLY is offered only from PostgreSQL 12", () => {
    const md = (v: string) => {
      const r = troubleshoot({ trees, answers: { mode: "troubleshoot", engine: "postgresql", engine_version: v, tool: "raw-sql", symptom: "failed", failure: "invalid_index" } as Answers });
      return r.status === "diagnosed" ? r.files[0].content : "";
    };
    expect(md("11.9")).not.toMatch(/REINDEX INDEX CONCURRENTLY/);
    expect(md("12.0")).toMatch(/REINDEX INDEX CONCURRENTLY/);
    expect(md("14.2")).toMatch(/14\.0 to 14\.3 can corrupt/);
  });
});

describe("repair migrations in the user's tool", () => {
  const now = new Date("2026-01-02T03:04:05Z");
  const TOOLS_ALL: Tool[] = ["raw-sql", "alembic", "django", "knex", "prisma", "rails", "flyway", "liquibase", "golang-migrate", "goose", "node-pg-migrate", "drizzle", "dbmate", "sqitch"];
  for (const tool of TOOLS_ALL) {
    it(`${tool}: the dedup repair is written in the tool's files, with the non-transactional phase marked`, () => {
      const r = troubleshoot({
        trees,
        now,
        answers: { mode: "troubleshoot", engine: "postgresql", engine_version: "16.2", tool, table: "users", columns: [{ name: "email" }], symptom: "failed", failure: "duplicates" } as Answers,
      });
      expect(r.status).toBe("diagnosed");
      if (r.status !== "diagnosed") return;
      const migrationFiles = r.files.filter((f) => f.path !== "REPAIR.md");
      expect(migrationFiles.length).toBeGreaterThan(0);
      const all = migrationFiles.map((f) => f.content).join("\n");
      expect(all).toContain("DELETE FROM users a USING users b WHERE a.email = b.email AND a.id > b.id");
      // Alembic and Rails write the same build with their own helpers (src/render/tools/alembic.ts, rails.ts).
      const build: Partial<Record<Tool, string>> = {
        alembic: 'op.create_index("users_email_key", "users", ["email"], unique=True, postgresql_concurrently=True)',
        rails: 'add_index "users", ["email"], name: "users_email_key", unique: true, algorithm: :concurrently',
      };
      expect(all).toContain(build[tool] ?? "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email)");
      const md = r.files[0].content;
      for (const f of migrationFiles) expect(md).toContain(f.path);
      expect(md).toMatch(/Run:\n\n```sh\n\S/);
    });
  }
});

describe("the plain SQL fallback", () => {
  it("wraps transactional phases in BEGIN/COMMIT and says which phase must run outside one", async () => {
    const { renderRepairSql, repairPlan } = await import("../../src/troubleshoot/render.js");
    const { diagnosisInput } = await import("../../src/troubleshoot/input.js");
    const answers = { mode: "troubleshoot", engine: "postgresql", engine_version: "16.2", tool: "raw-sql", table: "users", columns: [{ name: "email" }] } as Answers;
    const report = DIAGNOSES["duplicate-rows"].build(diagnosisInput(answers));
    const [up, down] = renderRepairSql(repairPlan(report, answers)!, "dedup_users");
    expect(up.content).toMatch(/BEGIN;\nCREATE TABLE users_dedup_backup[^]*DELETE FROM users a USING users b[^]*COMMIT;/);
    expect(up.content).toMatch(/Runs outside a transaction[^]*\nDROP INDEX CONCURRENTLY IF EXISTS users_email_key;\nCREATE UNIQUE INDEX CONCURRENTLY/);
    // Undo runs last phase first.
    expect(down.content.indexOf("DROP INDEX CONCURRENTLY")).toBeLessThan(down.content.indexOf("INSERT INTO users SELECT * FROM users_dedup_backup"));
  });
});
