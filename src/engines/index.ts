/** The engines and what a plan may ask of them: capabilities by version, the dialect, version notes. */
import type { Engine } from "../answers/schema.js";
import { mariadb } from "./mariadb.js";
import { mysql, type MysqlFamilyCapability } from "./mysql.js";
import { postgresql, type PostgresCapability } from "./postgresql.js";
import { compareVersions, holds, type EngineModule } from "./types.js";

export { compareVersions };
export type CapabilityName = MysqlFamilyCapability | PostgresCapability;
export type Dialect = "postgresql" | "mysql";

const ENGINES: Record<Engine, EngineModule> = { postgresql, mysql, mariadb };

export function engineModule(engine: Engine): EngineModule {
  return ENGINES[engine];
}

/** MySQL and MariaDB: the SQL is MySQL's dialect. */
export const isMysqlFamily = (engine: string): boolean => engine === "mysql" || engine === "mariadb";

export const dialectOf = (engine: Engine): Dialect => ENGINES[engine].dialect;

export interface Capabilities {
  engine: Engine;
  version: string;
  has(name: CapabilityName): boolean;
}

export function capabilities(engine: Engine, version: string): Capabilities {
  const table = ENGINES[engine].capabilities as Record<string, Parameters<typeof holds>[0]>;
  return {
    engine,
    version,
    // Another family's capability (a MySQL fact asked of PostgreSQL) does not hold.
    has: (name) => (table[name] ? holds(table[name], version) : false),
  };
}

/**
 * What the plan should say about the version given: a bare minor ("8.0") whose rules change within the
 * line is planned with the line's first release's rules (the conservative choice) and says which
 * capabilities that leaves out; a version newer than the newest known line is planned with the newest
 * rules, with a note.
 */
export function versionNotes(engine: Engine, version: string): string[] {
  const mod = ENGINES[engine];
  const notes: string[] = [];
  const parts = version.split(".");
  if (parts.length < 3) {
    const low = [...parts, "0", "0"].slice(0, 3).join(".");
    const high = parts.length === 1 ? `${parts[0]}.999.999` : `${parts[0]}.${parts[1]}.999`;
    const differ = Object.entries(mod.capabilities)
      .filter(([, cap]) => holds(cap, low) !== holds(cap, high))
      .map(([name, cap]) => `${name} (${cap.since}${cap.until ? ` until ${cap.until}` : ""}: ${cap.meaning.replace(/\.$/, "")})`);
    if (differ.length) {
      notes.push(
        `engine_version "${version}" has no patch release, and ${mod.label} ${version}.x changed these rules between releases: ${differ.join("; ")}. ` +
          `The plan uses the rules of ${low}, the first release of the line (the safe reading). Give the full version (SELECT VERSION()) to plan with your release's rules.`,
      );
    }
  }
  const newest = mod.knownVersions[mod.knownVersions.length - 1];
  if (compareVersions(version, newest) > 0 && version !== newest && !version.startsWith(`${newest}.`)) {
    notes.push(`${mod.label} ${version} is newer than the newest line these rules were checked against (${newest}): the plan uses ${newest}'s rules; read its statements against your release notes.`);
  }
  return notes;
}
