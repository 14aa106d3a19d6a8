/**
 * The SQL verify runs is the SQL on disk, read where the user reads it: the raw-sql files that
 * PLAN.md tells them to pass to psql, and, for every other tool, the statements PLAN.md shows
 * (the tool's own files are held to the manifest: a file changed since it was written fails
 * verification). Each statement read is matched, chunk by chunk, against the plan rebuilt from
 * answers.yaml, which only supplies the claims (locks, rewrites, checks) to hold it to: text the
 * plan does not have (garbage, an appended DROP DATABASE) fails verification before it runs.
 */
import { lstatSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Check, Phase, Plan, Statement } from "../plan/model.js";
import type { ToolOutput } from "../render/types.js";
import { withGuards } from "../plan/guards.js";
import { sameChunk, sqlChunks, type Chunk } from "./sql-tokens.js";

/** Larger files are not plan files. */
const MAX_FILE_BYTES = 4 << 20;

export interface PlanOnDisk {
  /** The plan with every statement's and check's SQL replaced by the text read from disk. */
  plan: Plan;
  problems: string[];
}

const excerpt = (s: string) => JSON.stringify(s.replace(/[\x00-\x1f\x7f-\x9f]+/g, " ").trim().slice(0, 80));

function withoutSemicolon(chunks: Chunk[]): Chunk[] {
  return chunks.length && chunks[chunks.length - 1].text === ";" ? chunks.slice(0, -1) : chunks;
}

/** Match `items` in order against `text`; returns their texts as read, or a problem. */
function matchInOrder(text: string, label: string, items: string[]): { texts: string[] } | { problem: string } {
  const chunks = sqlChunks(text);
  let pos = 0;
  const skipWrappers = (next?: string) => {
    while (pos + 1 < chunks.length && /^(begin|commit)$/i.test(chunks[pos].text) && chunks[pos + 1].text === ";" && !(next && sameChunk(next, chunks[pos].text))) pos += 2;
  };
  const texts: string[] = [];
  for (const [n, sql] of items.entries()) {
    const want = withoutSemicolon(sqlChunks(sql));
    skipWrappers(want[0]?.text);
    const got = chunks.slice(pos, pos + want.length);
    if (!want.length) continue;
    if (got.length < want.length || got.some((c, k) => !sameChunk(c.text, want[k].text))) {
      const at = chunks[pos]?.start ?? text.length;
      return { problem: `${label}: statement ${n + 1} is not the plan's: the file has ${excerpt(text.slice(at))} where the plan has ${excerpt(sql)}` };
    }
    texts.push(text.slice(got[0].start, got[got.length - 1].end));
    pos += want.length;
    if (chunks[pos]?.text === ";") pos++;
  }
  skipWrappers();
  if (pos < chunks.length) return { problem: `${label}: has SQL the plan does not: ${excerpt(text.slice(chunks[pos].start))}` };
  return { texts };
}

function readPlanFile(dir: string, rel: string): string {
  const p = join(dir, rel);
  const st = lstatSync(p);
  if (!st.isFile()) throw new Error(`${rel} is not a regular file`);
  if (st.size > MAX_FILE_BYTES) throw new Error(`${rel} is larger than ${MAX_FILE_BYTES >> 20} MB`);
  return readFileSync(p, "utf8");
}

/** PLAN.md's ```sql blocks per phase id and section ("Statements", "Checks", "Rollback"). */
export function planMdSql(md: string): Map<string, Record<string, string>> {
  const phases = new Map<string, Record<string, string>>();
  for (const section of md.split(/^## /m).slice(1)) {
    const id = /\*\*id:\*\* `([^`]+)`/.exec(section)?.[1];
    if (!id) continue;
    const parts: Record<string, string> = {};
    for (const sub of section.split(/^### /m).slice(1)) {
      const name = sub.slice(0, sub.indexOf("\n")).trim();
      const blocks = [...sub.matchAll(/^```sql\n([\s\S]*?)\n```$/gm)].map((m) => m[1]);
      if (blocks.length) parts[name] = blocks.join("\n");
    }
    phases.set(id, parts);
  }
  return phases;
}

function replaceSql<T extends Statement | Check>(items: T[], texts: string[]): T[] {
  return items.map((s, i) => ({ ...s, sql: texts[i] }));
}

function phaseFromDisk(phase: Phase, sources: { up?: [string, string]; down?: [string, string]; checks?: [string, string] }, problems: string[]): Phase {
  const next: Phase = { ...phase };
  const take = <T extends Statement | Check>(src: [string, string] | undefined, items: T[] | undefined, what: string): T[] | undefined => {
    if (!items?.length) return items;
    if (!src) {
      problems.push(`${phase.id}: the ${what} are not on disk`);
      return items;
    }
    const m = matchInOrder(src[1], src[0], items.map((s) => s.sql));
    if ("problem" in m) {
      problems.push(m.problem);
      return items;
    }
    return replaceSql(items, m.texts);
  };
  next.statements = take(sources.up, phase.statements, "statements") ?? [];
  if (!phase.irreversible) next.rollback = take(sources.down, phase.rollback, "rollback statements");
  next.checks = take(sources.checks, phase.checks, "checks") ?? [];
  return next;
}

/** The plan as the folder holds it; `tool` is the plan's tool output (its file names per phase). */
export function planOnDisk(dir: string, plan: Plan, tool: ToolOutput): PlanOnDisk {
  const problems: string[] = [];
  let md: Map<string, Record<string, string>>;
  try {
    md = planMdSql(readPlanFile(dir, "PLAN.md"));
  } catch (e) {
    return { plan, problems: [`PLAN.md: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`] };
  }
  const read = (rel: string): [string, string] | undefined => {
    try {
      return [rel, readPlanFile(dir, rel)];
    } catch (e) {
      problems.push(`${rel}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      return undefined;
    }
  };
  // A tool's files start each phase with the guard that re-checks the phase before (src/plan/guards.ts);
  // PLAN.md shows the plan's own statements.
  const guarded = withGuards(plan.phases, plan.engine);
  const phases = plan.phases.map((phase, i) => {
    const parts = md.get(phase.id) ?? {};
    const fromMd = (name: string): [string, string] | undefined => (parts[name] === undefined ? undefined : [`PLAN.md (${phase.id}, ${name})`, parts[name]]);
    const files = plan.answers.tool === "raw-sql" ? tool.phases[phase.id]?.files : undefined;
    return phaseFromDisk(
      files?.[0] ? guarded[i] : phase,
      {
        up: files?.[0] ? read(files[0]) : fromMd("Statements"),
        down: files?.[1] && !phase.irreversible && phase.rollback?.length ? read(files[1]) : fromMd("Rollback"),
        checks: fromMd("Checks"),
      },
      problems,
    );
  });
  return { plan: { ...plan, phases }, problems };
}
