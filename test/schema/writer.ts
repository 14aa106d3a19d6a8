/** A writer that inserts and updates rows in accounts, orders and notes in a bounded loop, and knows what it wrote. */
import pg from "pg";

type Rows = Map<string, string>;
export interface State {
  accounts: Rows;
  orders: Rows;
  notes: Rows;
}

/** The rows of the three tables, keyed by id, as text. */
export async function tableState(c: pg.Client): Promise<State> {
  const read = async (sql: string) => new Map((await c.query(sql)).rows.map((r) => [String(r.id), String(r.v)] as [string, string]));
  return {
    accounts: await read(`SELECT id::text AS id, name AS v FROM accounts`),
    orders: await read(`SELECT id::text AS id, account_id || ':' || amount AS v FROM orders`),
    notes: await read(`SELECT id::text AS id, coalesce(account_id::text, '-') || ':' || body AS v FROM notes`),
  };
}

export async function startWriter(url: string, maxOps = 20_000) {
  const c = new pg.Client({ connectionString: url, application_name: "test writer" });
  await c.connect();
  const state = await tableState(c);
  const failures: string[] = [];
  let ops = 0;
  let stopping = false;
  const pick = (m: Rows) => {
    const keys = [...m.keys()];
    return keys[Math.floor(Math.random() * keys.length)];
  };
  const loop = (async () => {
    while (!stopping && ops < maxOps) {
      const k = ops % 5;
      try {
        if (k === 0) {
          const r = await c.query(`INSERT INTO accounts (name) VALUES ('w${ops}') RETURNING id::text AS id`);
          state.accounts.set(r.rows[0].id, `w${ops}`);
        } else if (k === 1) {
          const a = pick(state.accounts);
          const r = await c.query(`INSERT INTO orders (account_id, amount) VALUES (${a}, ${ops % 100}) RETURNING id::text AS id`);
          state.orders.set(r.rows[0].id, `${a}:${ops % 100}`);
        } else if (k === 2) {
          const a = pick(state.accounts);
          const r = await c.query(`INSERT INTO notes (account_id, body) VALUES (${a}, 'w${ops}') RETURNING id::text AS id`);
          state.notes.set(r.rows[0].id, `${a}:w${ops}`);
        } else if (k === 3) {
          const o = pick(state.orders);
          const r = await c.query(`UPDATE orders SET amount = ${ops % 100} WHERE id = ${o} RETURNING account_id::text AS a`);
          state.orders.set(o, `${r.rows[0].a}:${ops % 100}`);
        } else {
          const n = pick(state.notes);
          const a = pick(state.accounts);
          const r = await c.query(`UPDATE notes SET account_id = ${a} WHERE id = ${n} RETURNING body`);
          state.notes.set(n, `${a}:${r.rows[0].body}`);
        }
      } catch (e) {
        failures.push(`op ${ops}: ${(e as Error).message}`);
      }
      ops++;
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  return {
    get ops() {
      return ops;
    },
    failures,
    expected: (): State => state,
    async stop() {
      stopping = true;
      await loop;
      await c.end();
    },
  };
}
