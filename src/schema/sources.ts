/**
 * Where a snapshot comes from: a live PostgreSQL (`--database-url`, over the `pg` driver) or a
 * `pg_dump --schema-only` file (`--schema FILE`), loaded into a throwaway embedded PostgreSQL (PGlite)
 * and read by the same reader. Both drivers load lazily.
 */
import { readFileSync } from "node:fs";
import type { SchemaSnapshot } from "./model.js";
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

export async function openPgClient(url: string, applicationName = "migration-wizard schema reader") {
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new SnapshotError(`--database-url must be a postgresql:// URL, got ${redactUrl(url)}`, "usage");
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

export async function snapshotFromUrl(url: string, opts: ReadOptions = {}): Promise<SchemaSnapshot> {
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

export async function snapshotFromDump(file: string, opts: ReadOptions = {}): Promise<SchemaSnapshot> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new SnapshotError(`cannot read --schema ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, "usage");
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
