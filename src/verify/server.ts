/**
 * verify on a PostgreSQL server works in a database it creates and drops itself, never in an
 * existing one: whatever the plan's SQL does stays inside it. It refuses a URL whose user cannot
 * create databases, and the database is dropped on success, failure, and SIGINT/SIGTERM/SIGHUP.
 */
import { randomBytes } from "node:crypto";
import { addCleanup } from "../cli/signals.js";
import { errorInfo, openServer, type SqlSession } from "./session.js";

export class UrlError extends Error {}

/** A one-line reason when `url` is not a PostgreSQL URL verify can use. */
export function checkDatabaseUrl(url: string): void {
  if (!url.trim()) throw new UrlError("--database-url is empty: give a postgresql:// URL, or leave the option out to use embedded PostgreSQL");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UrlError(`--database-url is not a URL: expected postgresql://USER@HOST:PORT/DATABASE`);
  }
  if (parsed.protocol !== "postgresql:" && parsed.protocol !== "postgres:") {
    throw new UrlError(`--database-url must be a PostgreSQL URL (postgresql://...), not ${parsed.protocol}//: verify runs PostgreSQL plans only`);
  }
}

/** The same server, another database (and, for the run's own role, other credentials). */
function urlFor(url: string, database: string, login?: { user: string; password: string }): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  if (login) {
    u.username = login.user;
    u.password = login.password;
  }
  return u.toString();
}

/** Drop the run's database (ending its sessions; a session opening meanwhile is retried) and role. */
async function dropDatabase(url: string, name: string, role?: string): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const s = await openServer(url);
      try {
        const force = Number((await s.query("SELECT current_setting('server_version_num')::int AS v"))[0]?.v) >= 130000;
        if (!force) await s.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`);
        await s.query(`DROP DATABASE IF EXISTS ${name}${force ? " WITH (FORCE)" : ""}`);
        if (role) await s.query(`DROP ROLE IF EXISTS ${role}`);
        return true;
      } finally {
        await s.close().catch(() => {});
      }
    } catch {
      await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
    }
  }
  return false;
}

export type InDatabase<T> = { result: T; database: string; dropped: boolean } | { error: string; refused?: boolean };

/** Run `fn` with the URL of a new, empty database on the server at `url`; drop it afterwards. */
export async function inThrowawayDatabase<T>(url: string, fn: (dbUrl: string) => Promise<T>): Promise<InDatabase<T>> {
  const name = `mw_verify_${randomBytes(6).toString("hex")}`;
  let admin: SqlSession;
  try {
    admin = await openServer(url);
  } catch (e) {
    return { error: errorInfo(e).message };
  }
  // A superuser's session could run shell commands (COPY ... TO PROGRAM) or reach outside the
  // database: the plan then runs as a role made for the run, owning only the new database.
  let login: { user: string; password: string } | undefined;
  let removeCleanup = () => {};
  try {
    const can = await admin.query("SELECT rolsuper AS su, (rolsuper OR rolcreatedb) AS ok, current_user AS who FROM pg_roles WHERE rolname = current_user");
    if (can[0]?.ok !== true) {
      return { refused: true, error: `the user ${String(can[0]?.who ?? "")} cannot create databases: verify works only in a database it creates and drops itself (grant CREATEDB, or use another user)` };
    }
    if (can[0]?.su === true) {
      login = { user: name, password: randomBytes(18).toString("hex") };
      await admin.query(`CREATE ROLE ${name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD '${login.password}'`);
    }
    removeCleanup = addCleanup(() => dropDatabase(url, name, login?.user).then(() => {}));
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0${login ? ` OWNER ${login.user}` : ""}`);
  } catch (e) {
    removeCleanup();
    await dropDatabase(url, name, login?.user);
    return { error: errorInfo(e).message };
  } finally {
    await admin.close().catch(() => {});
  }
  try {
    const result = await fn(urlFor(url, name, login));
    return { result, database: name, dropped: await dropDatabase(url, name, login?.user) };
  } catch (e) {
    const dropped = await dropDatabase(url, name, login?.user);
    return { error: errorInfo(e).message + (dropped ? "" : ` (and the database ${name} could not be dropped: drop it by hand)`) };
  } finally {
    removeCleanup();
  }
}
