/**
 * Lock waits against application transactions on a real PostgreSQL server: the foreign-key phase and
 * its rollback never deadlock an application transaction whatever order it writes the two tables in,
 * and an `idle in transaction` blocker makes the phase give up within its bounded retries, while the
 * plan's own advice, followed literally, clears it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startPostgres, type PgServer } from "../support/pg-server.js";
import { connect, pgPlan, runStatements, sleep, type Client } from "./support.js";
import { maxPauseTotalMs, RETRY_ATTEMPTS } from "../../src/plan/recipes/lock-retry.js";
import type { Phase } from "../../src/plan/model.js";

let server: PgServer | null = null;
let migration: Client, appA: Client, appB: Client, admin: Client;

beforeAll(async () => {
  server = await startPostgres();
  if (!server) return;
  [migration, appA, appB, admin] = await Promise.all(["migration", "app A", "app B", "admin"].map((n) => connect(server!.url, n)));
}, 120_000);

afterAll(async () => {
  for (const c of [migration, appA, appB, admin]) await c?.end().catch(() => {});
  await server?.stop();
});

beforeEach(async (ctx) => {
  if (!server) ctx.skip("Debian's postgresql package is not installed");
  await admin.query("DROP TABLE IF EXISTS orders, users");
  await admin.query("CREATE TABLE users (id bigint PRIMARY KEY, n int NOT NULL DEFAULT 0)");
  await admin.query("CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, n int NOT NULL DEFAULT 0)");
  await admin.query("INSERT INTO users (id) SELECT g FROM generate_series(1, 1000) g");
  await admin.query("INSERT INTO orders (id, user_id) SELECT g, g FROM generate_series(1, 1000) g");
  await admin.query("CREATE INDEX orders_user_id_idx ON orders (user_id)");
});

function fkPhase(): Phase {
  const plan = pgPlan(
    { operation: "add_foreign_key", table: "orders", columns: [{ name: "user_id", type: "bigint" }], details: { ref_table: "users", ref_column: "id" } },
    server!.major,
  );
  const phase = plan.phases.find((p) => /NOT VALID/.test(p.statements.map((s) => s.sql).join("\n")));
  if (!phase) throw new Error("no NOT VALID phase in the foreign-key plan");
  return phase;
}

/** An application transaction writing `first` then `second`, pausing between, like a request handler. */
async function appTransaction(c: Client, first: string, second: string, id: number): Promise<string | undefined> {
  try {
    await c.query("BEGIN");
    await c.query(`UPDATE ${first} SET n = n + 1 WHERE id = ${id}`);
    await sleep(60);
    await c.query(`UPDATE ${second} SET n = n + 1 WHERE id = ${id}`);
    await c.query("COMMIT");
    return undefined;
  } catch (e) {
    await c.query("ROLLBACK").catch(() => {});
    return (e as { code?: string }).code ?? String(e);
  }
}

/** Both application orders at once, with the migration step started while they hold their first table. */
async function contend(step: () => Promise<void>, id: number): Promise<{ appErrors: string[]; migrationError?: string }> {
  const apps = [appTransaction(appA, "users", "orders", id), appTransaction(appB, "orders", "users", id + 1)];
  await sleep(15);
  let migrationError: string | undefined;
  await step().catch((e) => (migrationError = (e as { code?: string }).code ?? String(e)));
  const appErrors = (await Promise.all(apps)).filter((e): e is string => !!e);
  return { appErrors, migrationError };
}

describe("the foreign-key phase under application transactions in both lock orders", () => {
  it("20 attempts of apply and rollback: 0 application transactions aborted, every step completes", async () => {
    const phase = fkPhase();
    const appErrors: string[] = [];
    for (let i = 0; i < 20; i++) {
      const up = await contend(() => runStatements(migration, phase.statements), 10 + i * 2);
      appErrors.push(...up.appErrors);
      expect(up.migrationError).toBeUndefined();
      const down = await contend(() => runStatements(migration, phase.rollback!), 100 + i * 2);
      appErrors.push(...down.appErrors);
      expect(down.migrationError).toBeUndefined();
    }
    expect(appErrors).toEqual([]);
  }, 120_000);

  it("control: the bare statement with a 2 s lock_timeout (no lock order, no retry) does abort application transactions", async () => {
    let deadlocks = 0;
    for (let i = 0; i < 6 && deadlocks === 0; i++) {
      const r = await contend(async () => {
        await migration.query("SET lock_timeout = '2s'");
        await migration.query("ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID");
        await migration.query("ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey");
        await migration.query("RESET lock_timeout");
      }, 500 + i * 2);
      deadlocks += [...r.appErrors, r.migrationError ?? ""].filter((e) => e === "40P01").length;
    }
    expect(deadlocks).toBeGreaterThan(0);
  }, 60_000);
});

/** The first SQL in backticks after `marker` in the phase's advice. */
function adviceSql(advice: string, marker: RegExp): string {
  const at = advice.search(marker);
  const m = /`([^`]+)`/.exec(advice.slice(at));
  if (at < 0 || !m) throw new Error(`advice has no SQL after ${marker}: ${advice}`);
  return m[1];
}

describe("an idle-in-transaction blocker", () => {
  it("the phase gives up within its bounded retries, with a message that says why", async () => {
    const phase = fkPhase();
    await admin.query("BEGIN; UPDATE users SET n = n WHERE id = 1;");
    const timeoutMs = Number(/lock_timeout = '(\d+)ms'/.exec(phase.statements.map((s) => s.sql).join("\n"))![1]);
    expect(timeoutMs).toBeLessThanOrEqual(500);
    const bound = RETRY_ATTEMPTS * timeoutMs + maxPauseTotalMs() + 1000;
    const t0 = performance.now();
    const err = await runStatements(migration, phase.statements).then(() => undefined, (e) => e as { code?: string; message: string });
    const waited = performance.now() - t0;
    await admin.query("ROLLBACK");
    expect(err?.code).toBe("55P03");
    expect(err?.message).toMatch(new RegExp(`gave up after ${RETRY_ATTEMPTS} attempts`));
    expect(waited).toBeLessThan(bound);
  }, 60_000);

  it("PLAN.md's advice, followed literally, finds the blocker and ends it; the retrying phase then completes", async () => {
    const phase = fkPhase();
    const advice = phase.onLockTimeout!;
    const find = adviceSql(advice, /Find the blocker/);
    const end = adviceSql(advice, /end it with/);
    expect(end).toMatch(/pg_terminate_backend\(<pid>\)/);
    const victim = await connect(server!.url, "idle blocker");
    victim.on("error", () => {});
    // An application that wrote a row and then stalled (ROW EXCLUSIVE held, no query running).
    await victim.query("BEGIN; UPDATE orders SET n = n WHERE id = 1;");
    const running = runStatements(migration, phase.statements).then(() => undefined, (e) => e as Error);
    await sleep(600);
    const rows = (await admin.query(find)).rows as { pid: number; state: string }[];
    const idle = rows.filter((r) => r.state === "idle in transaction");
    expect(idle.length).toBe(1);
    await admin.query(end.replace("<pid>", String(idle[0].pid)));
    expect(await running).toBeUndefined();
    const fk = await admin.query("SELECT count(*)::int AS c FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'f'");
    expect(fk.rows[0].c).toBe(1);
    await victim.end().catch(() => {});
  }, 60_000);

  it("pg_cancel_backend, the advice before, leaves the idle blocker in place", async () => {
    const victim = await connect(server!.url, "idle blocker");
    await victim.query("BEGIN; SELECT * FROM orders LIMIT 1;");
    const pid = (await victim.query("SELECT pg_backend_pid() AS p")).rows[0].p;
    await admin.query(`SELECT pg_cancel_backend(${pid})`);
    await sleep(100);
    const st = await admin.query(`SELECT state FROM pg_stat_activity WHERE pid = ${pid}`);
    expect(st.rows[0].state).toBe("idle in transaction");
    await victim.query("ROLLBACK");
    await victim.end();
  });
});
