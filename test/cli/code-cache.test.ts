import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheDir, loadCachedBundle, sealCache, unsealCache } from "../../src/cli/code-cache.js";
import { ROOT, runCli } from "../support/cli.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mw-code-cache-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Flip a run of bytes in the middle of a file, as a bad disk or a partial copy might. */
function damage(file: string): void {
  const bytes = readFileSync(file);
  for (let i = bytes.length >> 1; i < (bytes.length >> 1) + 64; i++) bytes[i] ^= 0xff;
  writeFileSync(file, bytes);
}

describe("the cache file format", () => {
  it("gives back exactly what was sealed", () => {
    const data = Buffer.from("some V8 code cache bytes");
    expect(unsealCache(sealCache(data, crc32), crc32)).toEqual(data);
  });

  it("refuses a damaged or truncated file", () => {
    const sealed = sealCache(Buffer.alloc(1000, 7), crc32);
    const flipped = Buffer.from(sealed);
    flipped[500] ^= 1;
    expect(unsealCache(flipped, crc32)).toBeUndefined();
    expect(unsealCache(sealed.subarray(0, 900), crc32)).toBeUndefined();
    expect(unsealCache(Buffer.from("ab"), crc32)).toBeUndefined();
  });

  it("lives in $XDG_CACHE_HOME when it is absolute, else in ~/.cache", () => {
    expect(cacheDir({ XDG_CACHE_HOME: "/var/cache/me" })).toBe(join("/var/cache/me", "migration-wizard"));
    expect(cacheDir({ XDG_CACHE_HOME: "relative/dir" })).toBe(join(homedir(), ".cache", "migration-wizard"));
    expect(cacheDir({})).toBe(join(homedir(), ".cache", "migration-wizard"));
  });
});

describe("loadCachedBundle", () => {
  const SOURCE =
    'const { basename } = require("node:path");\n' +
    "function twice(x) { return [x, x].join(' '); }\n" +
    "exports.run = (x) => twice(basename(x));\nexports.file = __filename;\n";
  let copies = 0;
  // A new path on every load: V8 also keeps compiled scripts in memory, keyed by source and file name,
  // and a hit there would hide whether the cache file was used.
  const copyOf = (source: string) => {
    const file = join(dir, `bundle-${++copies}.cjs`);
    writeFileSync(file, source);
    return file;
  };
  const run = (b: { exports: Record<string, unknown> }, x: string) => (b.exports.run as (x: string) => string)(x);

  it("compiles from source, writes the cache, then runs from it", () => {
    const cache = join(dir, "cache-a");
    const file = copyOf(SOURCE);
    const first = loadCachedBundle(file, "test", cache)!;
    expect(first.fromCache).toBe(false);
    expect(run(first, "/a/b")).toBe("b b");
    expect(first.exports.file).toBe(file);
    first.saveCache();
    expect(readdirSync(cache)).toHaveLength(1);

    const second = loadCachedBundle(copyOf(SOURCE), "test", cache)!;
    expect(second.fromCache).toBe(true);
    expect(run(second, "/c/d")).toBe("d d");
  });

  it("does not use a damaged cache file, and rewrites it", () => {
    const cache = join(dir, "cache-b");
    loadCachedBundle(copyOf(SOURCE), "test", cache)!.saveCache();
    const [name] = readdirSync(cache);
    damage(join(cache, name));

    const damaged = loadCachedBundle(copyOf(SOURCE), "test", cache)!;
    expect(damaged.fromCache).toBe(false);
    expect(run(damaged, "x")).toBe("x x");
    damaged.saveCache();
    expect(loadCachedBundle(copyOf(SOURCE), "test", cache)!.fromCache).toBe(true);
  });

  it("does not use a cache made for other code (V8 rejects it), and rewrites it", () => {
    const cache = join(dir, "cache-c");
    loadCachedBundle(copyOf("exports.run = () => 'other code, another length';\n"), "test", cache)!.saveCache();

    const stale = loadCachedBundle(copyOf(SOURCE), "test", cache)!;
    expect(stale.fromCache).toBe(false);
    expect(run(stale, "y")).toBe("y y");
    stale.saveCache();
    expect(loadCachedBundle(copyOf(SOURCE), "test", cache)!.fromCache).toBe(true);
  });

  it("works, uncached, where the cache cannot be written", () => {
    const aFile = join(dir, "a-file");
    writeFileSync(aFile, "");
    const cache = join(aFile, "cache"); // under a regular file: mkdir fails, whoever runs the test
    const b = loadCachedBundle(copyOf(SOURCE), "test", cache)!;
    expect(() => b.saveCache()).not.toThrow();
    expect(run(b, "z")).toBe("z z");
    expect(loadCachedBundle(copyOf(SOURCE), "test", cache)!.fromCache).toBe(false);
  });

  it("is undefined when the bundle is missing", () => {
    expect(loadCachedBundle(join(dir, "missing.cjs"), "test", join(dir, "cache-d"))).toBeUndefined();
  });
});

describe("plan --answers and its code cache, as a process", () => {
  const ANSWERS = readFileSync(join(ROOT, "test/fixtures/add-column.answers.yaml"), "utf8");
  const plan = (cacheHome: string, env: Record<string, string> = {}) => {
    const answers = join(dir, "answers.yaml");
    writeFileSync(answers, ANSWERS);
    const r = runCli(["plan", "--answers", answers, "--json", "--dry-run"], { env: { XDG_CACHE_HOME: cacheHome, ...env } });
    // The plan carries no clock, so the same answers print the same JSON on every run.
    return { code: r.code, stderr: r.stderr, stdout: r.stdout };
  };

  it("writes one cache file, and later runs print the same plan", () => {
    const home = join(dir, "xdg-1");
    const first = plan(home);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).phases.length).toBeGreaterThan(0);
    const files = readdirSync(join(home, "migration-wizard"));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^plan-fast-.*\.cache$/);
    expect(plan(home)).toEqual(first);
  });

  it("MIGRATION_WIZARD_NO_CACHE=1 writes nothing outside --out", () => {
    const home = join(dir, "xdg-off");
    const r = plan(home, { MIGRATION_WIZARD_NO_CACHE: "1" });
    expect(r.code).toBe(0);
    expect(existsSync(join(home, "migration-wizard"))).toBe(false);
    expect(r).toEqual(plan(join(dir, "xdg-on")));
  });

  it("a damaged cache file changes nothing the user sees, and is repaired", () => {
    const home = join(dir, "xdg-2");
    const first = plan(home);
    const file = join(home, "migration-wizard", readdirSync(join(home, "migration-wizard"))[0]);
    damage(file);
    const damaged = readFileSync(file);
    expect(unsealCache(damaged, crc32)).toBeUndefined();
    expect(plan(home)).toEqual(first);
    const repaired = readFileSync(file);
    expect(repaired).not.toEqual(damaged);
    expect(unsealCache(repaired, crc32)).toBeDefined();
  });

  it("a cache location that cannot be written changes nothing the user sees", () => {
    const aFile = join(dir, "xdg-file");
    writeFileSync(aFile, "");
    const reference = plan(join(dir, "xdg-3"));
    expect(plan(join(aFile, "cache"))).toEqual(reference);
  });
});
