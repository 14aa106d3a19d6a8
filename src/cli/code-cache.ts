/**
 * Runs a CommonJS bundle from V8's code cache (the v8-compile-cache technique): on Node 20 ESM
 * cannot use a compile cache, and compiling the `plan --answers` code is a large share of its run.
 * The cache lives in $XDG_CACHE_HOME (or ~/.cache)/migration-wizard/. It is only an accelerator:
 * any error reading or writing it is ignored, and a file that does not fit is not used and is rewritten.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { Script } from "node:vm";

export interface CachedBundle {
  exports: Record<string, unknown>;
  /** Whether V8 took its compiled code from the cache file. */
  fromCache: boolean;
  /** Call after the bundle's code has run, so the cache also holds the functions compiled lazily. */
  saveCache(): void;
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  // The XDG spec: a relative value is invalid and is ignored.
  if (xdg && isAbsolute(xdg)) return join(xdg, "migration-wizard");
  return join(homedir(), ".cache", "migration-wizard");
}

type Crc32 = (data: Uint8Array) => number;

/**
 * V8 checks a code cache's header (V8 version, flags, source length) but, in release builds, not
 * its body: a damaged body crashes the process. So the file is a CRC-32 of the body, then the body.
 */
export function sealCache(data: Uint8Array, crc32: Crc32): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32LE(crc32(data) >>> 0);
  return Buffer.concat([header, data]);
}

/** The V8 data of a file written by sealCache, or undefined when it is damaged. */
export function unsealCache(file: Buffer, crc32: Crc32): Buffer | undefined {
  if (file.length < 4) return undefined;
  const data = file.subarray(4);
  return file.readUInt32LE(0) === crc32(data) >>> 0 ? data : undefined;
}

function readCache(path: string, crc32: Crc32): Buffer | undefined {
  try {
    return unsealCache(readFileSync(path), crc32);
  } catch {
    return undefined;
  }
}

/** `data` is called only once the folder exists: serializing the code takes milliseconds. */
function writeCache(path: string, data: () => Buffer, crc32: Crc32): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    // Written aside and renamed, so a concurrent run never reads half a file.
    writeFileSync(tmp, sealCache(data(), crc32));
    renameSync(tmp, path);
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing more to do: the next run compiles from source again
    }
  }
}

/**
 * Load `file` (CommonJS, ASCII, no dynamic import) with the cache named `id` in `dir` (the id must
 * change whenever the file does). Undefined when the file cannot be read, so the caller can take its usual path.
 */
export function loadCachedBundle(file: string, id: string, dir = cacheDir()): CachedBundle | undefined {
  let source: string;
  try {
    // latin1: decoded faster than UTF-8, and the same text for ASCII, which scripts/build.mjs checks.
    source = readFileSync(file, "latin1");
  } catch {
    return undefined;
  }
  const require = createRequire(file);
  // Loaded here, not at the top: only this path needs it. Required, not imported: an import() would
  // start Node's ES module loader, which the CommonJS entry (bin.ts) avoids.
  const zlib = require("node:zlib") as typeof import("node:zlib");
  // zlib.crc32 is Node >= 20.15; without it no cache is read or written (compiled from source every run).
  // MIGRATION_WIZARD_NO_CACHE=1 keeps the tool from writing anything outside --out.
  const crc32: Crc32 | undefined =
    typeof zlib.crc32 === "function" && !process.env.MIGRATION_WIZARD_NO_CACHE ? zlib.crc32 : undefined;
  // The V8 version in the name: machines with several Node versions keep one cache each.
  const cacheFile = join(dir, `${id}-v8-${process.versions.v8}.cache`);
  const cachedData = crc32 && readCache(cacheFile, crc32);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  const module = { exports: {} as Record<string, unknown> };
  script.runInThisContext()(module.exports, require, module, file, dirname(file));
  const stale = cachedData === undefined || script.cachedDataRejected === true;
  return {
    exports: module.exports,
    fromCache: !stale,
    saveCache() {
      if (crc32 && stale) writeCache(cacheFile, () => script.createCachedData(), crc32);
    },
  };
}
