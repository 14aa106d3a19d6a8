/** `troubleshoot --database-url`: the diagnosis' confirming queries run read-only on the server and their output is shown. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { startPostgres, type PgServer } from "../support/pg-server.js";

let server: PgServer | null = null;

beforeAll(async () => {
  server = await startPostgres();
  if (!server) return;
  const c = new pg.Client({ connectionString: server.url });
  await c.connect();
  await c.query(`CREATE TABLE users (id int PRIMARY KEY, email text); INSERT INTO users VALUES (1, 'a@x.io'), (2, 'a@x.io'), (3, 'b@x.io');`);
  await c.query(`CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email)`).catch(() => {});
  await c.end();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe("troubleshoot with --database-url", () => {
  it("runs the confirming queries read-only and shows the INVALID index it found", (ctx) => {
    if (!server) return ctx.skip("no PostgreSQL server binaries installed (Debian package postgresql)");
    const dir = mkdtempSync(join(tmpdir(), "mw-ts-"));
    writeFileSync(join(dir, "a.yaml"), 'engine: postgresql\nengine_version: "15.4"\ntool: raw-sql\n');
    const out = join(dir, "repair");
    const r = runCli(["troubleshoot", "--error", 'ERROR: index "users_email_key" is not valid', "--answers", join(dir, "a.yaml"), "--database-url", server.url, "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Confirmed on postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres \(read-only\):/);
    expect(r.stdout).toContain("index_name=users_email_key  table_name=users");
    const md = readFileSync(join(out, "REPAIR.md"), "utf8");
    expect(md).toMatch(/## Confirmed on the database\n\nThe confirming queries, run read-only on .*\n\n```text\n1\. Every INVALID index in the database\n .*index_name=users_email_key/);
    expect(md.indexOf("## Confirmed on the database")).toBeLessThan(md.indexOf("## Repair, step by step"));
  });
});
