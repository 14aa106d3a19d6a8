/**
 * The CLI editing a project's own files (--project): the Sqitch sample's plan appended to, an earlier
 * plan replaced with --force (the project's plan edited again from its own content, not from the
 * earlier edit), and malformed or changed files refused in one line with nothing written.
 */
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { answersFile, copySample } from "./support.js";

const answers = (column: string, table = "customers") =>
  [
    "engine: postgresql",
    'engine_version: "15"',
    "operation: add_foreign_key",
    "table: orders",
    `columns: [{name: ${column}, references: ${table}(id)}]`,
    "approx_rows: 1000",
    "downtime_tolerance: none",
    "rollback_need: phase-level",
    "",
  ].join("\n");

const ORIGINAL_PLAN = readFileSync(join(import.meta.dirname, "sqitch", "sqitch.plan"), "utf8");
const changeLines = (plan: string) => plan.slice(ORIGINAL_PLAN.length).split("\n").filter(Boolean);

describe("--project edits the project's own files safely", () => {
  it("Sqitch: appends to sqitch.plan; a second plan needs --force and then replaces the first one's lines, keeping the project's", () => {
    const dir = copySample("sqitch");
    const first = runCli(["plan", "--answers", answersFile(answers("customer_id")), "--project", dir]);
    expect(first.code, first.stderr).toBe(0);
    const once = readFileSync(join(dir, "sqitch.plan"), "utf8");
    expect(once.startsWith(ORIGINAL_PLAN)).toBe(true);
    expect(changeLines(once).map((l) => l.split(" ")[0])).toEqual([
      "add_foreign_key_customer_id_on_orders_01_expand",
      "add_foreign_key_customer_id_on_orders_02_expand",
      "add_foreign_key_customer_id_on_orders_03_verify",
    ]);
    expect(readdirSync(dir)).toContain("sqitch.conf");
    expect(readFileSync(join(dir, "sqitch.conf"), "utf8")).toBe(readFileSync(join(import.meta.dirname, "sqitch", "sqitch.conf"), "utf8"));

    const again = runCli(["plan", "--answers", answersFile(answers("buyer_id")), "--project", dir]);
    expect(again.code).toBe(2);
    expect(readFileSync(join(dir, "sqitch.plan"), "utf8")).toBe(once);

    const forced = runCli(["plan", "--answers", answersFile(answers("buyer_id")), "--project", dir, "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    const twice = readFileSync(join(dir, "sqitch.plan"), "utf8");
    // Chained onto the project's own last change, not onto the replaced plan's.
    expect(changeLines(twice)[0]).toMatch(/^add_foreign_key_buyer_id_on_orders_01_expand \[orders\] /);
    expect(twice).not.toContain("customer_id_on_orders");
    expect(readdirSync(join(dir, "deploy")).filter((f) => f.includes("customer_id"))).toEqual([]);
  });

  it("Sqitch: a plan edited by the user since the earlier plan is refused, even with --force, and left as it is", () => {
    const dir = copySample("sqitch");
    expect(runCli(["plan", "--answers", answersFile(answers("customer_id")), "--project", dir]).code).toBe(0);
    appendFileSync(join(dir, "sqitch.plan"), "mine [orders] 2026-02-01T00:00:00Z Ann Smith <ann@shop.example> # mine\n");
    const edited = readFileSync(join(dir, "sqitch.plan"), "utf8");
    const r = runCli(["plan", "--answers", answersFile(answers("buyer_id")), "--project", dir, "--force"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/sqitch\.plan was changed after migration-wizard edited it/);
    expect(readFileSync(join(dir, "sqitch.plan"), "utf8")).toBe(edited);
  });

  it("Alembic: a plan replacing an earlier one with --force chains onto the project's head, not onto the revisions it replaces", () => {
    const dir = copySample("alembic");
    const versions = () => readdirSync(join(dir, "migrations", "versions")).filter((f) => f.endsWith(".py"));
    expect(runCli(["plan", "--answers", answersFile(answers("customer_id")), "--project", dir]).code).toBe(0);
    const r = runCli(["plan", "--answers", answersFile(answers("buyer_id")), "--project", dir, "--force"]);
    expect(r.code, r.stderr).toBe(0);
    const ours = versions().filter((f) => f.includes("buyer_id"));
    expect(versions().filter((f) => f.includes("customer_id"))).toEqual([]);
    const downs = ours.map((f) => /^down_revision\b.*"(\w+)"$/m.exec(readFileSync(join(dir, "migrations", "versions", f), "utf8"))?.[1]);
    expect(downs).toContain("9f8e7d6c5b4a");
  });

  it.for([
    ["sqitch", "sqitch.plan", "not a change\n", /sqitch\.plan line 7 is not a Sqitch change/],
    ["drizzle", "drizzle/meta/_journal.json", "", /_journal\.json is not valid JSON/],
    ["liquibase", "db/changelog/db.changelog-master.xml", "<!-- trailing --><extra/>\n", /does not end with one <\/databaseChangeLog>/],
  ] as const)("%s: a malformed %s is refused in one line, nothing written", ([name, file, extra, message]) => {
    const dir = copySample(name);
    if (extra) appendFileSync(join(dir, file), extra);
    else writeFileSync(join(dir, file), "{ not json");
    const before = readdirSync(dir).sort();
    const r = runCli(["plan", "--answers", answersFile(answers("customer_id")), "--project", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});
