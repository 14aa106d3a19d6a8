/** The CLI as a process, for what a newcomer meets first: a mistyped command, a pasted error with no answers file, a partial answers file. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "mw-newcomer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the CLI for a newcomer", () => {
  it("an unknown command says so and names the nearest, exit 2", () => {
    const r = runCli(["pla"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'pla'. Did you mean 'plan'?");
    expect(r.stderr).not.toMatch(/too many arguments/);
  });

  it("troubleshoot --error reads a MySQL message with no answers file and no terminal, and says what it assumed", () => {
    const out = join(dir, "repair");
    const r = runCli(["troubleshoot", "--error", "ERROR 1062 (23000): Duplicate entry 'x' for key 'users.email'", "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Diagnosis: /);
    expect(r.stdout).toMatch(/Assumed, as no one could be asked: MySQL 5\.7/);
    const md = readFileSync(join(out, "REPAIR.md"), "utf8");
    expect(md).toContain("Engine: MySQL");
    expect(md).not.toMatch(/your_table|your_column/);
  });

  it("a partial answers file without a terminal names what is missing in plain words, writing nothing", () => {
    const file = join(dir, "partial.yaml");
    writeFileSync(file, "operation: add_column\ntable: users\ncolumns: [{name: status, type: text}]\n");
    const out = join(dir, "partial-out");
    const r = runCli(["plan", "--answers", file, "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/engine: required to build a plan/);
    expect(r.stderr).toMatch(/engine_version: required to build a plan/);
    expect(r.stderr).not.toMatch(/Invalid option|expected one of/);
    expect(existsSync(out)).toBe(false);
  });
});
