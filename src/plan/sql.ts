/** Names and quoting shared by every recipe (version facts are capabilities in src/engines). */
import type { Engine } from "../answers/schema.js";
import type { Statement } from "./model.js";
import { sqlIdent, sqlTable } from "./encode.js";
import { deriveName } from "./names.js";
import { isMysqlFamily } from "../engines/index.js";
import { effect } from "./effects.js";

/** Quote a name for the engine when it needs it: `"order"`, `"createdAt"`, `` `rank` `` (encode.ts). */
export const quoteIdent = (engine: Engine, name: string): string => sqlIdent(engine, name);

/** Quote a possibly schema-qualified table name: `billing."Order"`. */
export const quoteTable = (engine: Engine, name: string): string => sqlTable(engine, name);

/** A derived object name from parts, lower-case, from the plan's one name allocator (names.ts). */
export function constraintName(...parts: string[]): string {
  return deriveName(...parts.map((p) => p.toLowerCase()));
}

/** The statement that caps how long the next statements wait for their lock. */
export function lockTimeout(engine: Engine, ms: number): Statement {
  const sql =
    isMysqlFamily(engine) ? `SET SESSION lock_wait_timeout = ${Math.max(1, Math.round(ms / 1000))};` : `SET lock_timeout = '${ms}ms';`;
  return {
    sql,
    transaction: true,
    lock: "none",
    rewrite: false,
    setting: true,
    effects: [effect.setting(isMysqlFamily(engine) ? "lock_wait_timeout" : "lock_timeout")],
    why: "A waiting lock request queues every later query on the table behind it; give up fast and retry instead.",
  };
}

/** The statement that caps how long one statement may run. */
export function statementTimeout(engine: Engine, ms: number): Statement {
  const [name, sql] =
    engine === "mysql"
      ? ["max_execution_time", `SET SESSION max_execution_time = ${ms};`]
      : engine === "mariadb"
        ? ["max_statement_time", `SET SESSION max_statement_time = ${ms / 1000};`]
        : ["statement_timeout", `SET statement_timeout = '${ms}ms';`];
  return { sql, transaction: true, lock: "none", rewrite: false, setting: true, effects: [effect.setting(name)] };
}
