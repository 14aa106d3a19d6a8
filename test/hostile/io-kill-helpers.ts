/** Shared by the kill tests: the child bundle, folder snapshots, and "exactly plan A or plan B". */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { build } from "esbuild";
import { MANIFEST_FILE, manifestFor } from "../../src/output/manifest.js";
import type { OutputFile } from "../../src/output/write.js";
import { planA, planB, userFiles } from "./io-plans.js";

export async function bundleChild(tmp: string): Promise<string> {
  const outfile = join(tmp, "io-switch-child.mjs");
  await build({ entryPoints: [join(__dirname, "io-switch-child.ts")], bundle: true, platform: "node", format: "esm", outfile, logLevel: "error" });
  return outfile;
}

/** Every file (path -> content) and folder under `dir`, symlinks flagged. */
export function snapshot(dir: string): { files: Record<string, string>; dirs: string[] } {
  const files: Record<string, string> = {};
  const dirs: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, r));
      if (st.isSymbolicLink()) files[r] = "<symlink>";
      else if (st.isDirectory()) {
        dirs.push(r);
        walk(r);
      } else files[r] = readFileSync(join(dir, r), "utf8");
    }
  };
  walk("");
  return { files, dirs };
}

function expected(plan: OutputFile[]) {
  const all = [...userFiles, ...plan, { path: MANIFEST_FILE, content: manifestFor(plan) }];
  const files = Object.fromEntries(all.map((f) => [f.path, f.content]));
  const dirs = new Set<string>();
  for (const f of all) for (let d = dirname(f.path); d !== "."; d = dirname(d)) dirs.add(d);
  return { files: Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))), dirs: [...dirs].sort() };
}

/** "A" or "B" when the folder holds exactly that plan and the user's files; else a description of the mess. */
export function whichPlan(dir: string): "A" | "B" | string {
  const s = snapshot(dir);
  const norm = { files: Object.fromEntries(Object.entries(s.files).sort(([a], [b]) => (a < b ? -1 : 1))), dirs: [...s.dirs].sort() };
  const same = (e: ReturnType<typeof expected>) => JSON.stringify(e) === JSON.stringify(norm);
  if (same(expected(planA))) return "A";
  if (same(expected(planB))) return "B";
  const diff = (e: ReturnType<typeof expected>) => {
    const extra = Object.keys(norm.files).filter((f) => !(f in e.files));
    const missing = Object.keys(e.files).filter((f) => !(f in norm.files));
    const changed = Object.keys(e.files).filter((f) => f in norm.files && norm.files[f] !== e.files[f]);
    const dirs = norm.dirs.filter((d) => !e.dirs.includes(d));
    return `extra [${extra.slice(0, 5)}] missing [${missing.slice(0, 5)}] changed [${changed.slice(0, 5)}] extra dirs [${dirs}]`;
  };
  return `neither plan: vs A ${diff(expected(planA))}; vs B ${diff(expected(planB))}`;
}

export function seedFolder(dir: string): void {
  for (const f of userFiles) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
}

/** Start the child and resolve once it printed "ready". */
export function startChild(bundle: string, dir: string, first: "A" | "B", env: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, dir, first], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    child.stdout!.once("data", () => resolve(child));
    child.once("exit", (code) => reject(new Error(`child exited ${code} before ready: ${err}`)));
  });
}

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once("exit", (code, signal) => resolve({ code, signal }));
  });
}

export const txnLeft = (dir: string) => existsSync(join(dir, ".migration-wizard.txn"));
