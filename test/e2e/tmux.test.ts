/**
 * The wizard in a real terminal: tmux runs the built CLI, send-keys types, capture-pane reads the
 * screen. Skipped (at run time) where tmux is absent.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { CLI } from "../support/cli.js";

const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
const SKIP_REASON = "tmux is not installed (apt-get install tmux; .ci/run installs it)";
const session = `mw-e2e-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), "mw-tmux-"));
const tmux = (...args: string[]) => execFileSync("tmux", args, { encoding: "utf8" });

afterAll(() => {
  if (hasTmux) spawnSync("tmux", ["kill-session", "-t", session]);
  rmSync(dir, { recursive: true, force: true });
});

function screen(): string {
  return tmux("capture-pane", "-p", "-t", session);
}

async function waitFor(pattern: RegExp, ms = 15_000): Promise<string> {
  const end = Date.now() + ms;
  let last = "";
  while (Date.now() < end) {
    last = screen();
    if (pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${pattern}; the screen was:\n${last}`);
}

/** Waits for the question, then answers it. Text is typed literally; keys are tmux key names. */
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One key at a time, at a typist's pace: keys that arrive in one chunk read as a paste. */
async function press(...keys: string[]): Promise<void> {
  for (const k of keys) {
    tmux("send-keys", "-t", session, k);
    await pause(60);
  }
}

async function answer(question: RegExp, text: string | null, key = "Enter"): Promise<void> {
  await waitFor(question);
  if (text !== null) {
    tmux("send-keys", "-t", session, "-l", text);
    await pause(150);
  }
  await press(key);
}

/** Starts the built CLI in a fresh tmux session; returns the file its exit code lands in. */
function startWizard(out: string, name: string): string {
  const exitFile = join(dir, `exit-${name}`);
  spawnSync("tmux", ["kill-session", "-t", session]);
  const cmd = `cd ${dir} && env -u CI -u CONTINUOUS_INTEGRATION TERM=xterm-256color ${process.execPath} ${CLI} plan --out ${out}; echo $? > ${exitFile}; sleep 60`;
  tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "40", "bash", "-c", cmd);
  return exitFile;
}

async function exitCode(exitFile: string): Promise<string> {
  const end = Date.now() + 10_000;
  while (!existsSync(exitFile) && Date.now() < end) await pause(100);
  return readFileSync(exitFile, "utf8").trim();
}

/** A terminal paste: the text arrives in one chunk (tmux turns the newline into Enter, as terminals do). */
async function paste(text: string): Promise<void> {
  tmux("set-buffer", "-b", "mw-paste", text);
  tmux("paste-buffer", "-b", "mw-paste", "-t", session);
  await pause(200);
}

describe("the wizard in a real terminal (tmux)", () => {
  it.skipIf(!hasTmux)("renames a column on PostgreSQL: pasted answers, a held Backspace that never leaves the field, the files written", async () => {
    const exitFile = startWizard("rename", "rename");
    await answer(/\? What change do you want to make\?/, null, "3"); // Rename a column
    await waitFor(/\? Which table\?/);
    await paste("users\n"); // a pasted line: the text and its Enter
    await waitFor(/\? Which column\?/);
    tmux("send-keys", "-t", session, "-l", "abc");
    await waitFor(/❯ abc/);
    // Held Backspace: more presses than characters, sent at once as key repeat does.
    tmux("send-keys", "-t", session, "BSpace", "BSpace", "BSpace", "BSpace", "BSpace");
    await pause(400);
    const held = await waitFor(/\? Which column\?/);
    expect(held).toMatch(/✔ Which table\? users/);
    expect(held).not.toMatch(/❯ a/);
    await answer(/\? Which column\?/, "email");
    await answer(/\? New name of the column\?/, "email_address");
    await answer(/\? Which database engine\?/, null, "1");
    await answer(/\? Do you know the PostgreSQL version\?/, null, "1");
    await waitFor(/\? Which PostgreSQL version/);
    await paste(" version\n--------\n PostgreSQL 16.2 (Debian 16.2-1) on x86_64-pc-linux-gnu, compiled by gcc, 64-bit\n(1 row)");
    await press("Enter");
    await answer(/\? What is the column's type today\?/, "text");
    await answer(/\? May the column be NULL today\?/, null, "1");
    await answer(/\? Its default today/, null);
    await answer(/\? About how many rows/, null); // Not sure: planned as very large
    await answer(/\? How long may writes/, null);
    await answer(/\? What must you be able to undo\?/, null);
    await answer(/\? Which migration tool/, null, "2");
    await waitFor(/Review your answers/);
    await press("Enter");
    await waitFor(/Wrote \d+ files/);
    expect(await exitCode(exitFile)).toBe("0");
    const answers = parse(readFileSync(join(dir, "rename", "answers.yaml"), "utf8"));
    expect(answers).toMatchObject({
      engine: "postgresql",
      engine_version: "16.2",
      operation: "rename_column",
      table: "users",
      columns: [{ name: "email", type: "text", nullable: true }],
      details: { new_name: "email_address" },
      approx_rows: 50_000_000,
      assumed: { approx_rows: "not sure" },
    });
    expect(readFileSync(join(dir, "rename", "PLAN.md"), "utf8")).toMatch(/## Assumptions[\s\S]*planned as very large/);
  });

  it.skipIf(!hasTmux)("changes a column's type on MySQL without knowing the version, with the full column definition", async () => {
    const exitFile = startWizard("retype", "retype");
    await answer(/\? What change do you want to make\?/, null, "4"); // Change a column's type
    await answer(/\? Which table\?/, "orders");
    await answer(/\? Which column\?/, "amount");
    await answer(/\? New SQL type\?/, "bigint");
    await answer(/\? Conversion expression/, null);
    await answer(/\? Which database engine\?/, null, "2");
    await answer(/\? Do you know the MySQL version\?/, null, "2"); // Not sure
    await answer(/\? What is the column's type today\?/, "int");
    await answer(/\? May the column be NULL today\?/, null, "2");
    await answer(/\? Its default today/, "0");
    await answer(/\? Its character set/, null);
    await answer(/\? About how many rows/, null, "3");
    await answer(/\? How long may writes/, null);
    await answer(/\? What must you be able to undo\?/, null);
    await answer(/\? Which migration tool/, null, "2");
    await waitFor(/Review your answers/);
    await press("Enter");
    await waitFor(/Wrote \d+ files/);
    expect(await exitCode(exitFile)).toBe("0");
    const answers = parse(readFileSync(join(dir, "retype", "answers.yaml"), "utf8"));
    expect(answers).toMatchObject({
      engine: "mysql",
      engine_version: "5.7",
      operation: "change_column_type",
      columns: [{ name: "amount", type: "int", nullable: false, default: 0 }],
      details: { new_type: "bigint" },
      assumed: { engine_version: "not sure" },
    });
    expect(readFileSync(join(dir, "retype", "PLAN.md"), "utf8")).toMatch(/MySQL 5\.7, the oldest supported/);
  });

  it("says why when tmux is absent", (ctx) => {
    if (!hasTmux) ctx.skip(SKIP_REASON);
  });

  it.skipIf(!hasTmux)("starts, asks, goes back, writes the plan folder and exits 0", async () => {
    const out = join(dir, "out");
    const exitFile = join(dir, "exit");
    const cmd = `cd ${dir} && env -u CI -u CONTINUOUS_INTEGRATION TERM=xterm-256color ${process.execPath} ${CLI} plan --out out; echo $? > ${exitFile}; sleep 60`; // the pane stays readable after the CLI exits
    spawnSync("tmux", ["kill-session", "-t", session]);
    tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "40", "bash", "-c", cmd);

    await answer(/What change do you want to make\?/, null); // Enter on the first choice: add a column
    await answer(/Which table\?/, "accounts");
    await answer(/Name of the new column\?/, "stauts");
    // Typo: go back from the next question with Esc and fix the name.
    await waitFor(/Its SQL type\?/);
    tmux("send-keys", "-t", session, "Escape");
    await waitFor(/\? Name of the new column\?/);
    // The old answer comes back in the field: erase it (6 characters) and type the right one.
    await waitFor(/stauts/);
    await press(...Array(6).fill("BSpace"));
    await answer(/\? Name of the new column\?/, "status");
    await answer(/\? Its SQL type\?/, "text");
    await answer(/May it be NULL\?/, null, "1");
    await answer(/Default value/, "'active'");
    await answer(/Which database engine\?/, null, "1");
    await answer(/Do you know the PostgreSQL version\?/, null, "1");
    await answer(/Which PostgreSQL version/, "16.2");
    await answer(/How many rows|how many rows/i, null, "5");
    await answer(/How long may writes/, null, "1");
    await answer(/What must you be able to undo\?/, null, "1");
    await answer(/Which migration tool/, null, "2"); // plain SQL files
    const summary = await waitFor(/Review your answers/);
    expect(summary).toMatch(/status/);
    tmux("send-keys", "-t", session, "Enter");

    await waitFor(/Wrote \d+ files/);
    const end = Date.now() + 10_000;
    while (!existsSync(exitFile) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(exitFile, "utf8").trim()).toBe("0");

    const answers = parse(readFileSync(join(out, "answers.yaml"), "utf8"));
    expect(answers).toMatchObject({
      engine: "postgresql",
      engine_version: "16.2",
      operation: "add_column",
      table: "accounts",
      columns: [{ name: "status", type: "text", default: "'active'" }],
      tool: "raw-sql",
    });
    expect(readFileSync(join(out, "PLAN.md"), "utf8")).toMatch(/accounts/);
    const sql = readdirSync(join(out, "migrations"));
    expect(sql.some((f) => f.endsWith(".up.sql"))).toBe(true);
    expect(sql.some((f) => f.endsWith(".down.sql"))).toBe(true);
  });

  it.skipIf(!hasTmux)("Ctrl-C exits 130 and writes nothing", async () => {
    const exitFile = join(dir, "exit2");
    spawnSync("tmux", ["kill-session", "-t", session]);
    const cmd = `cd ${dir} && env -u CI -u CONTINUOUS_INTEGRATION ${process.execPath} ${CLI} plan --out cancelled; echo $? > ${exitFile}; sleep 60`;
    tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "40", "bash", "-c", cmd);
    await answer(/What change do you want to make\?/, null);
    await answer(/Which table\?/, "accounts");
    await waitFor(/Name of the new column\?/);
    tmux("send-keys", "-t", session, "C-c");
    const end = Date.now() + 10_000;
    while (!existsSync(exitFile) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(exitFile, "utf8").trim()).toBe("130");
    expect(existsSync(join(dir, "cancelled"))).toBe(false);
  });
});
