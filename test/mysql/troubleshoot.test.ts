/** Troubleshoot reads MariaDB's errors and answers with MySQL-family queries, naming MariaDB. */
import { describe, expect, it } from "vitest";
import type { Answers } from "../../src/answers/schema.js";
import { shippedTrees } from "../../src/trees/shipped.js";
import { troubleshoot } from "../../src/troubleshoot/run.js";

const trees = shippedTrees();
const mariadb = (tool: Answers["tool"], extra: Partial<Answers> = {}): Answers => ({ mode: "troubleshoot", engine: "mariadb", engine_version: "10.11.6", tool, ...extra }) as Answers;

// Messages as MariaDB 10.11 prints them.
const CASES: { error: string; answers: Answers; diagnosis: string; want: RegExp }[] = [
  { error: "ERROR 1205 (HY000) at line 3: Lock wait timeout exceeded; try restarting transaction", answers: mariadb("raw-sql"), diagnosis: "lock-timeout", want: /innodb_trx/ },
  { error: "ERROR 1969 (70100): Query execution was interrupted (max_statement_time exceeded)", answers: mariadb("knex"), diagnosis: "long-running", want: /MariaDB 10\.11\.6/ },
  {
    error: "ERROR 1062 (23000): Duplicate entry 'a@x.io' for key 'users_email_key'",
    answers: mariadb("alembic", { table: "users", columns: [{ name: "email" }] }),
    diagnosis: "duplicate-rows",
    want: /DELETE a FROM users a JOIN users b/,
  },
  { error: "ERROR 1060 (42S21): Duplicate column name 'status'", answers: mariadb("raw-sql"), diagnosis: "failed-halfway", want: /information_schema\.statistics/ },
];

describe("troubleshoot on MariaDB", () => {
  for (const c of CASES) {
    it(`${c.diagnosis}: ${c.error.slice(0, 60)}`, () => {
      const result = troubleshoot({ trees, answers: c.answers, error: c.error });
      expect(result.status).toBe("diagnosed");
      if (result.status !== "diagnosed") return;
      expect(result.diagnosisId).toBe(c.diagnosis);
      const text = result.stdout + "\n" + result.files.map((f) => f.content).join("\n");
      expect(text).toMatch(c.want);
      expect(text).not.toMatch(/pg_stat_activity|pg_class|psql/);
      expect(result.files.find((f) => f.path.endsWith("REPAIR.md"))?.content ?? text).toMatch(/MariaDB/);
    });
  }
});
