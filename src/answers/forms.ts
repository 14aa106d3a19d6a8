/**
 * Answers in the forms people have them: a row count as 50M, 2.5M, 5e7, 200 000 000 or 50_000_000,
 * and an engine version pasted from `SELECT version();`, `psql --version` or `mysql --version`.
 * Pure, no zod: the wizard validates with these on every key.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const SUFFIX: Record<string, number> = { k: 1e3, thousand: 1e3, m: 1e6, mio: 1e6, million: 1e6, b: 1e9, bn: 1e9, billion: 1e9 };

/** A row count: digits with `,` `_` `'` or spaces between groups, a decimal with k/M/B, or scientific notation. */
export function parseRowCount(raw: string): Parsed<number> {
  const text = raw.trim().replace(/^~|^about\s+/i, "").replace(/\s*rows?$/i, "");
  if (text.startsWith("-")) return { ok: false, error: "Write a number of 0 or more." };
  let value: number | undefined;
  const grouped = /^\d{1,3}([,_' \u00a0\u202f]\d{3})+$/.test(text) || /^\d+(_\d+)+$/.test(text);
  const suffixed = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(text);
  if (/^\d+$/.test(text) || grouped) value = Number(text.replace(/[,_' \u00a0\u202f]/g, ""));
  else if (/^\d+(\.\d+)?e\+?\d+$/i.test(text)) value = Number(text);
  else if (suffixed && SUFFIX[suffixed[2].toLowerCase()]) value = Math.round(Number(suffixed[1]) * SUFFIX[suffixed[2].toLowerCase()]);
  if (value === undefined && /^\d+\.\d+$/.test(text)) return { ok: false, error: "A row count is a whole number (2.5M is fine)." };
  if (value === undefined || !Number.isFinite(value)) {
    return { ok: false, error: "Write a whole number of rows: 2500000, 2,500,000, 2_500_000, 2.5M, 50k or 5e7." };
  }
  if (!Number.isInteger(value)) return { ok: false, error: "A row count is a whole number." };
  return Number.isSafeInteger(value) ? { ok: true, value } : { ok: false, error: "That number is too large." };
}

export interface PastedVersion {
  version: string;
  /** The engine the text names, when it names one. */
  engine?: "postgresql" | "mysql" | "mariadb";
}

/**
 * The version in a bare `16.2`, or in what `SELECT version();` / `psql --version` / `mysql --version` /
 * `SELECT VERSION();` print (psql's header lines and "(1 row)" included). MariaDB's client prints its own
 * version first ("Ver 15.1 Distrib 10.11.6-MariaDB"): the server's is the Distrib one.
 */
export function parseVersion(raw: string): Parsed<PastedVersion> {
  const text = raw.replace(/\s+/g, " ").trim();
  const fail = { ok: false as const, error: "Write a version such as 16.2, 11 or 8.0.36, or paste what SELECT version(); prints." };
  if (/^\d+(\.\d+){0,2}$/.test(text)) return { ok: true, value: { version: text } };
  const mariadb = /(\d+\.\d+\.\d+)-MariaDB/i.exec(text) ?? (/mariadb/i.test(text) ? /Distrib (\d+\.\d+(?:\.\d+)?)/i.exec(text) : null);
  if (mariadb) return { ok: true, value: { version: mariadb[1], engine: "mariadb" } };
  const pg = /PostgreSQL\)? (\d+(?:\.\d+)?)/i.exec(text);
  if (pg) return { ok: true, value: { version: pg[1], engine: "postgresql" } };
  const mysql = /\bVer (\d+\.\d+\.\d+)/i.exec(text) ?? /Distrib (\d+\.\d+\.\d+)/i.exec(text);
  if (mysql) return { ok: true, value: { version: mysql[1], engine: "mysql" } };
  // SELECT VERSION(); in the mysql client: a table around "8.0.36-0ubuntu0.22.04.1".
  const bare = /(?:^|[\s|])(\d+\.\d+\.\d+)(?:-[\w.+-]+)?(?=[\s|]|$)/.exec(text);
  if (bare && !/PostgreSQL/i.test(text)) return { ok: true, value: { version: bare[1] } };
  return fail;
}
