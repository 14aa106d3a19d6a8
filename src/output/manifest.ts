/**
 * The record of what the tool wrote in a plan folder: every path with the SHA-256 of its content.
 * `--force` replaces exactly these files; `verify` refuses files that changed since.
 */
import { createHash } from "node:crypto";
import { lstatSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const MANIFEST_FILE = ".migration-wizard.json";
// Room for the original content of the project files a plan edits (a sqitch.plan, a master changelog).
const MANIFEST_MAX_BYTES = 16 << 20;

export interface Manifest {
  format: 1;
  /** Path (relative, with `/`) to the SHA-256 of its content, hex. */
  files: Record<string, string>;
  /**
   * Project files the plan edited rather than created (--project: sqitch.plan, a journal, a master
   * changelog): path to the content before the edit, which `--force` puts back when the next plan no
   * longer edits it. Absent when the plan edited none.
   */
  edited?: Record<string, string>;
}

export function sha256(content: string | Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}

export function manifestFor(files: { path: string; content: string }[], edited: Record<string, string> = {}): string {
  const m: Manifest = { format: 1, files: Object.fromEntries(files.map((f) => [f.path, sha256(f.content)])) };
  if (Object.keys(edited).length) m.edited = edited;
  return JSON.stringify(m, null, 2) + "\n";
}

const plainPath = (p: string) => typeof p === "string" && p.length > 0 && !p.startsWith("/") && !p.split("/").some((s) => s === ".." || s === "." || s === "");

/** The folder's manifest; undefined when there is none (or it is not one of ours). */
export function readManifest(dir: string): Manifest | undefined {
  const file = join(dir, MANIFEST_FILE);
  try {
    const st = lstatSync(file);
    if (!st.isFile() || st.size > MANIFEST_MAX_BYTES) return undefined;
    const data = JSON.parse(readFileSync(file, "utf8")) as Manifest;
    if (data?.format !== 1 || typeof data.files !== "object" || data.files === null) return undefined;
    const files = Object.fromEntries(Object.entries(data.files).filter(([p, h]) => plainPath(p) && typeof h === "string"));
    const edited = Object.fromEntries(
      Object.entries(typeof data.edited === "object" && data.edited !== null ? data.edited : {}).filter(([p, c]) => plainPath(p) && p in files && typeof c === "string"),
    );
    return Object.keys(edited).length ? { format: 1, files, edited } : { format: 1, files };
  } catch {
    return undefined;
  }
}

/** Files of the manifest that are missing or differ from what was written. */
export function changedSinceWritten(dir: string, manifest: Manifest): string[] {
  const changed: string[] = [];
  for (const [path, hash] of Object.entries(manifest.files)) {
    try {
      const st = lstatSync(join(dir, path));
      if (!st.isFile() || sha256(readFileSync(join(dir, path))) !== hash) changed.push(path);
    } catch {
      changed.push(path);
    }
  }
  return changed;
}
