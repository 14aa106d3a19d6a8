/** One embedded PostgreSQL (PGlite) per test file, with an empty public schema before each test. */
import { afterAll, beforeAll, beforeEach } from "vitest";
import { openEmbedded, type SqlSession } from "../../src/verify/session.js";

/** Registers the hooks; `use` receives the session once it is open. */
export function useEmbeddedPerFile(use: (db: SqlSession) => void): void {
  let db: SqlSession | undefined;
  beforeAll(async () => {
    db = await openEmbedded();
    use(db);
  });
  afterAll(async () => {
    await db?.close();
  });
  beforeEach(async () => {
    await db!.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
  });
}
