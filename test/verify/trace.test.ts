import { beforeEach, describe, expect, it } from "vitest";
import type { SqlSession } from "../../src/verify/session.js";
import { useEmbeddedPerFile } from "../support/embedded.js";
import { lockModeName, strongest, traceStatement } from "../../src/verify/trace.js";

let db: SqlSession;
useEmbeddedPerFile((session) => (db = session));
beforeEach(async () => {
  await db.query("CREATE TABLE t (id bigint PRIMARY KEY, n int); INSERT INTO t SELECT g, g FROM generate_series(1, 2000) g;");
});

const tx = (sql: string) => ({ sql, transaction: true });

describe("lock names", () => {
  it("maps pg_locks modes to the SQL names", () => {
    expect(lockModeName("AccessExclusiveLock")).toBe("ACCESS EXCLUSIVE");
    expect(lockModeName("ShareUpdateExclusiveLock")).toBe("SHARE UPDATE EXCLUSIVE");
    expect(lockModeName("ShareLock")).toBe("SHARE");
    expect(lockModeName("RowExclusiveLock")).toBe("ROW EXCLUSIVE");
    expect(strongest(["ROW EXCLUSIVE", "ACCESS SHARE", "SHARE"])).toBe("SHARE");
    expect(strongest([])).toBeUndefined();
  });
});

describe("traceStatement on embedded PostgreSQL", () => {
  it("adding a nullable column takes ACCESS EXCLUSIVE and rewrites nothing", async () => {
    const r = await traceStatement(db, tx("ALTER TABLE t ADD COLUMN note text"));
    expect(r.method).toBe("transaction");
    expect(r.error).toBeUndefined();
    expect(r.strongestByRelation.t).toBe("ACCESS EXCLUSIVE");
    expect(r.rewritten).toEqual([]);
    // Committed: the column is there afterwards.
    expect(await db.query("SELECT count(*)::int AS c FROM information_schema.columns WHERE table_name = 't' AND column_name = 'note'")).toEqual([{ c: 1 }]);
  });

  it("int to bigint rewrites the table", async () => {
    const r = await traceStatement(db, tx("ALTER TABLE t ALTER COLUMN n TYPE bigint"));
    expect(r.strongestByRelation.t).toBe("ACCESS EXCLUSIVE");
    expect(r.rewritten).toEqual(["t"]);
  });

  it("a volatile default rewrites, a constant one does not", async () => {
    expect((await traceStatement(db, tx("ALTER TABLE t ADD COLUMN a int DEFAULT 5"))).rewritten).toEqual([]);
    expect((await traceStatement(db, tx("ALTER TABLE t ADD COLUMN b float8 DEFAULT random()"))).rewritten).toEqual(["t"]);
  });

  it("a plain CREATE INDEX takes SHARE on the table; the new index's own lock is marked created", async () => {
    const r = await traceStatement(db, tx("CREATE INDEX t_n ON t (n)"));
    expect(r.strongestByRelation).toEqual({ t: "SHARE" });
    expect(r.locks.some((l) => l.relation === "t_n" && l.created)).toBe(true);
    expect(r.rewritten).toEqual([]);
  });

  it("an UPDATE takes ROW EXCLUSIVE and no rewrite", async () => {
    const r = await traceStatement(db, tx("UPDATE t SET n = n + 1 WHERE id <= 100"));
    expect(r.strongestByRelation.t).toBe("ROW EXCLUSIVE");
    expect(r.rewritten).toEqual([]);
  });

  it("reports a renamed table under the name it had before", async () => {
    const r = await traceStatement(db, tx("ALTER TABLE t RENAME TO t2"));
    expect(r.strongestByRelation.t).toBe("ACCESS EXCLUSIVE");
    expect(r.strongestByRelation.t2).toBeUndefined();
  });

  it("cannot trace CONCURRENTLY on a single session, says so, and still checks the rewrite", async () => {
    const r = await traceStatement(db, { sql: "CREATE INDEX CONCURRENTLY t_c ON t (n)", transaction: false });
    expect(r.method).toBe("not-traced");
    expect(r.how).toMatch(/not traced/);
    expect(r.error).toBeUndefined();
    expect(r.rewritten).toEqual([]);
    const vacuum = await traceStatement(db, { sql: "VACUUM FULL t", transaction: false });
    expect(vacuum.rewritten).toEqual(["t"]);
  });

  it("reports a failing statement with its SQLSTATE and leaves no transaction open", async () => {
    const r = await traceStatement(db, tx("ALTER TABLE t ADD COLUMN n int"));
    expect(r.error?.code).toBe("42701");
    expect(await db.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
    const conc = await traceStatement(db, { sql: "CREATE INDEX CONCURRENTLY t_c ON t (nope)", transaction: false });
    expect(conc.error?.code).toBe("42703");
  });

  it("runs settings as they are", async () => {
    const r = await traceStatement(db, { sql: "SET lock_timeout = '1500ms'", transaction: true, setting: true });
    expect(r.method).toBe("setting");
    expect(await db.query("SHOW lock_timeout")).toEqual([{ lock_timeout: "1500ms" }]);
  });
});
