/**
 * The only module that writes the user's files. Its promises: never overwrite without `force`;
 * everything or nothing, even across a kill (switch.ts); never outside the chosen folder and never
 * through a symlink (paths.ts); a manifest records what was written, and `force` replaces exactly the
 * earlier plan's files, keeping every other file in the folder.
 *
 * A project file the plan edits (--project: lines appended to sqitch.plan, journal entries, an include)
 * carries the content it was read with (`base`): it is replaced only while it still holds exactly that,
 * through the same switch as every other file, and the manifest keeps that original so a later
 * `--force` puts it back when the new plan no longer edits it.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import { MANIFEST_FILE, manifestFor, readManifest, sha256, type Manifest } from "./manifest.js";
import { assertNoSymlinkBelow, OutputError, resolveOutDir, safeTarget } from "./paths.js";
import { prepare, recover, switchAndCommit, TXN_DIR, type Recovery } from "./switch.js";

export { OutputError, safeTarget } from "./paths.js";

export interface OutputFile {
  /** Relative to the output folder, with `/`. */
  path: string;
  content: string;
  /** A file of the user's project this plan edits: the content it had when read (see the module comment). */
  base?: string;
}

export interface WriteOptions {
  force?: boolean;
  /** Told when an interrupted earlier run was finished or undone first. */
  notice?: (message: string) => void;
}

const ENV_ERRORS: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "the file system is read-only",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENAMETOOLONG: "a file name is too long",
  EMFILE: "too many open files",
  EIO: "input/output error",
};

/** An errno from the file system as one line; exit 1 (the environment), 2 for a path that is not a folder. */
export function explainFsError(e: unknown, outDir: string): OutputError {
  if (e instanceof OutputError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err.code === "ENOTDIR" || err.code === "EEXIST") return new OutputError(`cannot write into ${outDir}: a part of that path is a file, not a folder`, 2);
  const what = (err.code && ENV_ERRORS[err.code]) ?? err.message;
  return new OutputError(`cannot write into ${outDir}: ${what}${err.code ? ` (${err.code})` : ""}; nothing was changed`, 1);
}

export function recoveryMessage(outDir: string, r: NonNullable<Recovery>): string {
  return r.action === "finished"
    ? `an earlier run was interrupted after switching ${outDir} to its new plan; finished it (${r.files} files)`
    : `an earlier run was interrupted while replacing the plan in ${outDir}; undid it and put back the earlier plan (${r.files} files)`;
}

/** Paths of `files` that already exist in `outDir` and would be replaced. */
export function conflicts(outDir: string, files: OutputFile[]): string[] {
  const out = resolveOutDir(outDir);
  return files.filter((f) => existsSync(safeTarget(out, f.path))).map((f) => f.path);
}

function checkTargets(out: string, files: OutputFile[]): void {
  const seen = new Set<string>();
  for (const f of files) {
    safeTarget(out, f.path);
    if (f.path === MANIFEST_FILE || f.path.split("/")[0].startsWith(TXN_DIR)) throw new OutputError(`refusing to write ${f.path}: a name the tool keeps for itself`, 1);
    if (seen.has(f.path)) throw new OutputError("two generated files have the same path", 1);
    seen.add(f.path);
  }
}

/** A new folder: staged beside it and renamed into place, so it appears complete or not at all. */
function writeNewFolder(out: string, files: OutputFile[]): void {
  const parent = dirname(out);
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, `.${basename(out)}.mw-`));
  try {
    for (const f of files) {
      const p = join(staging, f.path);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, f.content);
    }
    // mkdtemp makes the folder 0700; a new folder follows the umask like any other.
    chmodSync(staging, 0o777 & ~process.umask());
    renameSync(staging, out);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

function refuseOverwrite(outDir: string, clash: string[], earlier: number): never {
  if (!clash.length) {
    throw new OutputError(
      `${outDir} already holds a plan written by migration-wizard (${earlier} files).\nNothing was written. Choose another --out folder, or pass --force to replace that plan.`,
      2,
    );
  }
  throw new OutputError(
    `${outDir} already has ${clash.length === 1 ? "a file" : "files"} this plan would overwrite:\n` +
      clash.map((p) => `  ${p}`).join("\n") +
      "\nNothing was written. Choose another --out folder, or pass --force to overwrite.",
    2,
  );
}

const readOrUndefined = (path: string) => (existsSync(path) ? readFileSync(path, "utf8") : undefined);

/**
 * The project files `files` edit that exist in `out`, each with its original content, after checking each still holds
 * what the plan read (or, under an earlier plan that edited it, exactly what that plan wrote over the same original).
 */
function checkEdits(out: string, files: OutputFile[], earlier: Manifest | undefined): Record<string, string> {
  const edited: Record<string, string> = {};
  for (const f of files) {
    if (f.base === undefined) continue;
    const now = readOrUndefined(join(out, f.path));
    // Absent: the plan goes to a folder other than the project (--out), where this is a new file.
    if (now === undefined) continue;
    const ours = earlier?.edited?.[f.path] === f.base && earlier.files[f.path] === sha256(now);
    if (now !== f.base && !ours) {
      throw new OutputError(
        earlier?.edited?.[f.path] !== undefined
          ? `${f.path} was changed after migration-wizard edited it for the earlier plan; nothing was written: undo that plan's edit by hand or keep the earlier plan`
          : `${f.path} changed while the plan was being made; nothing was written: run again`,
        2,
      );
    }
    edited[f.path] = f.base;
  }
  return edited;
}

/** With --force: the originals of project files the earlier plan edited and this one does not, to be put back. */
function restores(out: string, files: OutputFile[], earlier: Manifest | undefined): OutputFile[] {
  const kept = new Set(files.map((f) => f.path));
  return Object.entries(earlier?.edited ?? {})
    .filter(([p]) => !kept.has(p))
    .map(([path, content]) => {
      const now = readOrUndefined(join(out, path));
      if (now === undefined || sha256(now) !== earlier!.files[path]) {
        throw new OutputError(`${path} was changed after migration-wizard edited it for the earlier plan; nothing was written: put back its own content by hand first`, 2);
      }
      return { path, content };
    });
}

export function writeAll(outDir: string, files: OutputFile[], opts: WriteOptions = {}): string[] {
  const out = resolveOutDir(outDir);
  checkTargets(out, files);
  try {
    if (!existsSync(out)) {
      writeNewFolder(out, [...files, { path: MANIFEST_FILE, content: manifestFor(files) }]);
      return files.map((f) => f.path);
    }
    const recovered = recover(out);
    if (recovered) opts.notice?.(recoveryMessage(outDir, recovered));
    for (const f of files) assertNoSymlinkBelow(out, f.path);
    assertNoSymlinkBelow(out, MANIFEST_FILE);
    const earlier = readManifest(out);
    const earlierFiles = Object.keys(earlier?.files ?? {}).filter((p) => p !== MANIFEST_FILE);
    // Files of the earlier plan under a symlinked folder are left alone: moving them would act through the link.
    for (const p of earlierFiles) if (dirname(p) !== ".") assertNoSymlinkBelow(out, dirname(p), "folder");
    const edited = checkEdits(out, files, earlier);
    const clash = files.filter((f) => !(f.path in edited) && existsSync(join(out, f.path))).map((f) => f.path);
    if ((clash.length || earlier) && !opts.force) refuseOverwrite(outDir, clash, earlierFiles.length);
    const all = [...files, ...restores(out, files, earlier), { path: MANIFEST_FILE, content: manifestFor(files, edited) }];
    const old = [...new Set([...earlierFiles, ...clash, ...Object.keys(edited), ...(existsSync(join(out, MANIFEST_FILE)) ? [MANIFEST_FILE] : [])])];
    prepare(out, all, old);
    switchAndCommit(out);
    return files.map((f) => f.path);
  } catch (e) {
    throw explainFsError(e, outDir);
  }
}

/** Finish or undo a switch an earlier run left; a message saying what was done, or undefined. */
export function recoverFolder(outDir: string): string | undefined {
  try {
    const out = resolveOutDir(outDir);
    const r = recover(out);
    return r && recoveryMessage(outDir, r);
  } catch (e) {
    throw explainFsError(e, outDir);
  }
}

/** For messages: a path relative to the working directory when that is shorter. */
export function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith("..") && rel.length < p.length ? rel : p.split(sep).join("/");
}
