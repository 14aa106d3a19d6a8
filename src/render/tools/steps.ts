/**
 * How a phase's statements are cut into units a migration tool can run. Most tools fix the
 * transaction mode per file (or per changeSet), so a phase that mixes transactional and
 * non-transactional statements becomes several files; these helpers do that cut once for all.
 */
import type { Phase, Statement } from "../../plan/model.js";
import { soleEffect } from "../../plan/effects.js";

/** Consecutive statements that run in the same transaction mode. */
export interface Segment {
  transaction: boolean;
  statements: Statement[];
}

/** One migration file (or changeSet): its up part, its down part, and the single mode both share. */
export interface Step {
  transaction: boolean;
  /** null: nothing to apply (the file exists so its down runs at the right moment). */
  up: Segment | null;
  /** null: nothing to undo in this file. */
  down: Segment | null;
}

/** What a setting sets, from its effect; a setting without one is only ever the same as itself. */
const settingKey = (s: Statement) => soleEffect(s, "setting")?.name ?? s.sql;

/**
 * Cut statements into segments by transaction mode. A setting (SET lock_timeout ...) joins the
 * segment of the statement after it, and the settings in force are repeated at the head of every
 * later segment, so each file a tool runs on its own connection is still guarded.
 */
export function segments(statements: Statement[]): Segment[] {
  const out: Segment[] = [];
  const inForce = new Map<string, Statement>();
  let pending: Statement[] = [];
  for (const s of statements) {
    if (s.setting) {
      pending.push(s);
      continue;
    }
    const last = out[out.length - 1];
    if (last && last.transaction === s.transaction) {
      last.statements.push(...pending, s);
    } else {
      const pendingKeys = new Set(pending.map(settingKey));
      const carried = [...inForce.values()].filter((p) => !pendingKeys.has(settingKey(p)));
      out.push({ transaction: s.transaction, statements: [...carried, ...pending, s] });
    }
    for (const p of pending) inForce.set(settingKey(p), p);
    pending = [];
  }
  // Settings with no statement after them guard nothing; keep them only if there is somewhere to put them.
  if (pending.length && out.length) out[out.length - 1].statements.push(...pending);
  return out;
}

/**
 * For tools that can run a non-transactional statement only alone in its file (golang-migrate,
 * Prisma): every non-transactional statement becomes its own segment and loses its settings
 * (a second statement would put it in an implicit transaction block). Returns the settings dropped.
 */
export function isolateNonTransactional(segs: Segment[]): { segments: Segment[]; droppedSettings: Statement[] } {
  const out: Segment[] = [];
  const dropped: Statement[] = [];
  for (const seg of segs) {
    if (seg.transaction) {
      out.push(seg);
      continue;
    }
    for (const s of seg.statements) {
      if (s.setting) {
        if (!dropped.some((d) => d.sql === s.sql)) dropped.push(s);
      } else out.push({ transaction: false, statements: [s] });
    }
  }
  return { segments: out, droppedSettings: dropped };
}

/**
 * Pair up segments with rollback segments into files whose downs, run last file first, replay
 * the rollback in order. A file whose up and down need different modes is split in two (up-only,
 * then down-only), which keeps both orders.
 */
export function pairSteps(up: Segment[], down: Segment[]): Step[] {
  const n = Math.max(up.length, down.length);
  const steps: Step[] = [];
  for (let i = 0; i < n; i++) {
    const u = up[i] ?? null;
    const d = down[n - 1 - i] ?? null;
    if (u && d && u.transaction !== d.transaction) {
      steps.push({ transaction: u.transaction, up: u, down: null });
      steps.push({ transaction: d.transaction, up: null, down: d });
    } else {
      steps.push({ transaction: (u ?? d)!.transaction, up: u, down: d });
    }
  }
  return steps;
}

/** The phase cut into files for a tool that fixes the mode per file. */
export function phaseSteps(phase: Phase, opts: { isolate?: boolean } = {}): { steps: Step[]; droppedSettings: Statement[] } {
  let up = segments(phase.statements);
  let down = phase.irreversible ? [] : segments(phase.rollback ?? []);
  const dropped: Statement[] = [];
  if (opts.isolate) {
    const a = isolateNonTransactional(up);
    const b = isolateNonTransactional(down);
    up = a.segments;
    down = b.segments;
    for (const s of [...a.droppedSettings, ...b.droppedSettings]) if (!dropped.some((d) => d.sql === s.sql)) dropped.push(s);
  }
  return { steps: pairSteps(up, down), droppedSettings: dropped };
}

/** Phases that carry SQL, in order; deploy-only phases produce no file. */
export const sqlPhases = (phases: Phase[]) => phases.filter((p) => p.statements.length > 0);

/**
 * A statement with its own semicolons inside (DO block, function body) that a naive splitter would cut. This reads
 * the text on purpose: it predicts what the tool's own splitter (goose, the mysql client) does with that text, a
 * lexical fact about the SQL, not what the statement does (that is `Statement.effects`).
 */
export const isBlock = (sql: string) => /\$[A-Za-z_]*\$/.test(sql) || sql.replace(/;\s*$/, "").includes(";");

/** Ensure one trailing semicolon. */
export const terminated = (sql: string) => (/;\s*$/.test(sql) || /^--[^\n]*$/.test(sql.trim()) ? sql.trimEnd() : sql.trimEnd() + ";");

/** A step with the file slug it gets: `<slug>_<phase>` or `<slug>_<phase>_<k>` when a phase needs several files. */
export interface NamedStep extends Step {
  slug: string;
}

export function nameSteps(steps: Step[], phaseSlugOf: (part?: number) => string): NamedStep[] {
  return steps.map((s, k) => ({ ...s, slug: phaseSlugOf(steps.length > 1 ? k + 1 : undefined) }));
}

/** Notes for a phase cut into several files, or that lost settings to a one-statement file. */
export function splitNotes(steps: Step[], droppedSettings: Statement[], perFileSwitch: string): string[] {
  const notes: string[] = [];
  if (steps.length > 1)
    notes.push(
      `This phase mixes statements that need a transaction with statements that cannot run in one, so it is split into ${steps.length} files; ` +
        `the non-transactional ones use ${perFileSwitch}. Run and roll them back together, in order.`,
    );
  if (droppedSettings.length)
    notes.push(
      `A statement that cannot run in a transaction block is alone in its file (the tool runs a file as one implicit transaction). ` +
        `Its guard (${droppedSettings.map((s) => s.sql).join(" ")}) could not share the file: set it for the migration's connection ` +
        "instead, e.g. `options=-c lock_timeout=2000ms` in the connection URL.",
    );
  return notes;
}
