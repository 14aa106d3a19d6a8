/**
 * Which engine versions a plan can be made for. Known lines are planned as they are; a newer line
 * than the tool knows is planned like the newest known one, with a note; anything else is refused.
 */
import type { Engine } from "./schema.js";

interface Range {
  name: string;
  /** Known majors (MySQL: major.minor lines), oldest to newest. */
  known: (v: number[]) => boolean;
  knownText: string;
  /** Newer than the tool knows, but a real release line. */
  newer: (v: number[]) => boolean;
}

const RANGES: Record<string, Range> = {
  postgresql: { name: "PostgreSQL", known: ([m]) => m >= 10 && m <= 18, knownText: "10 to 18", newer: ([m]) => m > 18 && m < 30 },
  mysql: {
    name: "MySQL",
    known: ([m, n = 0]) => (m === 5 && n === 7) || m === 8 || m === 9,
    knownText: "5.7, 8.x and 9.x",
    // MySQL jumped from 9 to nothing yet; 16.2 is a typo or another engine's version.
    newer: () => false,
  },
  mariadb: { name: "MariaDB", known: ([m]) => m === 10 || m === 11, knownText: "10.x and 11.x", newer: ([m]) => m >= 12 && m < 20 },
};

export function engineVersionProblem(engine: Engine | string, version: string): { error?: string; note?: string } | undefined {
  const r = RANGES[engine];
  if (!r) return undefined;
  const parts = version.split(".").map(Number);
  if (parts.some((n) => !Number.isFinite(n))) return { error: `${JSON.stringify(version)} is not a version number` };
  if (r.known(parts)) return undefined;
  if (r.newer(parts)) {
    return { note: `${r.name} ${version} is newer than the versions this tool knows (${r.knownText}): the plan is what the newest known one needs; check that release's notes for cheaper ways` };
  }
  return { error: `${r.name} ${version} is not supported: plans are made for ${r.name} ${r.knownText}` };
}
