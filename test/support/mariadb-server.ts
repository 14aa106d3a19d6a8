/**
 * A throwaway MariaDB server for tests: mariadb-install-db into a temporary folder, its own socket, a
 * free port on 127.0.0.1, root without a password. Uses Debian's `mariadb-server` (installed by
 * .ci/run); `startMariadb` returns `{ reason }` when it is absent so a test can say why it skips, and
 * throws when it is installed but does not start, so a broken server fails the tests instead of skipping them.
 * MariaDB refuses to run as root unless told to, so as root the server runs as the `mysql` user.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";
import { afterAll, beforeAll } from "vitest";

export interface MariadbServer {
  host: string;
  port: number;
  socket: string;
  user: string;
  /** The server's version, e.g. "10.11.6". */
  version: string;
  /** mysql2 connection options for a database (created empty by `createDatabase`). */
  options(database?: string): { host: string; port: number; user: string; database?: string; multipleStatements: boolean };
  /** `mysql://root@127.0.0.1:PORT/DB`, for tools that take a URL. */
  url(database: string): string;
  /** Command-line arguments for the `mariadb`/`mysql` client. */
  clientArgs(database?: string): string[];
  createDatabase(name: string): void;
  stop(): Promise<void>;
}

const SERVER = ["/usr/sbin/mariadbd", "/usr/sbin/mysqld"].find((p) => existsSync(p));
const INSTALL = ["/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db"].find((p) => existsSync(p));
const CLIENT = ["/usr/bin/mariadb", "/usr/bin/mysql"].find((p) => existsSync(p));

export function mariadbMissing(): string | null {
  if (!SERVER || !INSTALL || !CLIENT) return "MariaDB is not installed (Debian package mariadb-server; .ci/run installs it)";
  return null;
}

function waitReady(args: string[], child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  return new Promise((resolveReady, reject) => {
    const tick = () => {
      if (child.exitCode !== null) return reject(new Error(`mariadbd exited: ${log()}`));
      try {
        execFileSync(CLIENT!, [...args, "-e", "SELECT 1"], { stdio: "pipe", timeout: 5000 });
        return resolveReady();
      } catch {
        if (Date.now() > deadline) return reject(new Error(`mariadbd did not start in 90 s: ${log()}`));
        setTimeout(tick, 150);
      }
    };
    tick();
  });
}

export async function startMariadb(): Promise<MariadbServer | { reason: string }> {
  const missing = mariadbMissing();
  if (missing) return { reason: missing };
  const asRoot = process.getuid?.() === 0;
  const root = mkdtempSync(join(tmpdir(), "mw-maria-"));
  const data = join(root, "data");
  const socket = join(root, "sock");
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "mysql"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "mysql"]).toString().trim());
    chownSync(root, uid, gid);
  }
  const userArgs = asRoot ? ["--user=mysql"] : [];
  execFileSync(INSTALL!, ["--no-defaults", `--datadir=${data}`, "--auth-root-authentication-method=normal", "--skip-test-db", ...userArgs], {
    stdio: "pipe",
    timeout: 120_000,
  });
  const port = await freePort();
  const child = spawn(
    SERVER!,
    [
      "--no-defaults",
      `--datadir=${data}`,
      `--socket=${socket}`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      `--pid-file=${join(root, "pid")}`,
      "--skip-log-bin",
      "--innodb-flush-log-at-trx-commit=0",
      "--innodb-buffer-pool-size=64M",
      "--innodb-log-file-size=16M",
      "--skip-name-resolve",
      "--character-set-server=utf8mb4",
      "--collation-server=utf8mb4_general_ci",
      ...userArgs,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const clientArgs = (db?: string) => ["--no-defaults", "-uroot", `--socket=${socket}`, ...(db ? [db] : [])];
  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    try {
      if (child.exitCode === null) child.kill("SIGKILL");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
  // A test run that dies must not leave a server behind.
  process.once("exit", stopSync);
  // Installed but not starting is a failure, never a skip: only an absent server skips.
  try {
    await waitReady(clientArgs(), child, () => stderr);
  } catch (err) {
    stopSync();
    throw new Error((err as Error).message.slice(0, 400));
  }
  const version = execFileSync(CLIENT!, [...clientArgs(), "-N", "-e", "SELECT VERSION()"]).toString().trim().replace(/-.*/, "");
  return {
    host: "127.0.0.1",
    port,
    socket,
    user: "root",
    version,
    options: (database) => ({ host: "127.0.0.1", port, user: "root", ...(database ? { database } : {}), multipleStatements: true }),
    url: (db) => `mysql://root@127.0.0.1:${port}/${db}`,
    clientArgs,
    createDatabase(name) {
      execFileSync(CLIENT!, [...clientArgs(), "-e", `DROP DATABASE IF EXISTS \`${name}\`; CREATE DATABASE \`${name}\``]);
    },
    async stop() {
      process.removeListener("exit", stopSync);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      }
      stopSync();
    },
  };
}

/** Path of the `mariadb` command-line client (the `mysql` client on older systems). */
export const MARIADB_CLIENT = CLIENT;

/** Creates database `name` on `server` and runs `sql` in it with the command-line client; returns the server. */
export function loadDatabase(server: MariadbServer, name: string, sql: string): MariadbServer {
  server.createDatabase(name);
  execFileSync(CLIENT!, server.clientArgs(name), { input: sql });
  return server;
}

/** One throwaway server for a test file: started before its tests, stopped after; `skip` says why there is none. */
export function mariadbForFile(): { readonly server: MariadbServer | null; readonly skip: string } {
  const state: { server: MariadbServer | null; skip: string } = { server: null, skip: "" };
  beforeAll(async () => {
    const s = await startMariadb();
    if ("reason" in s) state.skip = s.reason;
    else state.server = s;
  }, 120_000);
  afterAll(async () => state.server?.stop());
  return state;
}
