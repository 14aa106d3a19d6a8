/**
 * Every name a plan creates, checked against the names the snapshot says are taken. The plan's statements
 * are walked in order: a name dropped or renamed away earlier in the plan is free again, so a swap that
 * re-creates a primary key under its old name is not a collision.
 */
import type { Plan } from "../plan/model.js";
import type { SchemaSnapshot } from "./model.js";

const IDENT = `("(?:[^"]|"")+"|\`(?:[^\`]|\`\`)+\`|[A-Za-z_][A-Za-z0-9_$]*)`;
const QUALIFIED = `(?:${IDENT}\\.)?${IDENT}`;

const unquote = (s: string) =>
  s.startsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s.startsWith("`") ? s.slice(1, -1).replace(/``/g, "`") : s.toLowerCase();

interface NameEvent {
  kind: "create" | "drop";
  /** "relation" covers indexes, tables, views, sequences; "column" is a column of the plan's table. */
  space: "relation" | "constraint" | "function" | "trigger" | "column";
  name: string;
}

const PATTERNS: { re: RegExp; kind: NameEvent["kind"]; space: NameEvent["space"] }[] = [
  { re: new RegExp(`CREATE (?:UNIQUE )?INDEX (?:CONCURRENTLY )?(?:IF NOT EXISTS )?${QUALIFIED}`, "gi"), kind: "create", space: "relation" },
  { re: new RegExp(`CREATE (?:TABLE|VIEW|MATERIALIZED VIEW|SEQUENCE) (?:IF NOT EXISTS )?${QUALIFIED}`, "gi"), kind: "create", space: "relation" },
  { re: new RegExp(`DROP (?:INDEX|TABLE|VIEW|SEQUENCE) (?:CONCURRENTLY )?(?:IF EXISTS )?${QUALIFIED}`, "gi"), kind: "drop", space: "relation" },
  { re: new RegExp(`ALTER INDEX (?:IF EXISTS )?${QUALIFIED} RENAME TO ${IDENT}`, "gi"), kind: "create", space: "relation" },
  { re: new RegExp(`ADD CONSTRAINT ${IDENT}`, "gi"), kind: "create", space: "constraint" },
  { re: new RegExp(`DROP CONSTRAINT (?:IF EXISTS )?${IDENT}`, "gi"), kind: "drop", space: "constraint" },
  { re: new RegExp(`DROP FOREIGN KEY (?:IF EXISTS )?${IDENT}`, "gi"), kind: "drop", space: "constraint" },
  { re: new RegExp(`RENAME CONSTRAINT ${IDENT} TO ${IDENT}`, "gi"), kind: "create", space: "constraint" },
  { re: new RegExp(`CREATE (?:OR REPLACE )?FUNCTION ${QUALIFIED}`, "gi"), kind: "create", space: "function" },
  { re: new RegExp(`DROP FUNCTION (?:IF EXISTS )?${QUALIFIED}`, "gi"), kind: "drop", space: "function" },
  { re: new RegExp(`CREATE TRIGGER ${IDENT}`, "gi"), kind: "create", space: "trigger" },
  { re: new RegExp(`DROP TRIGGER (?:IF EXISTS )?${IDENT}`, "gi"), kind: "drop", space: "trigger" },
  { re: new RegExp(`ADD COLUMN (?:IF NOT EXISTS )?${IDENT}`, "gi"), kind: "create", space: "column" },
  { re: new RegExp(`DROP COLUMN (?:IF EXISTS )?${IDENT}`, "gi"), kind: "drop", space: "column" },
  { re: new RegExp(`RENAME COLUMN ${IDENT} TO ${IDENT}`, "gi"), kind: "create", space: "column" },
];

const ALTERED_TABLE = new RegExp(`^\\s*ALTER TABLE (?:IF EXISTS )?(?:ONLY )?${QUALIFIED}`, "i");

/** The name events of one statement, in text order. Renames free the old name and take the new one; columns are `table.column`. */
function events(sql: string): NameEvent[] {
  const altered = ALTERED_TABLE.exec(sql);
  const table = altered ? unquote(altered[2]) : "";
  const key = (space: NameEvent["space"], name: string) => (space === "column" ? `${table}.${name}` : name);
  const found: { at: number; ev: NameEvent[] }[] = [];
  for (const p of PATTERNS) {
    for (const m of sql.matchAll(p.re)) {
      const groups = m.slice(1).filter((g) => g !== undefined);
      const last = key(p.space, unquote(groups[groups.length - 1]));
      if (/RENAME/i.test(m[0])) {
        const from = key(p.space, unquote(groups[groups.length - 2]));
        found.push({ at: m.index!, ev: [{ kind: "drop", space: p.space, name: from }, { kind: "create", space: p.space, name: last }] });
      } else found.push({ at: m.index!, ev: [{ kind: p.kind, space: p.space, name: last }] });
    }
  }
  return found.sort((a, b) => a.at - b.at).flatMap((f) => f.ev);
}

/** Collisions, in words; empty when every name the plan creates is free at the moment it is created. */
export function nameCollisions(plan: Plan, snapshot: SchemaSnapshot): string[] {
  const taken = new Map<string, Set<string>>([
    ["relation", new Set(snapshot.names.filter((n) => n.kind === "relation").map((n) => n.name))],
    ["constraint", new Set(snapshot.names.filter((n) => n.kind === "constraint").map((n) => n.name))],
    ["function", new Set(snapshot.names.filter((n) => n.kind === "function").map((n) => n.name))],
    ["trigger", new Set(snapshot.names.filter((n) => n.kind === "trigger").map((n) => n.name))],
    ["column", new Set(snapshot.tables.flatMap((t) => t.columns.map((c) => `${t.name}.${c.name}`)))],
  ]);
  const problems: string[] = [];
  for (const phase of plan.phases) {
    for (const s of phase.statements) {
      for (const e of events(s.sql)) {
        const set = taken.get(e.space)!;
        if (e.kind === "drop") set.delete(e.name);
        else if (set.has(e.name)) {
          problems.push(`phase ${phase.id} creates the ${e.space} ${e.name}, but the database already has a ${e.space} of that name`);
        } else set.add(e.name);
      }
    }
  }
  return [...new Set(problems)];
}
