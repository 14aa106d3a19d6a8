/**
 * A throwaway PostgreSQL server for tests: initdb into a temporary folder, listen on 127.0.0.1 on a
 * free port, trust auth. Uses Debian's `postgresql` package (installed by .ci/run); returns null when
 * it is absent so a test can skip itself at run time. PostgreSQL refuses to run as root, so as root
 * every server command runs as the `postgres` user.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";

export interface PgServer {
  url: string;
  port: number;
  /** Major version of the server binaries, e.g. 15. */
  major: number;
  stop(): Promise<void>;
}

function findBinDir(): { dir: string; major: number } | null {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const majors = readdirSync(base)
    .map(Number)
    .filter((n) => Number.isFinite(n) && existsSync(join(base, String(n), "bin", "initdb")))
    .sort((a, b) => b - a);
  return majors.length ? { dir: join(base, String(majors[0]), "bin"), major: majors[0] } : null;
}

export function postgresAvailable(): boolean {
  return findBinDir() !== null;
}

export async function startPostgres(): Promise<PgServer | null> {
  const bin = findBinDir();
  if (!bin) return null;
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    execFileSync(asRoot ? "runuser" : join(bin.dir, cmd), asRoot ? ["-u", "postgres", "--", join(bin.dir, cmd), ...args] : args, {
      stdio: "pipe",
      timeout: 60_000,
    });
  const root = mkdtempSync(join(tmpdir(), "mw-pg-"));
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(root, uid, gid);
    chmodSync(root, 0o700);
  }
  const data = join(root, "data");
  run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const port = await freePort();
  const opts = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  run("pg_ctl", ["-D", data, "-l", join(root, "log"), "-o", opts, "-w", "-t", "30", "start"]);
  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    try {
      run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
  // A test run that dies must not leave a server behind.
  process.once("exit", stopSync);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    major: bin.major,
    async stop() {
      process.removeListener("exit", stopSync);
      stopSync();
    },
  };
}
