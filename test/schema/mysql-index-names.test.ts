/**
 * MySQL index names are per table, so the schema-wide names a snapshot lists do not hold them: a derived index
 * or constraint name that the table already has as an index is refused (as on PostgreSQL, where index names are
 * relations), naming the field that gives another name; the same name on another table is free. Pure: plans
 * built in memory from a MariaDB snapshot.
 */
import { describe, expect, it } from "vitest";
import type { PlanAnswers } from "../../src/answers/schema.js";
import { buildPlan, PlanError } from "../../src/plan/build.js";
import type { IndexInfo, SchemaSnapshot, TableInfo } from "../../src/schema/model.js";
import { emptyTable } from "../../src/schema/model.js";

const column = (name: string, type: string, nullable = true) => ({ name, type, nullable, default: null, identity: null, generated: null, collation: null, sequence: null });
const index = (name: string, columns: string[], unique = false): IndexInfo => ({
  name,
  definition: `CREATE ${unique ? "UNIQUE " : ""}INDEX \`${name}\` ON t (${columns.join(", ")})`,
  columns,
  unique,
  primary: name === "PRIMARY",
  predicate: null,
  valid: true,
  constraint: unique ? name : null,
});

const table = (name: string, indexes: IndexInfo[]): TableInfo => ({
  ...emptyTable("shop", name, 50_000, 1 << 20),
  columns: [column("id", "int(11)", false), column("email", "varchar(191)"), column("team_id", "int(11)")],
  primaryKey: { name: "PRIMARY", columns: ["id"] },
  indexes: [index("PRIMARY", ["id"], true), ...indexes],
});

const snapshot: SchemaSnapshot = {
  engine: "mariadb",
  serverVersion: "10.11.6-MariaDB",
  source: { kind: "database-url", where: "mariadb://app@db/shop" },
  read: [],
  schemas: ["shop"],
  // users already has an index named as the plan would name a unique index on email (an old, non-unique one).
  tables: [table("users", [index("users_email_key", ["email"]), index("users_team_id_idx", ["team_id"])]), table("teams", [index("teams_email_key", ["email"])])],
  views: [],
  enums: [],
  sequences: [],
  names: [],
};

const base = { mode: "plan", engine: "mariadb", engine_version: "10.11", approx_rows: 50_000, downtime_tolerance: "none", rollback_need: "phase-level", tool: "raw-sql" } as const;
const plan = (answers: object) => buildPlan({ ...base, ...answers } as unknown as PlanAnswers, { snapshot, facts: { source: "the database", read: [], assumed: [] } });

describe("derived index names against the MySQL table's own index names", () => {
  it("refuses a derived unique index name the table already has, in one line naming the field to set", () => {
    const answers = { operation: "add_unique_constraint", table: "users", columns: [{ name: "email" }] };
    expect(() => plan(answers)).toThrow(PlanError);
    expect(() => plan(answers)).toThrow(/the derived name users_email_key is already an index of users in the database: choose another name \(details.index_name/);
    // Without the database read, nothing is known to be taken.
    expect(() => buildPlan({ ...base, ...answers } as unknown as PlanAnswers)).not.toThrow();
  });

  it("refuses the index add_index and add_foreign_key would derive when the table has it", () => {
    expect(() => plan({ operation: "add_index", table: "users", columns: [{ name: "team_id" }] })).toThrow(/users_team_id_idx is already an index of users/);
    expect(() => plan({ operation: "add_foreign_key", table: "users", columns: [{ name: "team_id" }], details: { ref_table: "teams" } })).toThrow(
      /users_team_id_idx is already an index of users/,
    );
  });

  it("a name another table uses is free (index names are per table), and a name given in the answers is used as given", () => {
    const onTeams = plan({ operation: "add_unique_constraint", table: "teams", columns: [{ name: "team_id" }] });
    expect(onTeams.phases.flatMap((p) => p.statements.map((s) => s.sql)).join("\n")).toContain("ADD UNIQUE INDEX teams_team_id_key");
    const named = plan({ operation: "add_unique_constraint", table: "users", columns: [{ name: "email" }], details: { index_name: "users_email_unique" } });
    expect(named.phases.flatMap((p) => p.statements.map((s) => s.sql)).join("\n")).toContain("ADD UNIQUE INDEX users_email_unique");
  });
});
