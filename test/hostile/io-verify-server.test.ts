/**
 * verify against a real PostgreSQL server with malicious plans: SQL injected through answers, a
 * tampered file with DROP DATABASE appended, garbage. Nothing outside verify's own database may
 * change (a catalog snapshot of every other database, the roles and the databases, before and
 * after), no shell command may run, and a signal still drops what verify created.
 */
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAnswers, requirePlanAnswers } from "../../src/answers/load.js";
import { writeAll } from "../../src/output/write.js";
import { planOutputs } from "../../src/render/outputs.js";
import { verifyCommand } from "../../src/verify/command.js";
import { openServer } from "../../src/verify/session.js";
import { startPostgres, type PgServer } from "../support/pg-server.js";

let server: PgServer | null = null;
const tmp = mkdtempSync(join(tmpdir(), "mw-io-verify-"));
const pwned = join(tmp, "pwned");
beforeAll(async () => {
  server = await startPostgres();
  if (!server) return;
  const s = await openServer(server.url);
  await s.query("CREATE DATABASE app");
  await s.close();
  const app = await openServer(server.url.replace(/\/postgres$/, "/app"));
  await app.query("CREATE TABLE public.customers (id bigint PRIMARY KEY); CREATE TABLE public.orders (id bigint PRIMARY KEY, customer_id bigint)");
  await app.close();
}, 120_000);
afterAll(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function snapshot(url: string): Promise<string> {
  const s = await openServer(url);
  const out: unknown[] = [];
  try {
    const dbs = await s.query("SELECT datname FROM pg_database WHERE datallowconn ORDER BY 1");
    out.push(dbs, await s.query("SELECT rolname, rolsuper, rolcreatedb FROM pg_roles ORDER BY 1"));
    for (const { datname } of dbs) {
      const d = await openServer(url.replace(/\/postgres$/, `/${datname}`));
      out.push(datname, await d.query("SELECT n.nspname, c.relname, c.relkind, c.relnatts FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1, 2"));
      out.push(await d.query("SELECT conname, conrelid::regclass::text AS rel FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1"));
      await d.close();
    }
  } finally {
    await s.close();
  }
  return JSON.stringify(out);
}

function planFolder(yaml: string): string {
  const dir = mkdtempSync(join(tmp, "plan-"));
  writeAll(dir, planOutputs(requirePlanAnswers(parseAnswers(yaml, "answers.yaml")), new Date()).files, { force: true });
  return dir;
}

const base = (extra: string) => `engine: postgresql
engine_version: "15"
approx_rows: 1000
downtime_tolerance: none
rollback_need: phase-level
tool: raw-sql
${extra}`;

const injected = base(`operation: add_column
table: orders
columns: [{name: note, type: text, default: "'x'; CREATE TABLE public.t(); COPY (SELECT 1) TO PROGRAM 'touch ${pwned}'; SELECT 'y'"}]
`);
const foreignKey = base(`operation: add_foreign_key
table: public.orders
columns: [{name: customer_id, type: bigint}]
details: {ref_table: public.customers, ref_column: id}
`);

describe("verify on a server cannot touch anything but its own database", () => {
  it("malicious plans and tampered files change nothing outside it and run no shell command", async (ctx) => {
    if (!server) return ctx.skip("no PostgreSQL server binaries (Debian's postgresql package)");
    const before = await snapshot(server.url);
    const runs: { name: string; exitCode: number; output: string }[] = [];
    // SQL injected through a default: whatever the plan builder makes of it runs only in verify's database, as a non-superuser.
    try {
      runs.push({ name: "injected", ...(await verifyCommand(planFolder(injected), { databaseUrl: server.url, rows: 200 })) });
    } catch (e) {
      runs.push({ name: "injected (rejected by the plan builder)", exitCode: 2, output: String(e) });
    }
    runs.push({ name: "fk to public.customers", ...(await verifyCommand(planFolder(foreignKey), { databaseUrl: server.url, rows: 200 })) });
    const tampered = planFolder(foreignKey);
    appendFileSync(join(tampered, "migrations/001_expand.up.sql"), "\nDROP DATABASE app;\n");
    const t = await verifyCommand(tampered, { databaseUrl: server.url, rows: 200 });
    expect(t.exitCode).toBe(1);
    expect(t.output).toMatch(/has SQL the plan does not: "DROP DATABASE app;"/);
    const garbage = planFolder(foreignKey);
    writeFileSync(join(garbage, "migrations/001_expand.up.sql"), "lorem ipsum; \x00\x01 dolor\n");
    const g = await verifyCommand(garbage, { databaseUrl: server.url, rows: 200 });
    expect(g.exitCode).toBe(1);
    expect(g.output).toMatch(/verdict: FAILED/);

    expect(existsSync(pwned)).toBe(false);
    expect(await snapshot(server.url)).toBe(before);
    for (const r of runs) expect(r.output, r.name).not.toMatch(/could not be dropped|drop it by hand/);
  }, 180_000);

  it("refuses a user that cannot create databases", async (ctx) => {
    if (!server) return ctx.skip("no PostgreSQL server binaries (Debian's postgresql package)");
    const s = await openServer(server.url);
    await s.query("CREATE ROLE plain LOGIN");
    await s.close();
    const r = await verifyCommand(planFolder(foreignKey), { databaseUrl: server.url.replace("postgres@", "plain@") });
    expect(r.exitCode, r.output).toBe(2);
    expect(r.output).toMatch(/^verify: refused: the user plain cannot create databases/);
  });

  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    it(`${signal} during a run still drops the database and role it created`, async (ctx) => {
      if (!server) return ctx.skip("no PostgreSQL server binaries (Debian's postgresql package)");
      const cli = join(__dirname, "../../dist/cli.js");
      if (!existsSync(cli)) return ctx.skip("dist/ is not built (npm run build)");
      const dir = planFolder(foreignKey);
      const child = spawn(process.execPath, [cli, "verify", dir, "--database-url", server.url], { stdio: "ignore" });
      const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
      const s = await openServer(server.url);
      const ours = "SELECT (SELECT count(*) FROM pg_database WHERE datname LIKE 'mw_verify_%') + (SELECT count(*) FROM pg_roles WHERE rolname LIKE 'mw_verify_%') AS n";
      try {
        const t0 = Date.now();
        while (Number((await s.query(ours))[0].n) < 2 && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 10));
        child.kill(signal);
        expect(await exited).toBe(128 + { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }[signal]);
        expect(Number((await s.query(ours))[0].n)).toBe(0);
      } finally {
        await s.close();
      }
    }, 60_000);
  }
});
