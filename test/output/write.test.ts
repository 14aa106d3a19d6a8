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
