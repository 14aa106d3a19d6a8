/**
 * Hostile and unusual inputs on the I/O side, each run through the built CLI as a process: exit
 * code, the first line of stderr, and that nothing was written where nothing should be.
 */
import { spawnSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const cli = join(__dirname, "../../dist/cli.js");
const answers = readFileSync(join(__dirname, "../fixtures/add-column.answers.yaml"), "utf8").replace(/tool: .*/, "tool: raw-sql");
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "mw-io-cli-"));
  writeFileSync(join(tmp, "a.yaml"), answers);
  writeFileSync(join(tmp, "alembic.yaml"), answers.replace("tool: raw-sql", "tool: alembic"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[], opts: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: opts.cwd ?? tmp, input: opts.input ?? "", encoding: "utf8", env: { ...process.env, CI: "true", ...opts.env }, timeout: 60_000 });
  return { code: r.status, first: r.stderr.split("\n")[0], stderr: r.stderr, stdout: r.stdout };
}
const file = (name: string, content: string | Buffer) => (writeFileSync(join(tmp, name), content), name);

describe("bad input: one line, exit 2, nothing written", () => {
  const cases: [string, () => string[], RegExp][] = [
    ["/dev/zero as answers", () => ["--answers", "/dev/zero"], /larger than 256 KB/],
    ["a binary file as answers", () => ["--answers", file("bin.yaml", Buffer.from([1, 2, 0, 3, 0xff]))], /binary file/],
    ["a 1 MB answers file", () => ["--answers", file("big.yaml", "a: 1\n".repeat(200_000))], /larger than 256 KB/],
    ["YAML alias bomb", () => ["--answers", file("bomb.yaml", "a: &a [x,x,x,x,x,x,x,x,x]\n" + Array.from({ length: 12 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(9).fill(i ? `*a${i}` : "*a").join(",")}]`).join("\n"))], /too many YAML aliases/],
    ["duplicate keys", () => ["--answers", file("dup.yaml", answers + "table: again\n")], /appears twice/],
    ["deep nesting", () => ["--answers", file("deep.yaml", answers + "details: " + "[".repeat(200) + "]".repeat(200) + "\n")], /nested more than|invalid answers/],
    ["unknown key with a suggestion", () => ["--answers", file("typo.yaml", answers.replace("tool:", "toll:"))], /unknown key "toll" \(did you mean tool\?\)/],
    ["PostgreSQL 0", () => ["--answers", file("v0.yaml", answers.replace(/engine_version: .*/, 'engine_version: "0"'))], /PostgreSQL 0 is not supported/],
    ["PostgreSQL 9.6", () => ["--answers", file("v96.yaml", answers.replace(/engine_version: .*/, 'engine_version: "9.6"'))], /PostgreSQL 9.6 is not supported/],
    ["PostgreSQL 99", () => ["--answers", file("v99.yaml", answers.replace(/engine_version: .*/, 'engine_version: "99"'))], /PostgreSQL 99 is not supported/],
    ["MySQL 16.2", () => ["--answers", file("my.yaml", answers.replace("postgresql", "mysql").replace(/engine_version: .*/, 'engine_version: "16.2"'))], /MySQL 16.2 is not supported/],
    ["--out empty", () => ["--answers", "a.yaml", "--out", ""], /--out is empty/],
    ["--out /", () => ["--answers", "a.yaml", "--out", "/"], /refusing to write a plan into \//],
    ["--out under a file", () => ["--answers", "a.yaml", "--out", `${file("plain", "x")}/sub`], /is a file, not a folder/],
    ["--out a dangling symlink", () => (symlinkSync(join(tmp, "nowhere"), join(tmp, "dangling")), ["--answers", "a.yaml", "--out", "dangling"]), /symlink to a path that does not exist/],
  ];
  for (const [name, args, message] of cases) {
    it(name, () => {
      const before = readdirSync(tmp).length;
      const a = args();
      const r = run(["plan", ...a, ...(a.includes("--out") ? [] : ["--out", "never"])]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.first).toMatch(/^migration-wizard: /);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(tmp, "never"))).toBe(false);
      expect(readdirSync(tmp).length).toBeLessThanOrEqual(before + 1);
    });
  }

  it("--error over 64 KB is refused at once; escapes are stripped from REPAIR.md", () => {
    const t0 = Date.now();
    const r = run(["troubleshoot", "--error", "x".repeat(100_000), "--answers", "a.yaml", "--out", "never"]);
    expect(r.code).toBe(2);
    expect(r.first).toMatch(/over the 64 KB limit/);
    expect(Date.now() - t0).toBeLessThan(20_000);
    const e = run(["troubleshoot", "--error", 'ERROR:  \x1b[31mcanceling statement due to lock timeout\x1b]8;;http://evil\x07 link\x1b[0m', "--answers", "a.yaml", "--out", "repair"]);
    expect(e.code, e.stderr).toBe(0);
    for (const f of readdirSync(join(tmp, "repair"))) expect(readFileSync(join(tmp, "repair", f), "utf8")).not.toMatch(/\x1b|\x07/);
  });
});

describe("writing", () => {
  it("--answers - reads standard input", () => {
    const r = run(["plan", "--answers", "-", "--out", "stdin"], { input: answers });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(tmp, "stdin/PLAN.md"))).toBe(true);
  });

  it("--json prints and writes nothing without --out; with --out it writes", () => {
    const cwd = mkdtempSync(join(tmp, "json-"));
    const r = run(["plan", "--answers", join(tmp, "a.yaml"), "--json"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).phases.length).toBeGreaterThan(0);
    expect(readdirSync(cwd)).toEqual([]);
    const w = run(["plan", "--answers", "a.yaml", "--json", "--out", "json-out"]);
    expect(JSON.parse(w.stdout).phases.length).toBeGreaterThan(0);
    expect(existsSync(join(tmp, "json-out/PLAN.md"))).toBe(true);
  });

  it("a new folder honours the umask", () => {
    const r = spawnSync("sh", ["-c", `umask 022 && "${process.execPath}" "${cli}" plan --answers a.yaml --out umask`], { cwd: tmp, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(statSync(join(tmp, "umask")).mode & 0o777).toBe(0o755);
  });

  it("--force replaces exactly the earlier plan's files and keeps every other file", () => {
    expect(run(["plan", "--answers", "a.yaml", "--out", "swap"]).code).toBe(0);
    writeFileSync(join(tmp, "swap/notes.md"), "mine");
    writeFileSync(join(tmp, "swap/migrations/ours.sql"), "-- ours");
    const r = run(["plan", "--answers", "alembic.yaml", "--out", "swap", "--force"]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(tmp, "swap/notes.md"), "utf8")).toBe("mine");
    expect(readdirSync(join(tmp, "swap/migrations"))).toEqual(["ours.sql"]);
    expect(readdirSync(join(tmp, "swap/alembic/versions")).length).toBe(1);
  });

  it("without --force, a folder holding an earlier plan is refused even when no file clashes", () => {
    expect(run(["plan", "--answers", "a.yaml", "--out", "held"]).code).toBe(0);
    rmSync(join(tmp, "held/PLAN.md"));
    rmSync(join(tmp, "held/answers.yaml"));
    rmSync(join(tmp, "held/answers.schema.json"));
    rmSync(join(tmp, "held/migrations"), { recursive: true });
    const r = run(["plan", "--answers", "alembic.yaml", "--out", "held"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already holds a plan written by migration-wizard/);
  });

  it("never writes through a symlinked folder inside --out, even with --force", () => {
    const elsewhere = mkdtempSync(join(tmp, "elsewhere-"));
    writeFileSync(join(elsewhere, "001_expand.up.sql"), "precious");
    mkdirSync(join(tmp, "linked"));
    symlinkSync(elsewhere, join(tmp, "linked/migrations"));
    const r = run(["plan", "--answers", "a.yaml", "--out", "linked", "--force"]);
    expect(r.code).toBe(2);
    expect(r.first).toMatch(/is a symlink, and nothing is written through a symlink/);
    expect(readdirSync(elsewhere)).toEqual(["001_expand.up.sql"]);
    expect(readFileSync(join(elsewhere, "001_expand.up.sql"), "utf8")).toBe("precious");
    expect(readdirSync(join(tmp, "linked"))).toEqual(["migrations"]);
  });

  it("a run killed in the middle of a --force switch is undone or finished by the next run, which says so", async () => {
    expect(run(["plan", "--answers", "a.yaml", "--out", "killed"]).code).toBe(0);
    const child = spawn(process.execPath, [cli, "plan", "--answers", "alembic.yaml", "--out", "killed", "--force"], {
      cwd: tmp,
      env: { ...process.env, CI: "true", MIGRATION_WIZARD_TEST_SWITCH_PAUSE_MS: "3000" },
      stdio: "ignore",
    });
    const t0 = Date.now();
    while (!existsSync(join(tmp, "killed/.migration-wizard.txn")) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(existsSync(join(tmp, "killed/.migration-wizard.txn"))).toBe(true);
    const r = run(["plan", "--answers", "alembic.yaml", "--out", "killed", "--force"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.first).toMatch(/an earlier run was interrupted .*(undid it and put back the earlier plan|finished it)/);
    expect(readdirSync(join(tmp, "killed")).sort()).toEqual([".migration-wizard.json", "PLAN.md", "alembic", "answers.schema.json", "answers.yaml"]);
  });
});

describe("environment errors: one line, exit 1", () => {
  it("a deleted working directory", () => {
    const gone = mkdtempSync(join(tmp, "gone-"));
    const r = spawnSync("sh", ["-c", `cd "${gone}" && rmdir "${gone}" && "${process.execPath}" "${cli}" plan --answers "${join(tmp, "a.yaml")}"`], { encoding: "utf8", env: { ...process.env, CI: "true" } });
    expect(r.status).toBe(1);
    expect(r.stderr.split("\n")[0]).toMatch(/working directory no longer exists/);
  });

  it("a full disk and a read-only target (a small tmpfs)", (ctx) => {
    const mnt = mkdtempSync(join(tmp, "mnt-"));
    if (spawnSync("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", mnt]).status !== 0) return ctx.skip("cannot mount a tmpfs here (needs root and mount rights)");
    try {
      writeFileSync(join(mnt, "filler"), Buffer.alloc(8 * 1024));
      const full = run(["plan", "--answers", "a.yaml", "--out", join(mnt, "plan")]);
      expect(full.code).toBe(1);
      expect(full.first).toMatch(/no space left on the device \(ENOSPC\); nothing was changed/);
      expect(readdirSync(mnt)).toEqual(["filler"]);
      rmSync(join(mnt, "filler"));
      spawnSync("mount", ["-o", "remount,ro", mnt]);
      const ro = run(["plan", "--answers", "a.yaml", "--out", join(mnt, "plan")]);
      expect(ro.code).toBe(1);
      expect(ro.first).toMatch(/read-only \(EROFS\)/);
    } finally {
      spawnSync("umount", [mnt]);
    }
  });

  it("a 6,000-node chain in a team's trees is one line, not a stack trace", () => {
    const dir = mkdtempSync(join(tmp, "trees-"));
    const nodes = Array.from({ length: 6000 }, (_, i) => `  - {id: n${i}, type: input, input: text, prompt: "Q${i}", help: "h", answer: x_${i % 5}, next: ${i === 5999 ? "downtime" : `n${i + 1}`}}`);
    writeFileSync(join(dir, "chain.yaml"), `title: Chain\nnodes:\n${nodes.join("\n")}\n`);
    const r = run(["trees", "check", dir]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout + r.stderr).not.toBe("");
  });
});

describe("--trees", () => {
  it("trees check and plan --answers --trees reject a choice naming an operation that does not exist", () => {
    const dir = mkdtempSync(join(tmp, "typo-trees-"));
    const op = readFileSync(join(__dirname, "../../trees/operation.yaml"), "utf8").replace(/value: add_column\b/, "value: add_colum");
    writeFileSync(join(dir, "operation.yaml"), op);
    const c = run(["trees", "check", dir]);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/operation "add_colum" does not exist/);
    const p = run(["plan", "--answers", "a.yaml", "--trees", dir, "--out", "never"]);
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/operation "add_colum" does not exist/);
    expect(existsSync(join(tmp, "never"))).toBe(false);
    expect(run(["trees", "check", join(__dirname, "../../trees")]).code).toBe(0);
  });
});

describe("more edges", () => {
  it("25,000 keys with a duplicate at the end are checked in linear time", () => {
    const keys = Array.from({ length: 25_000 }, (_, i) => `k${i}: 1`).join("\n");
    const t0 = Date.now();
    const r = run(["plan", "--answers", file("many.yaml", `${keys}\nk0: 2\n`), "--out", "never"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"k0" appears twice/);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it("XDG_CACHE_HOME=/proc/self does not matter: the run finishes", () => {
    const r = run(["plan", "--answers", "a.yaml", "--out", "xdg"], { env: { XDG_CACHE_HOME: "/proc/self" } });
    expect(r.code, r.stderr).toBe(0);
  });

  for (const [url, message] of [
    ["not-a-url", /--database-url is not a URL/],
    ["mysql://", /must be a PostgreSQL URL/],
    ["", /--database-url is empty/],
  ] as const) {
    it(`verify --database-url ${JSON.stringify(url)}: one line, exit 2`, () => {
      expect(run(["plan", "--answers", "a.yaml", "--out", "vurl", "--force"]).code).toBe(0);
      const r = run(["verify", "vurl", "--database-url", url]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    });
  }
});
