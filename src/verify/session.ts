/**
 * One PostgreSQL session, whatever runs it: embedded PGlite (one session only) or a `pg.Client`
 * on a real server. Both drivers are imported dynamically so other commands do not load them.
 */
import type { PGlite } from "@electric-sql/pglite";
import type { Client } from "pg";

export type Row = Record<string, unknown>;

export interface SqlSession {
  /** "embedded": PGlite, a single session (no second connection to observe from). */
  readonly kind: "embedded" | "server";
  /** Run SQL text (one or several statements); rows of the last result. */
  query(sql: string): Promise<Row[]>;
  close(): Promise<void>;
}

/** A database error's SQLSTATE and message, from either driver. */
export function errorInfo(e: unknown): { message: string; code?: string } {
  const err = e as { message?: string; code?: unknown };
  return { message: String(err?.message ?? e), code: typeof err?.code === "string" ? err.code : undefined };
}

export function pgliteSession(db: PGlite): SqlSession {
  return {
    kind: "embedded",
    async query(sql) {
      // exec uses the simple protocol, so multi-statement text and DO blocks with COMMIT work.
      const results = await db.exec(sql);
      return (results[results.length - 1]?.rows ?? []) as Row[];
    },
    close: () => db.close(),
  };
}

/** PGlite is an optional dependency: without it, embedded verify explains how to get it. */
export class MissingPgliteError extends Error {}

/** A fresh in-memory PGlite with the extensions plans may need (btree_gist for exclusion constraints). */
export async function openEmbedded(): Promise<SqlSession & { db: PGlite }> {
  let mods: [typeof import("@electric-sql/pglite"), typeof import("@electric-sql/pglite/contrib/btree_gist")];
  try {
    mods = await Promise.all([import("@electric-sql/pglite"), import("@electric-sql/pglite/contrib/btree_gist")]);
  } catch {
    throw new MissingPgliteError(
      "embedded PostgreSQL needs the optional package @electric-sql/pglite, which is not installed: " +
        "npm install @electric-sql/pglite, or verify on a server with --database-url",
    );
  }
  const [{ PGlite }, { btree_gist }] = mods;
  const db = new PGlite({ extensions: { btree_gist } });
  await db.waitReady;
  return { ...pgliteSession(db), db };
}

export function clientSession(client: Client): SqlSession {
  return {
    kind: "server",
    async query(sql) {
      const result = (await client.query(sql)) as unknown;
      const last = Array.isArray(result) ? result[result.length - 1] : result;
      return ((last as { rows?: Row[] })?.rows ?? []) as Row[];
    },
    close: () => client.end(),
  };
}

/** A connected session on a server. `searchPath` pins the session to a schema. */
export async function openServer(url: string, searchPath?: string): Promise<SqlSession> {
  const pg = await import("pg");
  const ClientCtor = (pg.default?.Client ?? (pg as unknown as { Client: typeof Client }).Client) as typeof Client;
  const client = new ClientCtor({ connectionString: url, application_name: "migration-wizard verify" });
  // An idle-connection error (server stopped) must not crash the process; the next query reports it.
  client.on("error", () => {});
  await client.connect();
  const session = clientSession(client);
  if (searchPath) await session.query(`SET search_path TO ${searchPath}`);
  return session;
}
