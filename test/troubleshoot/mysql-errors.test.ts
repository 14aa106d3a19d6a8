/** MySQL and MariaDB messages are read like PostgreSQL's: the engine, the table, the key, the diagnosis. */
import { describe, expect, it } from "vitest";
import type { Answers } from "../../src/answers/schema.js";
import { shippedTrees } from "../../src/trees/shipped.js";
import { matchError } from "../../src/troubleshoot/match.js";
import { troubleshoot } from "../../src/troubleshoot/run.js";

const trees = shippedTrees();
const none = { mode: "troubleshoot" } as Answers;

describe("reading MySQL and MariaDB error messages", () => {
  it("MySQL 8's duplicate entry gives the engine, the table and the key", () => {
    const m = matchError(trees, "ERROR 1062 (23000): Duplicate entry 'x' for key 'users.email'");
    expect(m?.answers).toMatchObject({ engine: "mysql", symptom: "failed", failure: "duplicates", table: "users", details: { index_name: "email" } });
  });

  it("MariaDB's (and MySQL 5.7's) duplicate entry names only the key", () => {
    const m = matchError(trees, "ERROR 1062 (23000) at line 3: Duplicate entry 'a@x.io' for key 'email'");
    expect(m?.answers).toMatchObject({ engine: "mysql", failure: "duplicates", details: { index_name: "email" } });
    expect(m?.answers.table).toBeUndefined();
  });

  it("a foreign key failure gives the child table, constraint, column and parent table", () => {
    const text =
      "ERROR 1452 (23000): Cannot add or update a child row: a foreign key constraint fails (`shop`.`orders`, CONSTRAINT `orders_ibfk_1` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`))";
    expect(matchError(trees, text)?.answers).toMatchObject({
      engine: "mysql",
      failure: "fk",
      table: "orders",
      columns: [{ name: "customer_id" }],
      details: { constraint_name: "orders_ibfk_1", ref_table: "customers" },
    });
  });

  it("lock wait timeouts and re-run failures are MySQL's too", () => {
    expect(matchError(trees, "ERROR 1205 (HY000): Lock wait timeout exceeded; try restarting transaction")?.answers).toMatchObject({ engine: "mysql", failure: "lock_timeout" });
    expect(matchError(trees, "ERROR 1060 (42S21): Duplicate column name 'status'")?.answers).toMatchObject({ engine: "mysql", failure: "halfway", columns: [{ name: "status" }] });
  });

  it("PostgreSQL's messages stay PostgreSQL's", () => {
    const m = matchError(trees, 'ERROR:  could not create unique index "users_email_key"\nDETAIL:  Key (email)=(a@x.io) is duplicated.');
    expect(m?.answers).toMatchObject({ engine: "postgresql", failure: "duplicates", details: { index_name: "users_email_key" } });
  });

  it("REPAIR.md for the MySQL message names the table and column, with no placeholders, and runs with no answers file", () => {
    const r = troubleshoot({ trees, answers: none, error: "ERROR 1062 (23000): Duplicate entry 'x' for key 'users.email'", useDefaults: true, now: new Date(0) });
    expect(r.status).toBe("diagnosed");
    if (r.status !== "diagnosed") return;
    expect(r.answers).toMatchObject({ engine: "mysql", engine_version: "5.7", tool: "raw-sql" });
    const md = r.files[0].content;
    expect(md).toContain("Engine: MySQL 5.7");
    expect(md).not.toMatch(/your_table|your_column/);
    expect(md).toMatch(/\busers\b/);
    expect(md).toMatch(/column email \(MySQL names a key after its first column\)/);
    expect(r.stdout).toMatch(/Assumed, as no one could be asked: MySQL 5\.7 \(the oldest supported\), plain SQL files/);
  });
});
