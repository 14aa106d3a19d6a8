/**
 * The wizard asks how a table rebuild runs (native online DDL, gh-ost, pt-online-schema-change) for a
 * large MySQL-family table with no downtime, driven with keys; the choice reaches answers.yaml and the
 * plan. gh-ost is not offered on MariaDB, and the question is not asked for a small table.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanup, render } from "ink-testing-library";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { shippedTrees } from "../../src/trees/shipped.js";
import { App } from "../../src/ui/App.js";
import { planFinisher } from "../../src/ui/finish.js";
import { KEYS, press, settle } from "../ui/helpers.js";

const trees = shippedTrees();
const root = mkdtempSync(join(tmpdir(), "mw-online-ddl-"));
afterEach(() => cleanup());
afterAll(() => rmSync(root, { recursive: true, force: true }));

const QUESTION = "? How should the table rebuild run?";

async function journey(name: string, prefill: Record<string, unknown>, sizeKeys: string[], atQuestion: (frame: string) => Promise<string[]>) {
  const out = join(root, name);
  const onExit = vi.fn();
  const screen = render(<App trees={trees} mode="plan" prefill={prefill as never} onFinish={planFinisher({ out, cli: "migration-wizard" })} onExit={onExit} />);
  const frame = () => screen.lastFrame() ?? "";
  await settle(screen);
  // The column's default and character set today: none (empty), as the prompts allow.
  for (let i = 0; i < 4 && !frame().includes("? About how many rows"); i++) await press(screen, KEYS.enter);
  expect(frame()).toContain("? About how many rows does the table have?");
  await press(screen, ...sizeKeys);
  expect(frame()).toContain("? How long may writes to this table be blocked?");
  await press(screen, KEYS.enter); // None: stay fully online
  await press(screen, ...(await atQuestion(frame())));
  expect(frame()).toContain("? What must you be able to undo?");
  await press(screen, KEYS.enter); // rollback: the first choice
  expect(frame()).toContain("? Which migration tool do you use?");
  await press(screen, "j", KEYS.enter); // Plain SQL files
  expect(frame()).toContain("Review your answers");
  await press(screen, KEYS.enter);
  await vi.waitFor(() => expect(onExit).toHaveBeenCalled(), { timeout: 20_000 });
  expect(onExit).toHaveBeenCalledWith(0);
  return { answers: parse(readFileSync(join(out, "answers.yaml"), "utf8")), planMd: readFileSync(join(out, "PLAN.md"), "utf8") };
}

const setNotNull = { operation: "set_not_null", table: "users", columns: [{ name: "full_name", type: "varchar(120)", nullable: true }], details: { set: "full_name = 'unknown'" } };

describe("the online DDL question, driven with keys", () => {
  it("MySQL 8.0, very large, no downtime: asks, gh-ost chosen; the plan runs the rebuild with gh-ost, rehearsal first", async () => {
    const { answers, planMd } = await journey("ghost", { ...setNotNull, engine: "mysql", engine_version: "8.0.36" }, [KEYS.enter], async (frame) => {
      expect(frame).toContain(QUESTION);
      expect(frame).toMatch(/1\. Native online DDL[\s\S]*2\. gh-ost[\s\S]*3\. pt-online-schema-change/);
      return ["j", KEYS.enter];
    });
    expect(answers.online_ddl_tool).toBe("gh-ost");
    expect(planMd).toContain("### How to run it (with gh-ost)");
    expect(planMd).toMatch(/gh-ost --host="\$MYSQL_HOST" .*--alter='MODIFY COLUMN full_name varchar\(120\) NOT NULL'/);
    expect(planMd).toMatch(/Check gh-ost's preconditions on users/);
  });

  it("MariaDB: gh-ost is not offered; pt-online-schema-change is the second choice", async () => {
    const { answers, planMd } = await journey("ptosc", { ...setNotNull, engine: "mariadb", engine_version: "10.11.6" }, [KEYS.enter], async (frame) => {
      expect(frame).toContain(QUESTION);
      expect(frame).toMatch(/1\. Native online DDL[\s\S]*2\. pt-online-schema-change/);
      expect(frame).not.toMatch(/\d\. gh-ost/);
      return ["j", KEYS.enter];
    });
    expect(answers.online_ddl_tool).toBe("pt-online-schema-change");
    expect(planMd).toMatch(/pt-online-schema-change --alter 'MODIFY COLUMN full_name varchar\(120\) NOT NULL' .*--dry-run/);
  });

  it("a small table is not asked", async () => {
    const { answers } = await journey("small", { ...setNotNull, engine: "mysql", engine_version: "8.0.36" }, ["j", KEYS.enter], async (frame) => {
      expect(frame).not.toContain(QUESTION);
      return [];
    });
    expect(answers.online_ddl_tool).toBeUndefined();
  });
});
