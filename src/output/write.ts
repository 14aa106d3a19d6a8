/**
 * The only module that writes the user's files. Three promises:
 * never overwrite without `force`; everything or nothing (files are written into a temporary
 * folder beside the target, then moved); never outside the chosen folder.
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, normalize, relative, resolve, sep } from "node:path";

export interface OutputFile {
  /** Relative to the output folder, with `/`. */
  path: string;
  content: string;
}

export class OutputError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Reject absolute paths, `..` and anything that would land outside `outDir`. */
export function safeTarget(outDir: string, path: string): string {
  const norm = normalize(path);
  if (!path || isAbsolute(path) || norm.split(/[\\/]/).includes("..")) {
    throw new OutputError(`refusing to write ${JSON.stringify(path)}: not a plain relative path inside the output folder`, 1);
  }
  const target = resolve(outDir, norm);
  const rel = relative(resolve(outDir), target);
  if (rel.startsWith("..") || isAbsolute(rel)) throw new OutputError(`refusing to write ${path}: outside ${outDir}`, 1);
  return target;
}

/** Paths that already exist and would be replaced. */
export function conflicts(outDir: string, files: OutputFile[]): string[] {
  return files.filter((f) => existsSync(safeTarget(outDir, f.path))).map((f) => f.path);
}

export function writeAll(outDir: string, files: OutputFile[], opts: { force?: boolean } = {}): string[] {
  const out = resolve(outDir);
  const targets = files.map((f) => safeTarget(out, f.path));
  if (new Set(targets).size !== targets.length) throw new OutputError("two generated files have the same path", 1);
  if (existsSync(out) && !statSync(out).isDirectory()) throw new OutputError(`${outDir} exists and is not a folder`, 2);
  const clash = conflicts(out, files);
  if (clash.length && !opts.force) {
    throw new OutputError(
      `${outDir} already has ${clash.length === 1 ? "a file" : "files"} this plan would overwrite:\n` +
        clash.map((p) => `  ${p}`).join("\n") +
        "\nNothing was written. Choose another --out folder, or pass --force to overwrite.",
      2,
    );
  }

  const parent = dirname(out);
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, `.${basename(out)}.mw-`));
  try {
    for (const f of files) {
      const p = join(staging, normalize(f.path));
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, f.content);
    }
    if (!existsSync(out)) {
      // One rename: the folder appears complete or not at all.
      renameSync(staging, out);
      return files.map((f) => f.path);
    }
    // Folder exists: move files in one by one, keeping what they replace so a failure can undo the moves.
    const backup = join(staging, ".replaced");
    const done: { target: string; saved?: string }[] = [];
    try {
      files.forEach((f, i) => {
        const target = targets[i];
        let saved: string | undefined;
        if (existsSync(target)) {
          saved = join(backup, String(i));
          mkdirSync(backup, { recursive: true });
          renameSync(target, saved);
        }
        mkdirSync(dirname(target), { recursive: true });
        done.push({ target, saved });
        renameSync(join(staging, normalize(f.path)), target);
      });
    } catch (e) {
      for (const { target, saved } of done.reverse()) {
        rmSync(target, { force: true });
        if (saved) renameSync(saved, target);
      }
      throw e;
    }
    return files.map((f) => f.path);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** For messages: a path relative to the working directory when that is shorter. */
export function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith("..") && rel.length < p.length ? rel : p.split(sep).join("/");
}
