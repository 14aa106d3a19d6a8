/**
 * Where a plan may be written. Containment is decided on real paths: the output folder is resolved
 * through any symlinks the user chose for it, and nothing below it may be a symlink, so no file is
 * ever written through one.
 */
import { lstatSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, parse, resolve } from "node:path";

export class OutputError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

function lstatOrUndefined(p: string) {
  try {
    return lstatSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ENOTDIR") throw new OutputError(`cannot use ${p}: a part of that path is a file, not a folder`, 2);
    throw e;
  }
}

/**
 * The real path of the output folder (it may not exist yet). Refuses "", "/", a path under a file,
 * a dangling symlink, and anything that exists but is not a folder.
 */
export function resolveOutDir(outDir: string): string {
  if (!outDir.trim()) throw new OutputError("--out is empty: name the folder to write the plan into", 2);
  const abs = resolve(outDir);
  if (abs === parse(abs).root) throw new OutputError(`refusing to write a plan into ${abs}: choose a folder of its own with --out`, 2);
  const st = lstatOrUndefined(abs);
  if (st?.isSymbolicLink()) {
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      throw new OutputError(`${outDir} is a symlink to a path that does not exist: choose another --out folder`, 2);
    }
    if (!statSync(real).isDirectory()) throw new OutputError(`${outDir} exists and is not a folder`, 2);
    return real;
  }
  if (st && !st.isDirectory()) throw new OutputError(`${outDir} exists and is not a folder`, 2);
  if (st) return realpathSync(abs);
  // Not there yet: resolve the nearest existing ancestor, which must be a folder.
  let ancestor = dirname(abs);
  const rest = [abs.slice(ancestor.length + 1)];
  while (!lstatOrUndefined(ancestor)) {
    rest.unshift(ancestor.slice(dirname(ancestor).length + 1));
    ancestor = dirname(ancestor);
  }
  let real: string;
  try {
    real = realpathSync(ancestor);
  } catch {
    throw new OutputError(`cannot use ${outDir}: ${ancestor} is a symlink to a path that does not exist`, 2);
  }
  if (!statSync(real).isDirectory()) throw new OutputError(`cannot use ${outDir}: ${ancestor} is a file, not a folder`, 2);
  return join(real, ...rest);
}

/** Reject absolute paths, `..`, empty parts and anything that would land outside `outDir`. */
export function safeTarget(outDir: string, path: string): string {
  const norm = normalize(path);
  const parts = path.split(/[\\/]/);
  if (!path || isAbsolute(path) || parts.includes("..") || parts.includes(".") || parts.includes("") || /[\0]/.test(path)) {
    throw new OutputError(`refusing to write ${JSON.stringify(path)}: not a plain relative path inside the output folder`, 1);
  }
  return join(outDir, norm);
}

/**
 * Throws when any existing part of `rel` below `outDir` is a symlink (or a file where a folder must
 * be). `outDir` is a real path from resolveOutDir.
 */
export function assertNoSymlinkBelow(outDir: string, rel: string, kind: "file" | "folder" = "file"): void {
  const parts = rel.split("/");
  let cur = outDir;
  for (let i = 0; i < parts.length; i++) {
    cur = join(cur, parts[i]);
    const st = lstatOrUndefined(cur);
    if (!st) return;
    if (st.isSymbolicLink()) {
      throw new OutputError(`refusing to write ${rel}: ${cur} is a symlink, and nothing is written through a symlink`, 2);
    }
    if (i < parts.length - 1 && !st.isDirectory()) throw new OutputError(`cannot write ${rel}: ${cur} is a file, not a folder`, 2);
    if (i === parts.length - 1 && kind === "file" && st.isDirectory()) throw new OutputError(`cannot write ${rel}: a folder of that name is in the way`, 2);
  }
}
