import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, cpSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runCli } from "../support/cli.js";

const ANSWERS = readFileSync(join(ROOT, "test/fixtures/add-column.answers.yaml"), "utf8");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mw-cli-"));
  writeFileSync(join(dir, "answers.yaml"), ANSWERS);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

function fingerprint(root: string): string {
  const h = createHash("sha1");
  for (const f of listFiles(root)) h.update(f + "\0" + readFileSync(join(root, f)) + "\0");
  return h.digest("hex");
}

describe("the CLI as a process", () => {
  it("--help names the commands and exits 0", () => {
    const r = runCli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/plan/);
    expect(r.stdout).toMatch(/troubleshoot/);
    expect(r.stdout).toMatch(/verify/);
  });

  it("--version prints the package version", () => {
    const r = runCli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
  });

  it("plan --answers writes PLAN.md, answers.yaml and numbered up/down SQL files", () => {
    const out = join(dir, "out");
    const r = runCli(["plan", "--answers", join(dir, "answers.yaml"), "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const files = listFiles(out);
    expect(files).toContain("PLAN.md");
    expect(files).toContain("answers.yaml");
    const sql = files.filter((f) => f.endsWith(".sql"));
    expect(sql.filter((f) => f.includes("up")).length).toBeGreaterThanOrEqual(1);
    expect(sql.filter((f) => f.includes("down")).length).toBeGreaterThanOrEqual(1);
    const answers = readFileSync(join(out, "answers.yaml"), "utf8");
    expect(answers.split("\n")[0]).toMatch(/^# yaml-language-server: \$schema=/);
    expect(r.stdout).toMatch(/Wrote \d+ files/);
  });

  it("the written answers.yaml regenerates the same plan", () => {
    const a = runCli(["plan", "--answers", join(dir, "answers.yaml"), "--json", "--dry-run"]);
    const b = runCli(["plan", "--answers", join(dir, "out", "answers.yaml"), "--json", "--dry-run"]);
    expect(a.code).toBe(0);
    expect(JSON.parse(b.stdout).phases).toEqual(JSON.parse(a.stdout).phases);
  });

  it("refuses to overwrite without --force and leaves the old files untouched", () => {
    const out = join(dir, "out");
    writeFileSync(join(out, "PLAN.md"), "my edited runbook\n");
    const before = fingerprint(out);
    const r = runCli(["plan", "--answers", join(dir, "answers.yaml"), "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--force/);
    expect(r.stderr).toMatch(/PLAN\.md/);
    expect(fingerprint(out)).toBe(before);
    expect(readFileSync(join(out, "PLAN.md"), "utf8")).toBe("my edited runbook\n");
  });

  it("--force overwrites", () => {
    const out = join(dir, "out");
    const r = runCli(["plan", "--answers", join(dir, "answers.yaml"), "--out", out, "--force"]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, "PLAN.md"), "utf8")).not.toBe("my edited runbook\n");
    expect(readdirSync(dir).filter((n) => n.includes(".mw-"))).toEqual([]); // no staging folder left behind
  });

  it("--json --dry-run prints the plan and writes nothing", () => {
    const out = join(dir, "dry");
    const r = runCli(["plan", "--answers", join(dir, "answers.yaml"), "--out", out, "--json", "--dry-run"]);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.version).toBe(1);
    expect(plan.phases.length).toBeGreaterThan(0);
    expect(plan.phases[0].statements.length).toBeGreaterThan(0);
    expect(plan.files).toContain("PLAN.md");
    expect(existsSync(out)).toBe(false);
  });

  it("without a TTY and without answers: exit 2, names --answers, no hang", () => {
    const r = runCli(["plan"], { env: { CI: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--answers/);
  });

  it("with CI set and a TTY-less stdin, the bare command also refuses", () => {
    const r = runCli([], { env: { CI: "true" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--answers/);
  });

  it("incomplete answers without a TTY: exit 2 listing the missing keys", () => {
    const f = join(dir, "partial.yaml");
    writeFileSync(f, 'engine: postgresql\nengine_version: "16"\noperation: add_index\n');
    const r = runCli(["plan", "--answers", f, "--out", join(dir, "p")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/table/);
    expect(r.stderr).toMatch(/tool/);
    expect(existsSync(join(dir, "p"))).toBe(false);
  });

  it("bad answers: exit 2 with file:line:col and the field path, nothing written", () => {
    const f = join(dir, "bad.yaml");
    writeFileSync(f, ANSWERS.replace("downtime_tolerance: none", "downtime_tolerance: never"));
    const r = runCli(["plan", "--answers", f, "--out", join(dir, "bad-out")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:7:21: downtime_tolerance:/);
    expect(existsSync(join(dir, "bad-out"))).toBe(false);
  });

  it("malformed YAML in answers: exit 2 with line:col", () => {
    const f = join(dir, "broken.yaml");
    writeFileSync(f, "engine: postgresql\ncolumns: [unclosed\n");
    const r = runCli(["plan", "--answers", f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.yaml:\d+:\d+/);
  });

  it("a details field the operation does not read is a one-line note, not an error", () => {
    const file = join(dir, "unused-details.yaml");
    writeFileSync(
      file,
      ANSWERS.replace("operation: add_column", "operation: add_index").replace("columns: [{name: status, type: text, nullable: false, default: \"'active'\"}]", "columns: [{name: status}]") +
        "details: {index_name: accounts_status_idx, check: status <> ''}\n",
    );
    const r = runCli(["plan", "--answers", file, "--json", "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe("migration-wizard: note: details.check is not used by add_index (the plan ignores it)");
    // the fields add_index reads give no note
    writeFileSync(file, ANSWERS.replace("operation: add_column", "operation: add_index") + "details: {index_name: accounts_status_idx, unique: true}\n");
    expect(runCli(["plan", "--answers", file, "--json", "--dry-run"]).stderr).toBe("");
  });

  it("quotes reserved and mixed-case names", () => {
    const f = join(dir, "order.yaml");
    writeFileSync(f, ANSWERS.replace("table: accounts", "table: order").replace("name: status", "name: createdBy"));
    const r = runCli(["plan", "--answers", f, "--json", "--dry-run"]);
    expect(r.code).toBe(0);
    const sql = JSON.parse(r.stdout).phases.flatMap((p: any) => p.statements.map((s: any) => s.sql)).join("\n");
    expect(sql).toContain('"order"');
    expect(sql).toContain('"createdBy"');
  });

  it("trees check: the shipped trees are fine; a malformed tree fails with file:line:col", () => {
    expect(runCli(["trees", "check"]).code).toBe(0);
    const t = join(dir, "trees");
    cpSync(join(ROOT, "trees"), t, { recursive: true });
    const first = readdirSync(t).filter((n) => n.endsWith(".yaml")).sort()[0];
    appendFileSync(join(t, first), "broken: [unclosed\n");
    const r = runCli(["trees", "check", t]);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(new RegExp(`${first.replace(".", "\\.")}:\\d+:\\d+`));
  });

  it("an unknown option is a usage error (exit 2)", () => {
    expect(runCli(["plan", "--no-such-flag"]).code).toBe(2);
  });
});
