/**
 * Replacing one plan by another in a folder that also holds the user's own files, so that a kill at
 * any moment leaves something the next run can finish or undo:
 *
 * 1. prepare: the new files are written into `.migration-wizard.txn.tmp-*`, with a journal naming
 *    the old files (to move aside) and the new ones; one rename makes it `.migration-wizard.txn`.
 *    A kill before that rename leaves the folder untouched (the tmp folder is removed next time).
 * 2. switch: every old file is renamed into txn/old/, then every new file out of txn/new/.
 * 3. commit: an empty txn/committed file is created; then txn/ (with the old files) is removed.
 *
 * recover(): with `committed`, the new plan stands and txn/ is removed ("finished"); without it,
 * new files are moved back and old files restored ("undone"). Both are idempotent, so a kill during
 * recovery is recovered by the next run. Old files are deleted only once the new plan is committed:
 * a restore that fails leaves them in txn/old/ and says so.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { OutputError } from "./paths.js";

export const TXN_DIR = ".migration-wizard.txn";
const TMP_PREFIX = `${TXN_DIR}.tmp-`;
/** A finished txn/ is renamed to this first, so a kill while deleting it never leaves a half txn/. */
const TRASH_PREFIX = `${TXN_DIR}.trash-`;

function removeTxn(out: string): void {
  const trash = join(out, `${TRASH_PREFIX}${process.pid}-${Date.now().toString(36)}`);
  renameSync(join(out, TXN_DIR), trash);
  rmSync(trash, { recursive: true, force: true });
}

interface Journal {
  old: string[];
  new: string[];
  /** Folders the new plan creates (removed again when it is undone). */
  createdDirs: string[];
}

/** Test hook: milliseconds to pause after each rename of the switch, so kill tests can land inside it. */
function pause(): void {
  const ms = Number(process.env.MIGRATION_WIZARD_TEST_SWITCH_PAUSE_MS);
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function move(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  renameSync(from, to);
}

function removeEmptyDirs(out: string, dirs: string[]): void {
  // Deepest first, so a parent emptied by its child's removal goes too.
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    try {
      rmdirSync(join(out, d));
    } catch {
      // not empty, or already gone: keep it
    }
  }
}

function parentDirs(paths: string[]): string[] {
  const dirs = new Set<string>();
  for (const p of paths) for (let d = dirname(p); d !== "." && d !== "/"; d = dirname(d)) dirs.add(d);
  return [...dirs];
}

/** Stage `files` and the journal; returns once txn/ exists (the point from which recovery applies). */
export function prepare(out: string, files: { path: string; content: string }[], oldPaths: string[]): void {
  const tmp = join(out, `${TMP_PREFIX}${process.pid}-${Date.now().toString(36)}`);
  const newPaths = files.map((f) => f.path);
  const journal: Journal = { old: oldPaths, new: newPaths, createdDirs: parentDirs(newPaths).filter((d) => !existsSync(join(out, d))) };
  try {
    for (const f of files) {
      const p = join(tmp, "new", f.path);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, f.content);
    }
    writeFileSync(join(tmp, "journal.json"), JSON.stringify(journal));
    renameSync(tmp, join(out, TXN_DIR));
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Move the old files aside and the new ones in, then commit and clean up. */
export function switchAndCommit(out: string): void {
  const txn = join(out, TXN_DIR);
  const j = readJournal(txn);
  try {
    for (const p of j.old) {
      if (existsSync(join(out, p))) {
        move(join(out, p), join(txn, "old", p));
        pause();
      }
    }
    for (const p of j.new) {
      move(join(txn, "new", p), join(out, p));
      pause();
    }
  } catch (e) {
    undo(out, j);
    throw e;
  }
  writeFileSync(join(txn, "committed"), "", { flag: "wx" });
  finishCommitted(out, j);
}

function finishCommitted(out: string, j: Journal): void {
  // Empty folders first: once txn/ is gone nothing records which folders were the old plan's.
  const kept = new Set(parentDirs(j.new));
  removeEmptyDirs(out, parentDirs(j.old).filter((d) => !kept.has(d)));
  removeTxn(out);
}

function readJournal(txn: string): Journal {
  const j = JSON.parse(readFileSync(join(txn, "journal.json"), "utf8")) as Journal;
  if (!Array.isArray(j.old) || !Array.isArray(j.new)) throw new Error("damaged journal");
  return { old: j.old, new: j.new, createdDirs: Array.isArray(j.createdDirs) ? j.createdDirs : [] };
}

/** Undo the moves of an uncommitted switch. Throws, keeping txn/old, when an original cannot be put back. */
function undo(out: string, j: Journal): void {
  const txn = join(out, TXN_DIR);
  for (const p of [...j.new].reverse()) {
    if (!existsSync(join(txn, "new", p)) && existsSync(join(out, p))) move(join(out, p), join(txn, "new", p));
  }
  const stuck: string[] = [];
  for (const p of j.old) {
    if (!existsSync(join(txn, "old", p))) continue;
    try {
      move(join(txn, "old", p), join(out, p));
    } catch {
      stuck.push(p);
    }
  }
  if (stuck.length) {
    throw new OutputError(
      `could not put back ${stuck.length} file(s) of the earlier plan (${stuck.join(", ")}); they are safe in ${join(txn, "old")}: move them back by hand`,
      1,
    );
  }
  removeEmptyDirs(out, j.createdDirs);
  removeTxn(out);
}

export type Recovery = { action: "finished" | "undone"; files: number } | undefined;

/**
 * Finish or undo a switch that a kill interrupted; remove staging that never became a switch.
 * Returns what was done, for the message, or undefined when there was nothing to recover.
 */
export function recover(out: string): Recovery {
  let entries: string[];
  try {
    entries = readdirSync(out);
  } catch {
    return undefined;
  }
  for (const e of entries) if (e.startsWith(TMP_PREFIX) || e.startsWith(TRASH_PREFIX)) rmSync(join(out, e), { recursive: true, force: true });
  const txn = join(out, TXN_DIR);
  if (!entries.includes(TXN_DIR)) return undefined;
  let j: Journal;
  try {
    j = readJournal(txn);
  } catch {
    throw new OutputError(`${txn} is left from an interrupted run and cannot be read: look inside, keep what you need, and remove it`, 1);
  }
  if (existsSync(join(txn, "committed"))) {
    finishCommitted(out, j);
    return { action: "finished", files: j.new.length };
  }
  undo(out, j);
  return { action: "undone", files: j.old.length };
}
