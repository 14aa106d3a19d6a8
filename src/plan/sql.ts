/** Names, quoting and engine-version facts shared by every recipe. */
import type { Engine } from "../answers/schema.js";
import type { Statement } from "./model.js";

// Words that must be quoted to be used as names (the common core of both engines' reserved lists).
const RESERVED = new Set(
  `all analyse analyze and any array as asc asymmetric authorization between binary both case cast check collate
  column constraint create cross current_catalog current_date current_role current_time current_timestamp
  current_user default deferrable delete desc distinct do drop else end except exists false fetch for foreign
  freeze from full grant group having ilike in index initially inner insert interval into is isnull join key
  keys lateral leading left like limit localtime localtimestamp match natural not notnull null offset on only
  or order outer overlaps placing primary range read references returning right row rows select session_user
  show similar some symmetric table tablesample then to trailing true union unique update user using variadic
  verbose when where window with`.split(/\s+/),
);

/** Quote a name for the engine when it needs it: `"order"`, `"createdAt"`, `` `order` ``. */
export function quoteIdent(engine: Engine, name: string): string {
  const plain = /^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name);
  if (plain) return name;
  return engine === "mysql" ? "`" + name.replace(/`/g, "``") + "`" : '"' + name.replace(/"/g, '""') + '"';
}

/** Quote a possibly schema-qualified table name: `billing."Order"`. */
export function quoteTable(engine: Engine, name: string): string {
  return name
    .split(".")
    .map((part) => quoteIdent(engine, part))
    .join(".");
}

/** Compare dotted versions numerically: "14.3" < "14.10". */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export const versionAtLeast = (version: string, min: string) => compareVersions(version, min) >= 0;

/** A name built from parts, kept within PostgreSQL's 63-byte limit the way PostgreSQL itself would. */
export function constraintName(...parts: string[]): string {
  const name = parts.join("_").replace(/\./g, "_").toLowerCase();
  return name.length <= 63 ? name : name.slice(0, 63);
}

/** The statement that caps how long the next statements wait for their lock. */
export function lockTimeout(engine: Engine, ms: number): Statement {
  const sql =
    engine === "mysql" ? `SET SESSION lock_wait_timeout = ${Math.max(1, Math.round(ms / 1000))};` : `SET lock_timeout = '${ms}ms';`;
  return {
    sql,
    transaction: true,
    lock: "none",
    rewrite: false,
    setting: true,
    why: "A waiting lock request queues every later query on the table behind it; give up fast and retry instead.",
  };
}

/** The statement that caps how long one statement may run. */
export function statementTimeout(engine: Engine, ms: number): Statement {
  const sql = engine === "mysql" ? `SET SESSION max_execution_time = ${ms};` : `SET statement_timeout = '${ms}ms';`;
  return { sql, transaction: true, lock: "none", rewrite: false, setting: true };
}
