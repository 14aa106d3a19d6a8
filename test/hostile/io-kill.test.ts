/**
 * Kills at random moments of a --force overwrite of a plan with many files (plan A <-> plan B, 40+
 * files each, overlapping paths, the user's own files in the same folders). After every SIGKILL the
 * next run's recovery leaves exactly the old or exactly the new plan, with the user's files kept;
 * after every SIGTERM the folder holds exactly one plan with no recovery needed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recover } from "../../src/output/switch.js";
import { writeAll } from "../../src/output/write.js";
import { bundleChild, exited, seedFolder, startChild, txnLeft, whichPlan } from "./io-kill-helpers.js";
import { planA, planB } from "./io-plans.js";

const KILLS = 100;
const LANES = 4;
let tmp: string;
let bundle: string;
/** Milliseconds one A->B switch takes here: kills are spread over a few of them. */
let cycleMs: number;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "mw-io-kill-"));
  bundle = await bundleChild(tmp);
  const probe = join(tmp, "probe");
  writeAll(probe, planA);
  const t0 = performance.now();
  for (let i = 0; i < 6; i++) writeAll(probe, i % 2 ? planA : planB, { force: true });
  cycleMs = (performance.now() - t0) / 6;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Figures = { kills: number; midSwitch: number; finished: number; undone: number; changed: number };

/** Kills spread over LANES folders worked on side by side (starting Node is most of each round's time). */
/** `spread`: kills land at random within spread x one switch's time after the child is ready. */
async function killLoop(signal: "SIGKILL" | "SIGTERM", base: string, spread = 3): Promise<Figures> {
  const figures: Figures = { kills: 0, midSwitch: 0, finished: 0, undone: 0, changed: 0 };
  await Promise.all(Array.from({ length: LANES }, (_, lane) => killLane(signal, join(base, String(lane)), lane, KILLS / LANES, figures, spread)));
  return figures;
}

async function killLane(signal: "SIGKILL" | "SIGTERM", dir: string, lane: number, kills: number, figures: Figures, spread: number) {
  seedFolder(dir);
  writeAll(dir, planA, { force: true });
  let current = whichPlan(dir);
  for (let i = 0; i < kills; i++) {
    // For SIGKILL, half the lanes slow each rename of the switch (a test hook), so more kills land inside it.
    const env = lane % 2 && signal === "SIGKILL" ? { MIGRATION_WIZARD_TEST_SWITCH_PAUSE_MS: "1" } : {};
    const child = await startChild(bundle, dir, current === "A" ? "B" : "A", env);
    await new Promise((r) => setTimeout(r, Math.random() * cycleMs * spread));
    child.kill(signal);
    const { code } = await exited(child);
    figures.kills++;
    if (signal === "SIGTERM") {
      expect(code).toBe(143);
      expect(txnLeft(dir)).toBe(false);
    } else if (txnLeft(dir)) {
      figures.midSwitch++;
      const r = recover(dir);
      if (r) figures[r.action]++;
    } else recover(dir);
    const now = whichPlan(dir);
    if (now !== "A" && now !== "B") throw new Error(now);
    if (now !== current) figures.changed++;
    current = now;
  }
}

describe("kills during a --force overwrite", () => {
  it(`${KILLS} SIGKILLs: the next run finishes or undoes the switch, leaving exactly one plan`, async () => {
    // The kills must really land inside switches, not only between them: where the timing of a busy machine
    // puts fewer than a fifth inside, further rounds run (at most two), so the figure never rests on chance.
    const f = await killLoop("SIGKILL", join(tmp, "sigkill-0"));
    for (let round = 1; round < 3 && f.midSwitch <= KILLS / 5; round++) {
      const more = await killLoop("SIGKILL", join(tmp, `sigkill-${round}`));
      for (const k of Object.keys(f) as (keyof Figures)[]) f[k] += more[k];
    }
    console.log(`SIGKILL: ${JSON.stringify(f)} (one switch ~${cycleMs.toFixed(1)} ms)`);
    expect(f.kills).toBeGreaterThanOrEqual(KILLS);
    expect(f.midSwitch).toBeGreaterThan(KILLS / 5);
  }, 600_000);

  it(`${KILLS} SIGTERMs: the switch under way completes or is undone before exit 143`, async () => {
    // Some signals must arrive late enough that a new plan was written; on a busy machine a round can miss.
    const f = await killLoop("SIGTERM", join(tmp, "sigterm-0"));
    for (let round = 1; round < 3 && f.changed === 0; round++) {
      const more = await killLoop("SIGTERM", join(tmp, `sigterm-${round}`), 3 * 4 ** round);
      for (const k of Object.keys(f) as (keyof Figures)[]) f[k] += more[k];
    }
    console.log(`SIGTERM: ${JSON.stringify(f)}`);
    expect(f.kills).toBeGreaterThanOrEqual(KILLS);
    expect(f.changed).toBeGreaterThan(0);
  }, 600_000);
});
