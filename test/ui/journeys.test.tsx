/**
 * Every operation the trees offer, on every engine they offer it on: a journey from the first key to the
 * files on disk, driven only by keys, through the real finish (build, render, write). The list of journeys
 * is read from the trees, so a new operation or engine without a passing journey fails here. Each
 * question is recognised by its prompt on screen and answered from ANSWERS by node id: a new question
 * with no entry there fails too, naming itself.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanup, render } from "ink-testing-library";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { shippedTrees } from "../../src/trees/shipped.js";
import type { ChoiceNode } from "../../src/trees/model.js";
import type { QuestionNode } from "../../src/wizard/machine.js";
import { offeredChoices } from "../../src/wizard/machine.js";
import { App } from "../../src/ui/App.js";
import { planFinisher } from "../../src/ui/finish.js";
import { KEYS, press, settle } from "./helpers.js";

const trees = shippedTrees();
const root = mkdtempSync(join(tmpdir(), "mw-journeys-"));
afterEach(() => cleanup());
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Step = { text: string } | { choose: unknown } | { first: true };

/** What to answer at each question, by node id. Text is pasted then confirmed with Enter; choices are moved to with j. */
const ANSWERS: Record<string, Step> = {
  table: { text: "users" },
  new_table: { text: "invoices" },
  new_column_name: { text: "status" },
  new_column_type: { text: "text" },
  new_column_nullable: { first: true },
  new_column_default: { text: "'active'" },
  column_name: { text: "email" },
  pk_column_nullable: { first: true },
  rename_to: { text: "email_address" },
  new_type: { text: "varchar(320)" },
  using: { text: "" },
  index_name: { text: "" },
  index_unique: { first: true },
  drop_index_name: { text: "users_email_idx" },
  ref_table: { text: "accounts" },
  ref_column: { text: "id" },
  check_expression: { text: "char_length(email) <= 320" },
  exclusion: { text: "USING gist (room_id WITH =, during WITH &&)" },
  rename_table_to: { text: "customers" },
  enum_type: { text: "order_status" },
  enum_value: { text: "refunded" },
  backfill_set: { text: "email = lower(email)" },
  backfill_where: { text: "email <> lower(email)" },
  pg_version_known: { first: true },
  pg_version: { text: "16.2" },
  mysql_version_known: { first: true },
  mysql_version: { text: "8.0.36" },
  mariadb_version_known: { first: true },
  mariadb_version: { text: "10.11.6" },
  column_type: { text: "varchar(255)" },
  column_nullable: { choose: false },
  column_default: { text: "" },
  column_charset: { text: "utf8mb4" },
  table_size: { first: true }, // Not sure: planned as very large
  downtime: { first: true },
  online_ddl_tool: { first: true },
  rollback: { first: true },
  tool: { choose: "raw-sql" },
};

const operationNode = trees.nodes.operation as ChoiceNode;
const engineNode = trees.nodes.engine as ChoiceNode;
const journeys: [string, string][] = operationNode.choices.flatMap((op) =>
  offeredChoices(engineNode, { operation: op.value } as never).map((engine): [string, string] => [String(op.value), String(engine.value)]),
);

/** The node whose prompt is the current question ("? prompt") on screen. */
function currentNode(frame: string): QuestionNode {
  const line = /^\? (.+)$/m.exec(frame)?.[1]?.trim();
  const node = Object.values(trees.nodes).find((n) => n.type !== "end" && line?.startsWith(n.prompt.slice(0, 40))) as QuestionNode | undefined;
  if (!node) throw new Error(`no question recognised on screen:\n${frame}`);
  return node;
}

/** Keys that move the cursor from the first offered choice to the one with `value`, then Enter. */
function keysFor(node: QuestionNode, step: Step, answers: Record<string, unknown>): string[] {
  if ("text" in step) return step.text ? [step.text, KEYS.enter] : [KEYS.enter];
  if ("first" in step) return [KEYS.enter];
  const index = offeredChoices(node as ChoiceNode, answers as never).findIndex((c) => c.value === step.choose);
  if (index < 0) throw new Error(`${node.id}: no choice ${String(step.choose)}`);
  return [...Array(index).fill("j"), KEYS.enter];
}

describe(`wizard journeys over the shipped trees (${journeys.length}: every operation on every engine that offers it)`, () => {
  it("covers every operation, on every engine where the trees offer it", () => {
    expect(journeys.length).toBeGreaterThanOrEqual(operationNode.choices.length * 3 - 4);
    expect(new Set(journeys.map(([, e]) => e))).toEqual(new Set(["postgresql", "mysql", "mariadb"]));
  });

  it.each(journeys)("%s on %s: keys from the first question to the files written, exit 0", async (operation, engine) => {
    const out = join(root, `${operation}-${engine}`);
    const onExit = vi.fn();
    const screen = render(<App trees={trees} mode="plan" onFinish={planFinisher({ out, cli: "migration-wizard" })} onExit={onExit} />);
    const frame = () => screen.lastFrame() ?? "";
    await settle(screen);
    const script: Record<string, Step> = {
      ...ANSWERS,
      operation: { choose: operation },
      engine: { choose: engine },
    };
    const asked: string[] = [];
    for (let guard = 0; guard < 40 && !frame().includes("Review your answers"); guard++) {
      const node = currentNode(frame());
      const step = script[node.id];
      if (!step) throw new Error(`the journey has no answer for the new question "${node.id}" (${node.prompt}): add one to ANSWERS`);
      asked.push(node.id);
      // The answers so far decide which choices are offered; the operation and engine are all that matter here.
      await press(screen, ...keysFor(node, step, { operation, engine }));
      if (/✗ /.test(frame()) && !frame().includes("Review your answers")) throw new Error(`${node.id}: the answer was refused:\n${frame()}`);
    }
    expect(frame()).toContain("Review your answers");
    await press(screen, KEYS.enter); // Write the files
    await vi.waitFor(() => expect(onExit).toHaveBeenCalled(), { timeout: 20_000 });
    expect(frame(), frame()).toContain("✔ Wrote");
    expect(onExit).toHaveBeenCalledWith(0);

    const answers = parse(readFileSync(join(out, "answers.yaml"), "utf8"));
    expect(answers).toMatchObject({ operation, engine, tool: "raw-sql" });
    expect(readFileSync(join(out, "PLAN.md"), "utf8")).toContain("## Assumptions");
    expect(existsSync(join(out, "migrations"))).toBe(true);
    expect(readdirSync(join(out, "migrations")).some((f) => f.endsWith(".up.sql"))).toBe(true);
    expect(asked[0]).toBe("operation");
  });
});

describe("a partial answers file in a terminal", () => {
  it("asks only the missing questions, then writes the plan", async () => {
    const out = join(root, "partial");
    const onExit = vi.fn();
    const prefill = { operation: "rename_column", table: "users", columns: [{ name: "email" }], engine: "postgresql", engine_version: "16.2" } as const;
    const screen = render(<App trees={trees} mode="plan" prefill={prefill as never} onFinish={planFinisher({ out, cli: "migration-wizard" })} onExit={onExit} />);
    const frame = () => screen.lastFrame() ?? "";
    await settle(screen);
    expect(frame()).toContain("? New name of the column?");
    await press(screen, "email_address\r");
    expect(frame()).toContain("? What is the column's type today?");
    await press(screen, "text\r", KEYS.enter, KEYS.enter, KEYS.enter, KEYS.enter, KEYS.enter, "2");
    expect(frame()).toContain("Review your answers");
    await press(screen, KEYS.enter);
    await vi.waitFor(() => expect(onExit).toHaveBeenCalled(), { timeout: 20_000 });
    expect(onExit).toHaveBeenCalledWith(0);
    expect(parse(readFileSync(join(out, "answers.yaml"), "utf8"))).toMatchObject({ ...prefill, columns: [{ name: "email", type: "text", nullable: true }], details: { new_name: "email_address" } });
  });
});
