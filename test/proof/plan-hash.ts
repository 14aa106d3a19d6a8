/**
 * The byte-identity check: every path through the shipped trees (the proof's enumeration, widened to
 * every engine at each of its capability boundaries) rendered for every tool, with PLAN.md and every
 * file hashed. Two runs of the same code give the same digest; a refactor that claims "behaviour
 * unchanged" must give the digest the code before it gave. The clock is fixed, so timestamps in file
 * names do not vary. A path whose plan is refused hashes the refusal's message (that is behaviour too).
 */
import { createHash } from "node:crypto";
import { ENGINES, TOOLS, type Engine, type PlanAnswers, type Tool } from "../../src/answers/schema.js";
import { engineModule } from "../../src/engines/index.js";
import { planOutputs } from "../../src/render/outputs.js";
import { enumeratePaths, VERSION_BOUNDARIES, type PathCase, type PathSource } from "./examples.js";

/** The clock every rendering uses: file names carry timestamps. */
export const FIXED_NOW = new Date("2026-01-02T03:04:05Z");

/**
 * The versions to plan each engine at: PostgreSQL's proof boundaries; for the others the oldest supported
 * line, every capability boundary after it, a bare minor line whose rules change within it ("8.0"), and the newest line.
 */
export function versionsFor(engine: Engine): string[] {
  if (engine === "postgresql") return [...VERSION_BOUNDARIES];
  const mod = engineModule(engine);
  const oldest = mod.knownVersions[0];
  const newest = mod.knownVersions[mod.knownVersions.length - 1];
  const order = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });
  const edges = Object.values(mod.capabilities)
    .flatMap((c) => [c.since, c.until])
    .filter((v): v is string => typeof v === "string" && order(v, oldest) > 0 && order(v, newest) <= 0);
  const lines = edges.map((v) => v.split(".").slice(0, 2).join(".")).filter((line) => edges.some((e) => e !== line && e.startsWith(`${line}.`)));
  return [...new Set([oldest, ...edges, ...lines, newest])].sort(order);
}

export interface HashCase {
  key: string;
  answers: PlanAnswers;
}

/** Every path the check walks: the proof's PostgreSQL paths, and the same on every other engine at each of its versions. */
export function hashPaths(source: PathSource): PathCase[] {
  const pg = enumeratePaths(source);
  const first = pg[0]?.answers.engine_version;
  const others = ENGINES.filter((e) => e !== "postgresql").flatMap((engine) =>
    versionsFor(engine).flatMap((engine_version) =>
      pg.filter((p) => p.answers.engine_version === first).map((c) => ({ ...c, answers: { ...c.answers, engine, engine_version } })),
    ),
  );
  return [...pg, ...others];
}

const keyOf = (c: PathCase, tool: Tool) =>
  `${c.operation} [${c.variant}] ${c.answers.engine} ${c.answers.engine_version}, ${c.answers.approx_rows} rows, ` +
  `downtime ${c.answers.downtime_tolerance}, rollback ${c.answers.rollback_need} -> ${tool}`;

/**
 * `full`: every path for every tool (tens of minutes). Otherwise (a few minutes): every PostgreSQL path for
 * raw SQL, and for every tool every path at the first downtime and rollback choice (those two change the
 * phases, which every renderer walks the same way; the raw SQL row already covers their every value on PostgreSQL).
 */
export function hashCases(source: PathSource, full = false): HashCase[] {
  const paths = hashPaths(source);
  const [downtime, rollback] = [paths[0]?.answers.downtime_tolerance, paths[0]?.answers.rollback_need];
  const cases: HashCase[] = [];
  for (const c of paths) {
    const sampled = c.answers.downtime_tolerance === downtime && c.answers.rollback_need === rollback;
    const tools = full || sampled ? TOOLS : c.answers.engine === "postgresql" ? (["raw-sql"] as const) : [];
    for (const tool of tools) cases.push({ key: keyOf(c, tool), answers: { ...c.answers, tool } });
  }
  return cases;
}

/** The digest of one path: every file's path and bytes, in the order written; or the refusal's message. */
export function digestOf(answers: PlanAnswers, now: Date = FIXED_NOW): { digest: string; refused: boolean } {
  const h = createHash("sha256");
  let refused = false;
  try {
    for (const f of planOutputs(answers, now).files) {
      h.update(f.path).update("\0").update(String(Buffer.byteLength(f.content))).update("\0").update(f.content);
    }
  } catch (e) {
    refused = true;
    h.update("refused\0").update((e as Error).message);
  }
  return { digest: h.digest("hex"), refused };
}

export interface HashReport {
  /** sha256 over every path's key and digest, in enumeration order. */
  digest: string;
  paths: number;
  refused: number;
  /** `key<TAB>digest` per path: diff two of these to find what changed. */
  lines: string[];
}

export function hashAll(cases: HashCase[]): HashReport {
  const all = createHash("sha256");
  const lines: string[] = [];
  let refused = 0;
  for (const c of cases) {
    const d = digestOf(c.answers);
    if (d.refused) refused++;
    lines.push(`${c.key}\t${d.digest}`);
    all.update(c.key).update("\t").update(d.digest).update("\n");
  }
  return { digest: all.digest("hex"), paths: cases.length, refused, lines };
}
