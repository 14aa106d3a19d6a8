/**
 * Where a snapshot comes from: a live PostgreSQL (`--database-url postgresql://`, over the `pg` driver), a live
 * MySQL or MariaDB (`mysql://`, `mariadb://`, over `mysql2`), or a `pg_dump --schema-only` file
 * (`--schema FILE`), loaded into a throwaway embedded PostgreSQL (PGlite) and read by the same reader as a
 * live PostgreSQL. Every driver loads lazily.
 */
import { readFileSync } from "node:fs";
import type { SchemaSnapshot } from "./model.js";
import { readMysqlSnapshot } from "./mysql-reader.js";
import { readPgSnapshot, type Query, type ReadOptions } from "./pg-reader.js";

/** A problem with the source (unreachable server, unreadable dump): one line for the user. */
export class SnapshotError extends Error {
  constructor(
    message: string,
    /** "usage": the input is wrong (exit 2); "environment": the server or file system failed (exit 1). */
    readonly kind: "usage" | "environment",
  ) {
    super(message);
  }
}

/** The URL as safe to print: the password replaced. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparsable URL)";
  }
}

const PG_URL = /^postgres(ql)?:\/\//;
const MYSQL_URL = /^(mysql|mariadb):\/\//;

export async function openPgClient(url: string, applicationName = "migration-wizard schema reader") {
  if (!PG_URL.test(url)) {
    throw new SnapshotError(`--database-url must be a postgresql:// URL here, got ${redactUrl(url)}`, "usage");
  }
  const pg = await import("pg");
  const Client = pg.default?.Client ?? (pg as unknown as typeof import("pg")).Client;
  const client = new Client({ connectionString: url, application_name: applicationName, connectionTimeoutMillis: 10_000 });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (e) {
    throw new SnapshotError(`cannot connect to ${redactUrl(url)}: ${(e as Error).message}`, "environment");
  }
  return client;
}

/** A mysql2 connection for a `mysql://` or `mariadb://` URL (the same wire protocol). */
export async function openMysqlConnection(url: string) {
  const mysql = await import("mysql2/promise");
  const createConnection = mysql.default?.createConnection ?? mysql.createConnection;
  try {
    return await createConnection({ uri: url.replace(/^mariadb:/, "mysql:"), connectTimeout: 10_000, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
  } catch (e) {
    throw new SnapshotError(`cannot connect to ${redactUrl(url)}: ${(e as Error).message}`, "environment");
  }
}

async function snapshotFromMysqlUrl(url: string, opts: ReadOptions): Promise<SchemaSnapshot> {
  const conn = await openMysqlConnection(url);
  conn.on("error", () => {});
  try {
    return await readMysqlSnapshot(async (sql, params) => (await conn.query(sql, params))[0] as Record<string, unknown>[], { kind: "database-url", where: redactUrl(url) }, opts);
  } catch (e) {
    if (e instanceof SnapshotError) throw e;
    throw new SnapshotError(`reading the schema from ${redactUrl(url)} failed: ${(e as Error).message}`, "environment");
  } finally {
    await conn.end().catch(() => {});
  }
}

export async function snapshotFromUrl(url: string, opts: ReadOptions = {}): Promise<SchemaSnapshot> {
  if (MYSQL_URL.test(url)) return snapshotFromMysqlUrl(url, opts);
  if (!PG_URL.test(url)) throw new SnapshotError(`--database-url must be a postgresql://, mysql:// or mariadb:// URL, got ${redactUrl(url)}`, "usage");
  const client = await openPgClient(url);
  const query: Query = async (sql) => (await client.query(sql)).rows;
  try {
    return await readPgSnapshot(query, { kind: "database-url", where: redactUrl(url) }, opts);
  } catch (e) {
    if (e instanceof SnapshotError) throw e;
    throw new SnapshotError(`reading the schema from ${redactUrl(url)} failed: ${(e as Error).message}`, "environment");
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The dump as PGlite can run it: psql meta-commands (`\restrict`, `\connect`) and statements about roles
 * the embedded server does not have (OWNER TO, GRANT, REVOKE, ALTER DEFAULT PRIVILEGES) are left out;
 * they change no name or definition the snapshot reads.
 */
export function runnableDump(text: string): string {
  return text
    .split("\n")
    .filter((line) => !/^\\/.test(line))
    .filter((line) => !/^(ALTER [A-Z ]+ OWNER TO |GRANT |REVOKE |ALTER DEFAULT PRIVILEGES |COMMENT ON EXTENSION )/.test(line))
    .join("\n");
}

/** mysqldump's header, or the MySQL-only marks of its DDL: backquoted CREATE TABLE, ENGINE=, versioned comments. */
export function isMysqlDump(text: string): boolean {
  return /^-- (MySQL|MariaDB) dump /m.test(text) || /^CREATE TABLE `/m.test(text) || /^\) ENGINE=/m.test(text) || /^\/\*![0-9]{5} /m.test(text);
}

export async function snapshotFromDump(file: string, opts: ReadOptions = {}): Promise<SchemaSnapshot> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new SnapshotError(`cannot read --schema ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, "usage");
  }
  if (isMysqlDump(text)) {
    throw new SnapshotError(
      `--schema ${file} is a mysqldump file, which cannot be read exactly here: read the schema from the server instead with --database-url mysql://user@host:3306/database (read-only)`,
      "usage",
    );
  }
  if (!/^(CREATE|ALTER|SET|SELECT) /m.test(text)) {
    throw new SnapshotError(`--schema ${file} does not look like pg_dump --schema-only output (no CREATE, ALTER or SET statement)`, "usage");
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const db = new PGlite();
  try {
    try {
      await db.exec(runnableDump(text));
    } catch (e) {
      throw new SnapshotError(`--schema ${file} could not be loaded into embedded PostgreSQL: ${(e as Error).message.split("\n")[0]}`, "usage");
    }
    // The dump sets search_path to '' for its own session; the reader qualifies nothing by search_path anyway.
    const query: Query = async (sql) => {
      const r = await db.exec(sql);
      return (r[r.length - 1]?.rows ?? []) as Record<string, unknown>[];
    };
    return await readPgSnapshot(query, { kind: "schema-dump", where: file }, opts);
  } finally {
    await db.close();
  }
}
