import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OutputError, safeTarget, writeAll } from "../../src/output/write.js";

let base: string;
beforeEach(() => (base = mkdtempSync(join(tmpdir(), "mw-write-"))));
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe("writeAll", () => {
  it("creates the folder with every file, and leaves no staging folder", () => {
    const out = join(base, "plan");
    writeAll(out, [
      { path: "PLAN.md", content: "# plan\n" },
      { path: "migrations/001_up.sql", content: "select 1;\n" },
    ]);
    expect(readFileSync(join(out, "PLAN.md"), "utf8")).toBe("# plan\n");
    expect(readFileSync(join(out, "migrations/001_up.sql"), "utf8")).toBe("select 1;\n");
    expect(readdirSync(base)).toEqual(["plan"]);
  });

  it("refuses to overwrite without force, writing nothing at all", () => {
    const out = join(base, "plan");
    mkdirSync(out);
    writeFileSync(join(out, "PLAN.md"), "mine\n");
    expect(() =>
      writeAll(out, [
        { path: "new.sql", content: "x" },
        { path: "PLAN.md", content: "theirs" },
      ]),
    ).toThrow(/--force/);
    expect(readFileSync(join(out, "PLAN.md"), "utf8")).toBe("mine\n");
    expect(existsSync(join(out, "new.sql"))).toBe(false);
    expect(readdirSync(base)).toEqual(["plan"]);
  });

  it("overwrites with force and keeps unrelated files", () => {
    const out = join(base, "plan");
    mkdirSync(out);
    writeFileSync(join(out, "PLAN.md"), "old\n");
    writeFileSync(join(out, "notes.txt"), "keep\n");
    writeAll(out, [{ path: "PLAN.md", content: "new\n" }], { force: true });
    expect(readFileSync(join(out, "PLAN.md"), "utf8")).toBe("new\n");
    expect(readFileSync(join(out, "notes.txt"), "utf8")).toBe("keep\n");
  });

  it("never writes outside the folder", () => {
    const out = join(base, "plan");
    for (const bad of ["../evil.sql", "/etc/passwd", "a/../../evil", ""]) {
      expect(() => writeAll(out, [{ path: bad, content: "x" }])).toThrow(OutputError);
    }
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(base, "evil.sql"))).toBe(false);
    expect(safeTarget(out, "a/b.sql")).toBe(join(out, "a/b.sql"));
  });

  it("puts everything back when a move fails half-way", () => {
    const out = join(base, "plan");
    mkdirSync(join(out, "blocker"), { recursive: true });
    writeFileSync(join(out, "PLAN.md"), "old\n");
    // "blocker" is a folder where a file is wanted: the second move fails after the first succeeded.
    writeFileSync(join(out, "blocker", "inner"), "x");
    expect(() =>
      writeAll(
        out,
        [
          { path: "PLAN.md", content: "new\n" },
          { path: "blocker/inner/file.sql", content: "y" },
        ],
        { force: true },
      ),
    ).toThrow();
    expect(readFileSync(join(out, "PLAN.md"), "utf8")).toBe("old\n");
    expect(readdirSync(base)).toEqual(["plan"]);
  });
});

describe("writeAll: project files a plan edits (--project)", () => {
  const PLAN_TEXT = "%project=shop\n\norders 2024-01-01T00:00:00Z A <a@b.c> # orders\n";
  const appended = (extra: string) => ({ path: "sqitch.plan", content: PLAN_TEXT + extra, base: PLAN_TEXT });

  it("edits a file that still holds what was read, without --force, and records its original", () => {
    writeFileSync(join(base, "sqitch.plan"), PLAN_TEXT);
    writeFileSync(join(base, "keep.txt"), "mine\n");
    writeAll(base, [appended("a_01 [orders] 2026-01-01T00:00:00Z M <m@x> # a\n"), { path: "deploy/a_01.sql", content: "select 1;\n" }]);
    expect(readFileSync(join(base, "sqitch.plan"), "utf8")).toBe(PLAN_TEXT + "a_01 [orders] 2026-01-01T00:00:00Z M <m@x> # a\n");
    expect(readFileSync(join(base, "keep.txt"), "utf8")).toBe("mine\n");
    const manifest = JSON.parse(readFileSync(join(base, ".migration-wizard.json"), "utf8"));
    expect(manifest.edited).toEqual({ "sqitch.plan": PLAN_TEXT });
  });

  it("refuses, writing nothing, when the file no longer holds what was read", () => {
    writeFileSync(join(base, "sqitch.plan"), PLAN_TEXT + "mine 2024-01-02T00:00:00Z A <a@b.c> # mine\n");
    for (const force of [false, true]) {
      expect(() => writeAll(base, [appended("x\n"), { path: "deploy/a.sql", content: "" }], { force })).toThrow(/sqitch\.plan changed while the plan was being made; nothing was written/);
    }
    expect(readFileSync(join(base, "sqitch.plan"), "utf8")).toContain("# mine");
    expect(existsSync(join(base, "deploy"))).toBe(false);
    expect(existsSync(join(base, ".migration-wizard.json"))).toBe(false);
  });

  it("--force over an earlier plan: edits the original again (not the earlier edit), and puts back a file the new plan no longer edits", () => {
    writeFileSync(join(base, "sqitch.plan"), PLAN_TEXT);
    writeFileSync(join(base, "master.xml"), "<databaseChangeLog>\n</databaseChangeLog>\n");
    writeAll(base, [appended("first\n"), { path: "master.xml", content: "<databaseChangeLog>\n  <include/>\n</databaseChangeLog>\n", base: "<databaseChangeLog>\n</databaseChangeLog>\n" }]);
    // Without --force the earlier plan stands.
    expect(() => writeAll(base, [appended("second\n")])).toThrow(/already holds a plan/);
    // The next plan is made from the original (src/project/fs.ts reads the manifest's originals), so its base is PLAN_TEXT.
    writeAll(base, [appended("second\n")], { force: true });
    expect(readFileSync(join(base, "sqitch.plan"), "utf8")).toBe(PLAN_TEXT + "second\n");
    expect(readFileSync(join(base, "master.xml"), "utf8")).toBe("<databaseChangeLog>\n</databaseChangeLog>\n");
    expect(JSON.parse(readFileSync(join(base, ".migration-wizard.json"), "utf8")).edited).toEqual({ "sqitch.plan": PLAN_TEXT });
  });

  it("--force refuses when the user changed the earlier plan's edit since", () => {
    writeFileSync(join(base, "sqitch.plan"), PLAN_TEXT);
    writeAll(base, [appended("first\n")]);
    writeFileSync(join(base, "sqitch.plan"), PLAN_TEXT + "first\nmine\n");
    expect(() => writeAll(base, [appended("second\n")], { force: true })).toThrow(/changed after migration-wizard edited it/);
    expect(() => writeAll(base, [{ path: "other.sql", content: "" }], { force: true })).toThrow(/changed after migration-wizard edited it/);
    expect(readFileSync(join(base, "sqitch.plan"), "utf8")).toBe(PLAN_TEXT + "first\nmine\n");
  });

  it("a file edited in the project is a new file in another --out folder", () => {
    const out = join(base, "plan");
    writeAll(out, [appended("first\n")]);
    expect(readFileSync(join(out, "sqitch.plan"), "utf8")).toBe(PLAN_TEXT + "first\n");
    expect(JSON.parse(readFileSync(join(out, ".migration-wizard.json"), "utf8")).edited).toBeUndefined();
  });
});
