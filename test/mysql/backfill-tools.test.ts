/**
 * A MySQL backfill run by a migration tool fills the whole table. Before, its batch was five plain
 * statements that a tool runs once: Alembic (PyMySQL) and Knex (mysql2) recorded the file as applied
 * after 1,000 rows, and set_not_null then failed with 1265 Data truncated.
 */
import { describe, expect, it } from "vitest";
import { mariadbForFile } from "../support/mariadb-server.js";
import { expectChecks, freshDb, mysqlPlan, runAll, scalar } from "./support.js";
import { mysqlToolMissing, prepareMysqlTool } from "./tools.js";

const throwaway = mariadbForFile();

describe.each(["alembic", "knex"] as const)("MySQL backfill under %s", (tool) => {
  it("backfills every row (several batches), then set_not_null succeeds", async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const missing = mysqlToolMissing(tool);
    if (missing) return t.skip(missing);
    const dbName = `backfill_${tool}`;
    const db = await freshDb(throwaway.server, dbName);
    await db.query("CREATE TABLE users (id BIGINT PRIMARY KEY AUTO_INCREMENT, email VARCHAR(100) NOT NULL, email_lower VARCHAR(100))");
    // 4,500 rows with gaps in the keys: five batches of 1,000 keys.
    await db.query("INSERT INTO users (id, email) SELECT seq * 3, CONCAT('User', seq, '@Example.com') FROM seq_1_to_4500");
    const tune = { tool, engine_version: "10.11.6", approx_rows: 50_000, rollback_need: "none" as const };
    const plan = mysqlPlan({ ...tune, operation: "backfill", details: { set: "email_lower = LOWER(email)", backfill_where: "email_lower IS NULL" } });
    const prepared = prepareMysqlTool(tool, plan, throwaway.server, dbName, "lower_email");
    for (const phase of plan.phases) {
      const files = prepared.out.phases[phase.id];
      if (!files) continue;
      const r = prepared.exec(files.command);
      expect(r.status, r.out).toBe(0);
      await expectChecks(db, phase);
    }
    expect(await scalar(db, "SELECT COUNT(*) FROM users WHERE email_lower IS NULL")).toBe(0);
    expect(await scalar(db, "SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()")).toBe(0);
    const notNull = mysqlPlan({ ...tune, operation: "set_not_null", columns: [{ name: "email_lower", type: "varchar(100)" }] });
    for (const phase of notNull.phases) {
      await runAll(db, phase.statements);
      await expectChecks(db, phase);
    }
    expect(await scalar(db, "SELECT IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users' AND COLUMN_NAME = 'email_lower'")).toBe("NO");
    await db.end();
  }, 120_000);
});
