import { describe, expect, it } from "vitest";
import { validateInput } from "../../src/wizard/input.js";

const value = (r: ReturnType<typeof validateInput>) => (r.ok ? r.value : `ERROR: ${r.error}`);
const error = (r: ReturnType<typeof validateInput>) => (r.ok ? "" : r.error);

describe("validateInput", () => {
  it("refuses empty text for every kind", () => {
    for (const kind of ["identifier", "table", "sql_type", "sql_default", "sql_expression", "version", "integer", "text"] as const) {
      expect(validateInput(kind, "   ").ok, kind).toBe(false);
    }
  });

  it("identifier: letters, digits, _ and at most 63 characters", () => {
    expect(value(validateInput("identifier", "created_at"))).toBe("created_at");
    expect(value(validateInput("identifier", "createdAt"))).toBe("createdAt");
    expect(error(validateInput("identifier", "2fa"))).toMatch(/cannot start with a digit/);
    expect(error(validateInput("identifier", "first name"))).toMatch(/letters, digits and _/);
    expect(validateInput("identifier", "a".repeat(63)).ok).toBe(true);
    expect(error(validateInput("identifier", "a".repeat(64)))).toMatch(/at most 63/);
  });

  it("table: optionally schema-qualified", () => {
    expect(value(validateInput("table", "orders"))).toBe("orders");
    expect(value(validateInput("table", "billing.invoices"))).toBe("billing.invoices");
    expect(error(validateInput("table", "a.b.c"))).toMatch(/schema\.table/);
    expect(error(validateInput("table", "billing.9x"))).toMatch(/table name cannot start with a digit/);
    expect(error(validateInput("table", "bad-schema.x"))).toMatch(/schema name/);
  });

  it("sql_type", () => {
    for (const t of ["text", "varchar(255)", "numeric(10, 2)", "timestamp with time zone", "int[]", "bigint"]) {
      expect(value(validateInput("sql_type", t)), t).toBe(t);
    }
    expect(error(validateInput("sql_type", "varchar(abc)"))).toMatch(/SQL type/);
    expect(error(validateInput("sql_type", "text; drop table x"))).toMatch(/SQL type/);
  });

  it("sql_default: literals, numbers, booleans, null and function calls", () => {
    expect(value(validateInput("sql_default", "'active'"))).toBe("'active'");
    expect(value(validateInput("sql_default", "'it''s'"))).toBe("'it''s'");
    expect(value(validateInput("sql_default", "'{}'::jsonb"))).toBe("'{}'::jsonb");
    expect(value(validateInput("sql_default", "0"))).toBe(0);
    expect(value(validateInput("sql_default", "-1.5"))).toBe(-1.5);
    expect(value(validateInput("sql_default", "TRUE"))).toBe(true);
    expect(value(validateInput("sql_default", "false"))).toBe(false);
    expect(value(validateInput("sql_default", "null"))).toBe(null);
    expect(value(validateInput("sql_default", "now()"))).toBe("now()");
    expect(value(validateInput("sql_default", "gen_random_uuid()"))).toBe("gen_random_uuid()");
    expect(value(validateInput("sql_default", "nextval('orders_id_seq')"))).toBe("nextval('orders_id_seq')");
    expect(value(validateInput("sql_default", "CURRENT_TIMESTAMP"))).toBe("CURRENT_TIMESTAMP");
  });

  it("sql_default: a bare word is refused with a suggestion to quote it", () => {
    expect(error(validateInput("sql_default", "active"))).toBe("Text defaults need single quotes: 'active'. For a function, add (): active().");
    expect(error(validateInput("sql_default", "'open"))).toMatch(/single quote/);
    expect(error(validateInput("sql_default", "now("))).toMatch(/quoted literal|not closed/);
  });

  it("sql_expression: balanced parentheses and quotes", () => {
    expect(value(validateInput("sql_expression", "price * 100"))).toBe("price * 100");
    expect(value(validateInput("sql_expression", "(a + b) * (c - ')')"))).toBe("(a + b) * (c - ')')");
    expect(value(validateInput("sql_expression", `"Weird"" col" IS NOT NULL`))).toBe(`"Weird"" col" IS NOT NULL`);
    expect(error(validateInput("sql_expression", "lower(email"))).toBe("1 ( not closed.");
    expect(error(validateInput("sql_expression", "a)"))).toBe("A ) has no matching (.");
    expect(error(validateInput("sql_expression", "status = 'open"))).toBe("A ' is not closed.");
  });

  it("version", () => {
    for (const v of ["16.2", "11", "8.0.36"]) expect(value(validateInput("version", v))).toBe(v);
    for (const v of ["v16", "16.", "1.2.3.4", "sixteen"]) expect(error(validateInput("version", v)), v).toMatch(/16\.2, 11 or 8\.0\.36/);
  });

  it("integer: separators allowed, never negative", () => {
    expect(value(validateInput("integer", "1,000,000"))).toBe(1_000_000);
    expect(value(validateInput("integer", "2_500"))).toBe(2500);
    expect(value(validateInput("integer", "0"))).toBe(0);
    expect(error(validateInput("integer", "-5"))).toMatch(/0 or more/);
    expect(error(validateInput("integer", "1.5"))).toMatch(/whole number/);
    expect(error(validateInput("integer", "1,,000"))).toMatch(/whole number/);
    expect(error(validateInput("integer", "99999999999999999999"))).toMatch(/too large/);
  });

  it("integer: row counts in the forms people write them", () => {
    for (const [text, rows] of [
      ["50M", 50_000_000], ["2.5M", 2_500_000], ["5e7", 50_000_000], ["200 000 000", 200_000_000], ["50_000_000", 50_000_000],
      ["50k", 50_000], ["1.2 billion", 1_200_000_000], ["~3,000,000 rows", 3_000_000], ["1'000'000", 1_000_000],
    ] as const) {
      expect(value(validateInput("integer", text)), text).toBe(rows);
    }
    expect(error(validateInput("integer", "50 M people"))).toMatch(/whole number/);
    expect(error(validateInput("integer", "lots"))).toMatch(/2\.5M/);
  });

  it("version: bare, or pasted from SELECT version(), psql --version and mysql --version", () => {
    const pasted = {
      "16.2": "16.2",
      " version\n---------------------------------------------------------------------------------------------------------------------\n PostgreSQL 16.2 (Debian 16.2-1.pgdg120+2) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit\n(1 row)\n": "16.2",
      "psql (PostgreSQL) 15.4": "15.4",
      "mysql  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)": "8.0.36",
      "mysql  Ver 8.0.36-0ubuntu0.22.04.1 for Linux on x86_64 ((Ubuntu))": "8.0.36",
      "+-------------------------+\n| VERSION()               |\n+-------------------------+\n| 8.0.36-0ubuntu0.22.04.1 |\n+-------------------------+": "8.0.36",
      "mysql  Ver 15.1 Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64) using  EditLine wrapper": "10.11.6",
      "10.11.6-MariaDB-0+deb12u1": "10.11.6",
    };
    for (const [text, version] of Object.entries(pasted)) expect(value(validateInput("version", text)), text).toBe(version);
    expect(error(validateInput("version", "latest"))).toMatch(/SELECT version\(\)/);
  });

  it("text: trimmed, non-empty", () => {
    expect(value(validateInput("text", "  hello "))).toBe("hello");
  });
});
