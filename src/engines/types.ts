/**
 * Engine facts as named capabilities by version, one module per engine. A recipe asks
 * `caps.has("instantDropColumn")`; it never compares version strings itself, so a version boundary
 * lives in exactly one place, next to the manual page it comes from.
 */

/** One version-dependent fact: the first version that has it (null: no version has it), and where that is documented. */
export interface Capability {
  since: string | null;
  /** Up to (not including) this version, for facts that stopped holding (a bug fixed in a patch release). */
  until?: string;
  /** The manual page or release note the boundary comes from. */
  source: string;
  /** What the capability means, in a sentence (for notes and the knowledge file). */
  meaning: string;
}

export type CapabilityTable<Name extends string> = Record<Name, Capability>;

export interface EngineModule<Name extends string = string> {
  engine: "postgresql" | "mysql" | "mariadb";
  /** How the product calls itself: PostgreSQL, MySQL, MariaDB. */
  label: string;
  /** The SQL dialect the plan is written in: MariaDB speaks MySQL's, with differences the capabilities name. */
  dialect: "postgresql" | "mysql";
  /** Release lines the rules have been written and checked for, oldest first. */
  knownVersions: string[];
  capabilities: CapabilityTable<Name>;
}

/** Compare dotted versions numerically: "14.3" < "14.10"; missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export function holds(cap: Capability, version: string): boolean {
  if (cap.since === null || compareVersions(version, cap.since) < 0) return false;
  return cap.until === undefined || compareVersions(version, cap.until) < 0;
}
