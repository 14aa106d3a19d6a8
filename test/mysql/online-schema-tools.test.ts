/**
 * gh-ost and pt-online-schema-change as a real choice (answer `online_ddl_tool`): the shell encoder
 * every name and clause goes through, the plan's commands parsed by a real shell (bash splits them into
 * the argv the tool would get; gh-ost and pt-osc themselves are not installed here, so their run is not
 * tested), the precondition checks and the --alter clause run on a real MariaDB.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { PlanAnswers } from "../../src/answers/schema.js";
import { answersSchema } from "../../src/answers/schema.js";
import { shellArg } from "../../src/plan/encode.js";
import type { Phase, Plan } from "../../src/plan/model.js";
import { renderPlanMarkdown } from "../../src/render/plan-md.js";
import { TOOL_RENDERERS } from "../../src/render/tools/index.js";
import { printedCommands } from "../tools/plan-md-commands.js";
import { mariadbForFile } from "../support/mariadb-server.js";
import { expectChecks, freshDb, mysqlPlan, scalar } from "./support.js";

const throwaway = mariadbForFile();
const ENV = { MYSQL_HOST: "db-1.internal", MYSQL_USER: "migrator", MYSQL_DATABASE: "shop" };

/** The words bash makes of `command` (as the program would get them in argv), with ENV set. */
function shellWords(command: string): string[] {
  const r = spawnSync("bash", ["-c", `words() { printf '%s\\0' "$@"; }; words ${command}`], { env: { ...process.env, ...ENV }, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split("\0").slice(0, -1);
}

const HOSTILE = ["it's", "two words", "line1\nline2", "$(touch /tmp/pwned)", "`id`", "a;b|c&d", "*", "", "tab\there", "back\\slash", "dollar $HOME", "u2028\u2028x", "!bang", "~user", "-n"];

describe("shellArg: one shell word, passed on unchanged", () => {
  it.each(HOSTILE.map((s) => [JSON.stringify(s), s]))("%s", (_, s) => {
    const word = shellArg(s);
    expect(word).not.toMatch(/[\n\r\u2028]/);
    expect(shellWords(word)).toEqual([s]);
  });

  it("leaves plain words bare", () => {
    expect(shellArg("orders")).toBe("orders");
    expect(shellArg("--chunk-size=1000")).toBe("--chunk-size=1000");
  });
});

const base = { engine: "mysql", engine_version: "8.0.36", approx_rows: 50_000_000, downtime_tolerance: "none" } as const;
// A CHECK with quotes, $(), backticks and a line break: every byte must reach --alter unchanged.
const HOSTILE_CHECK = "amount >= 0 OR code <> 'it''s $(touch /tmp/pwned) `id`\n;'";
const checkAnswers = (over: Partial<PlanAnswers>) =>
  mysqlPlan({ ...base, operation: "add_check_constraint", table: "orders", columns: [{ name: "amount", type: "int" }], details: { check: HOSTILE_CHECK, constraint_name: "orders_amount_ok" }, ...over });

const externalPhase = (plan: Plan): Phase => plan.phases.find((p) => p.external)!;

describe("online_ddl_tool in the answers contract", () => {
  it("accepts the three ways and rejects others", () => {
    for (const v of ["native", "gh-ost", "pt-online-schema-change"]) expect(answersSchema.safeParse({ engine: "mysql", engine_version: "8.0.36", online_ddl_tool: v }).success).toBe(true);
    expect(answersSchema.safeParse({ engine: "mysql", engine_version: "8.0.36", online_ddl_tool: "lhm" }).success).toBe(false);
  });
});

describe("a rebuild run by gh-ost", () => {
  const plan = checkAnswers({ online_ddl_tool: "gh-ost" });
  const phase = externalPhase(plan);

  it("checks the preconditions in a phase of their own, then runs the rebuild with gh-ost instead of SQL", () => {
    const i = plan.phases.indexOf(phase);
    expect(phase.statements).toEqual([]);
    expect(phase.external?.tool).toBe("gh-ost");
    const verify = plan.phases[i - 1];
    expect(verify.kind).toBe("verify");
    expect(verify.checks.map((c) => c.description).join("\n")).toMatch(/PRIMARY KEY or a UNIQUE key on NOT NULL[\s\S]*binlog_format is ROW[\s\S]*No foreign key/);
    // Native plan for comparison: the same phase holds the ALTER, which copies the table and blocks writes.
    const native = checkAnswers({ online_ddl_tool: "native" });
    expect(native.phases.some((p) => p.external)).toBe(false);
    expect(native.phases.flatMap((p) => p.statements).some((s) => /ADD CONSTRAINT .* CHECK/.test(s.sql))).toBe(true);
  });

  it("rehearses first (no --execute), then executes; --alter is the clause without ALTER TABLE, throttled", () => {
    const rehearse = shellWords(phase.external!.rehearse);
    const execute = shellWords(phase.external!.execute);
    expect(rehearse[0]).toBe("gh-ost");
    expect(rehearse).not.toContain("--execute");
    expect(execute).toEqual([...rehearse, "--execute"]);
    const alter = rehearse.find((w) => w.startsWith("--alter="))!.slice("--alter=".length);
    expect(alter).toBe(`ADD CONSTRAINT orders_amount_ok CHECK (${HOSTILE_CHECK})`);
    expect(alter).not.toMatch(/^ALTER TABLE|ALGORITHM=|LOCK=/);
    expect(rehearse).toEqual(expect.arrayContaining(["--table=orders", "--database=shop", "--host=db-1.internal", "--user=migrator", "--max-lag-millis=1500", "--chunk-size=1000"]));
    expect(rehearse.some((w) => w.startsWith("--postpone-cut-over-flag-file="))).toBe(true);
  });

  it("PLAN.md prints both commands, the cut-over and the rollback", () => {
    const md = renderPlanMarkdown(plan);
    expect(md).toContain("### How to run it (with gh-ost)");
    expect(md).toContain(phase.external!.rehearse);
    expect(md).toContain(phase.external!.execute);
    expect(md).toMatch(/### Cut-over\n\ngh-ost copies the rows, then waits while the file \/tmp\/gh-ost\.orders\.postpone exists/);
    expect(md).toMatch(/Before the cut-over: stop the tool[^\n]*_orders_gho[^\n]*RENAME TABLE orders TO _orders_failed, _orders_del TO orders/);
    expect(md).toContain("| table rebuilds with | gh-ost |");
  });

  it("is refused on MariaDB (gh-ost reads MySQL's binary log only), and a plan without a rebuild says the choice changed nothing", () => {
    expect(() => checkAnswers({ engine: "mariadb", engine_version: "10.11.6", online_ddl_tool: "gh-ost" })).toThrow(/gh-ost does not support MariaDB/);
    const small = checkAnswers({ online_ddl_tool: "gh-ost", approx_rows: 5_000 });
    expect(small.phases.some((p) => p.external)).toBe(false);
    expect(small.warnings.join("\n")).toMatch(/online_ddl_tool is gh-ost, but no step of this plan rebuilds/);
  });
});

describe("a rebuild run by pt-online-schema-change", () => {
  it("dry run first, then --execute, throttled, the table in the DSN; its precondition is no trigger", () => {
    const plan = mysqlPlan({ ...base, engine: "mariadb", engine_version: "10.11.6", operation: "set_not_null", table: "users", columns: [{ name: "full_name", type: "varchar(120)" }], details: { set: "full_name = 'x'" }, online_ddl_tool: "pt-online-schema-change" });
    const phase = externalPhase(plan);
    const rehearse = shellWords(phase.external!.rehearse);
    const execute = shellWords(phase.external!.execute);
    expect(rehearse[0]).toBe("pt-online-schema-change");
    expect(rehearse).toContain("--dry-run");
    expect(rehearse).not.toContain("--execute");
    expect(execute).toEqual(rehearse.map((w) => (w === "--dry-run" ? "--execute" : w)));
    expect(rehearse[rehearse.indexOf("--alter") + 1]).toBe("MODIFY COLUMN full_name varchar(120) NOT NULL");
    expect(rehearse).toEqual(expect.arrayContaining(["--max-lag=1.5", "--chunk-size=1000", "--no-drop-old-table", "h=db-1.internal,u=migrator,D=shop,t=users"]));
    const verify = plan.phases[plan.phases.indexOf(phase) - 1];
    expect(verify.checks.map((c) => c.description).join("\n")).toMatch(/No trigger on users/);
    // The reverse change through the same tool, for undoing without losing writes.
    expect(phase.external!.rollback).toMatch(/pt-online-schema-change --alter 'MODIFY COLUMN full_name varchar\(120\) NULL'/);
  });
});

describe("on MariaDB: the preconditions and the --alter clause", () => {
  it("the checks pass on a table that qualifies and fail on one that does not; the clause runs as ALTER TABLE orders <clause>", async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const db = await freshDb(throwaway.server, "online_tools");
    try {
      await db.query("SET GLOBAL binlog_format = 'ROW'");
      await db.query("CREATE TABLE orders (id BIGINT PRIMARY KEY, amount INT, code VARCHAR(50))");
      await db.query("INSERT INTO orders VALUES (1, 5, 'a'), (2, 7, 'b')");
      const ghost = checkAnswers({ online_ddl_tool: "gh-ost" });
      const pt = checkAnswers({ online_ddl_tool: "pt-online-schema-change" });
      const verifyOf = (plan: Plan) => plan.phases[plan.phases.indexOf(externalPhase(plan)) - 1];
      await expectChecks(db, verifyOf(ghost));
      await expectChecks(db, verifyOf(pt));
      const failing = async (plan: Plan, what: RegExp) => {
        const check = verifyOf(plan).checks.find((c) => what.test(c.description))!;
        return Number(await scalar(db, check.sql));
      };
      await db.query("CREATE TABLE refunds (id BIGINT PRIMARY KEY, order_id BIGINT, FOREIGN KEY (order_id) REFERENCES orders (id))");
      expect(await failing(ghost, /No foreign key/)).toBe(0);
      await db.query("CREATE TRIGGER orders_audit BEFORE UPDATE ON orders FOR EACH ROW SET NEW.code = NEW.code");
      expect(await failing(pt, /No trigger/)).toBe(0);
      await db.query("CREATE TABLE loose (id BIGINT, amount INT, code VARCHAR(50), UNIQUE KEY (id))");
      const loose = mysqlPlan({ ...base, operation: "add_check_constraint", table: "loose", columns: [{ name: "amount", type: "int" }], details: { check: "amount >= 0" }, online_ddl_tool: "gh-ost" });
      expect(await failing(loose, /PRIMARY KEY or a UNIQUE key/)).toBe(0);
      await db.query("SET GLOBAL binlog_format = 'MIXED'");
      expect(await failing(ghost, /binlog_format/)).toBe(0);
      // The clause gh-ost gets, as the shell hands it over, is valid after ALTER TABLE.
      const alter = shellWords(externalPhase(ghost).external!.rehearse).find((w) => w.startsWith("--alter="))!.slice("--alter=".length);
      await db.query(`ALTER TABLE orders ${alter}`);
      expect(await scalar(db, "SELECT COUNT(*) FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND CONSTRAINT_NAME = 'orders_amount_ok'")).toBe(1);
    } finally {
      await db.end();
    }
  });
});

describe("the INSTANT row-version limit", () => {
  it("is named wherever a MySQL 8.0.29+ plan uses ALGORITHM=INSTANT, once, and not on MariaDB (no such limit)", () => {
    const answers = { operation: "drop_column", table: "orders", columns: [{ name: "legacy_code", type: "varchar(40)" }] } satisfies Partial<PlanAnswers>;
    const mysql = mysqlPlan({ ...base, ...answers });
    expect(mysql.phases.flatMap((p) => p.statements).some((s) => /ALGORITHM=INSTANT/.test(s.sql))).toBe(true);
    expect(mysql.warnings.filter((w) => w.includes("TOTAL_ROW_VERSIONS"))).toHaveLength(1);
    expect(mysql.warnings.join("\n")).toMatch(/at most 64 .*NAME = CONCAT\(DATABASE\(\), '\/', 'orders'\)/);
    const added = mysqlPlan({ ...base, operation: "add_column", table: "orders", columns: [{ name: "note", type: "varchar(100)" }] });
    const mentions = [...added.warnings, ...added.phases.map((p) => p.why)].filter((t) => /TOTAL_ROW_VERSIONS/.test(t));
    expect(mentions).toHaveLength(1);
    expect(mysqlPlan({ ...base, engine: "mariadb", engine_version: "10.11.6", ...answers }).warnings.join("\n")).not.toMatch(/TOTAL_ROW_VERSIONS/);
    expect(mysqlPlan({ ...base, engine_version: "8.0.28", ...answers }).warnings.join("\n")).not.toMatch(/TOTAL_ROW_VERSIONS/);
  });
});

describe("with a migration tool", () => {
  it("the tool's files skip the phase gh-ost runs; PLAN.md gives that phase the gh-ost commands and the others the tool's", () => {
    const plan = checkAnswers({ online_ddl_tool: "gh-ost", tool: "knex" });
    const out = TOOL_RENDERERS.knex.render(plan, { now: new Date("2026-12-01T10:00:00Z"), slug: "check" });
    const phase = externalPhase(plan);
    expect(out.phases[phase.id]).toBeUndefined();
    const printed = printedCommands(renderPlanMarkdown(plan, out));
    expect(printed.apply.has(phase.id)).toBe(false);
    for (const p of plan.phases.filter((x) => x.statements.length)) expect(printed.apply.get(p.id)).toMatch(/^npx knex migrate:up /);
    expect(out.files.map((f) => f.content).join("\n")).not.toMatch(/ADD CONSTRAINT orders_amount_ok CHECK/);
  });
});

describe("a type change with the tools, and a primary key column", () => {
  const typeChange = (over: Partial<PlanAnswers>) =>
    mysqlPlan({ ...base, operation: "change_column_type", table: "orders", columns: [{ name: "amount", type: "int", nullable: false }], details: { new_type: "bigint" }, ...over });

  it("with gh-ost the type changes in one MODIFY COLUMN run by the tool, not by a new-column swap with triggers", () => {
    const plan = typeChange({ online_ddl_tool: "gh-ost" });
    const phase = externalPhase(plan);
    const alter = shellWords(phase.external!.rehearse).find((w) => w.startsWith("--alter="))!.slice("--alter=".length);
    expect(alter).toBe("MODIFY COLUMN amount bigint NOT NULL");
    expect(plan.phases.flatMap((p) => p.statements).some((s) => /TRIGGER/.test(s.sql))).toBe(false);
    // Native: the new-column swap (triggers, batched backfill), as before.
    const native = typeChange({ online_ddl_tool: "native" });
    expect(native.phases.some((p) => p.external)).toBe(false);
    expect(native.phases.flatMap((p) => p.statements).some((s) => /CREATE TRIGGER/.test(s.sql))).toBe(true);
    // Until the contract phase the reverse triggers keep the old int column written: a value past its range fails.
    expect(native.warnings.join("\n")).toMatch(/amount_old \(still int\), so a value that does not fit int fails the write/);
  });

  it("refuses the new-column swap for the primary key column (it would leave the key and AUTO_INCREMENT on the old column) and names the way that works", () => {
    const id = { columns: [{ name: "id", type: "int", nullable: false }] };
    expect(() => typeChange({ ...id, online_ddl_tool: "native" })).toThrow(/orders\.id is the primary key: .*online_ddl_tool gh-ost or pt-online-schema-change/);
    expect(() => typeChange({ ...id, engine: "mariadb", engine_version: "10.11.6" })).toThrow(/online_ddl_tool pt-online-schema-change \(/);
    // The batching key named in the answers is the primary key when no schema was read.
    expect(() => typeChange({ columns: [{ name: "order_no", type: "int" }], details: { new_type: "bigint", primary_key: "order_no" } })).toThrow(/orders\.order_no is the primary key/);
    const viaTool = typeChange({ ...id, engine: "mariadb", engine_version: "10.11.6", online_ddl_tool: "pt-online-schema-change" });
    const words = shellWords(externalPhase(viaTool).external!.execute);
    // Without the schema read, the primary key's restated definition keeps AUTO_INCREMENT, after a phase checking it is there.
    expect(words.slice(words.indexOf("--alter"), words.indexOf("--alter") + 2)).toEqual(["--alter", "MODIFY COLUMN id bigint NOT NULL AUTO_INCREMENT"]);
    expect(viaTool.phases[0].title).toBe("Check that id is AUTO_INCREMENT");
    // Allowed to block writes: one ALTER TABLE with a table copy, no tool.
    const blocking = typeChange({ ...id, downtime_tolerance: "minutes", approx_rows: 5_000 });
    expect(blocking.phases.flatMap((p) => p.statements).map((s) => s.sql)).toContainEqual(expect.stringMatching(/^ALTER TABLE orders MODIFY COLUMN id bigint NOT NULL AUTO_INCREMENT, ALGORITHM=COPY/));
    // Any other column keeps its definition as given, with no such check.
    expect(typeChange({ online_ddl_tool: "gh-ost" }).phases.some((p) => /AUTO_INCREMENT/.test(p.title))).toBe(false);
  });

  it("on MariaDB: the AUTO_INCREMENT check tells the two columns apart, and the clause the tool gets keeps inserts working past 2^31", async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    const db = await freshDb(throwaway.server, "online_tools_pk");
    try {
      await db.query("CREATE TABLE orders (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, amount INT)");
      await db.query("CREATE TABLE plain_keys (id INT NOT NULL PRIMARY KEY, amount INT)");
      await db.query("INSERT INTO orders (amount) VALUES (1), (2)");
      const plan = typeChange({ columns: [{ name: "id", type: "int", nullable: false }], engine: "mariadb", engine_version: "10.11.6", online_ddl_tool: "pt-online-schema-change" });
      await expectChecks(db, plan.phases[0]);
      const other = typeChange({ table: "plain_keys", columns: [{ name: "id", type: "int", nullable: false }], engine: "mariadb", engine_version: "10.11.6", online_ddl_tool: "pt-online-schema-change" });
      expect(Number(await scalar(db, other.phases[0].checks[0].sql))).toBe(0);
      const words = shellWords(externalPhase(plan).external!.execute);
      await db.query(`ALTER TABLE orders ${words[words.indexOf("--alter") + 1]}`);
      await db.query("INSERT INTO orders (id, amount) VALUES (3000000000, 3)");
      await db.query("INSERT INTO orders (amount) VALUES (4)");
      expect(await scalar(db, "SELECT MAX(id) FROM orders")).toBe(3000000001);
      expect(await scalar(db, "SELECT COUNT(*) FROM orders")).toBe(4);
    } finally {
      await db.end();
    }
  });
});
