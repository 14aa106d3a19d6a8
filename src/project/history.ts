/**
 * Where an existing project's migration history ends, read through two small callbacks so this
 * stays pure (src/project/fs.ts gives them the disk): the Alembic head, the Django app's latest migration.
 */
import type { Tool } from "../answers/schema.js";
import { ProjectError, type ProjectHistory } from "./types.js";

export interface ProjectFiles {
  /** Every file path, relative to the project root, with `/`. */
  files: string[];
  read(path: string): string;
}

const quoted = (text: string) => [...text.matchAll(/["']([^"']+)["']/g)].map((m) => m[1]);

/** `revision = "abc"` / `revision: str = "abc"`, and the down_revision(s) it names. */
function alembicRevision(source: string): { revision: string; down: string[] } | null {
  const rev = /^revision\s*(?::[^=\n]+)?=\s*["']([^"']+)["']/m.exec(source);
  if (!rev) return null;
  const down = /^down_revision\s*(?::[^=\n]+)?=\s*(.+)$/m.exec(source);
  return { revision: rev[1], down: down ? quoted(down[1]) : [] };
}

export function alembicHistory(p: ProjectFiles): NonNullable<ProjectHistory["alembic"]> {
  const ini = p.files.find((f) => /(^|\/)alembic\.ini$/.test(f));
  const location = ini ? /^script_location\s*=\s*(.+)$/m.exec(p.read(ini))?.[1].trim().replace(/^%\(here\)s\/?/, "") : undefined;
  const base = ini && ini.includes("/") ? ini.slice(0, ini.lastIndexOf("/") + 1) : "";
  const versionsDir = location ? `${base}${location.replace(/\/$/, "")}/versions` : (p.files.find((f) => /(^|\/)versions\/[^/]+\.py$/.test(f))?.replace(/\/[^/]+$/, "") ?? "alembic/versions");
  const revisions = p.files
    .filter((f) => f.startsWith(versionsDir + "/") && f.endsWith(".py"))
    .map((f) => alembicRevision(p.read(f)))
    .filter((r): r is NonNullable<typeof r> => r !== null);
  const referenced = new Set(revisions.flatMap((r) => r.down));
  const heads = revisions.map((r) => r.revision).filter((r) => !referenced.has(r));
  if (heads.length > 1) throw new ProjectError(`the Alembic history in ${versionsDir} has ${heads.length} heads (${heads.join(", ")}): merge them first (alembic merge heads)`);
  return { versionsDir, head: heads[0] ?? null };
}

export function djangoHistory(p: ProjectFiles, table: string): NonNullable<ProjectHistory["django"]> {
  const dirs = p.files.filter((f) => /(^|\/)migrations\/__init__\.py$/.test(f)).map((f) => f.replace(/\/__init__\.py$/, ""));
  const apps = dirs.map((migrationsDir) => {
    const appDir = migrationsDir.replace(/\/?migrations$/, "");
    const appsPy = p.files.includes(`${appDir}/apps.py`) ? p.read(`${appDir}/apps.py`) : "";
    const label = /^\s*label\s*=\s*["']([^"']+)["']/m.exec(appsPy)?.[1] ?? appDir.split("/").pop()!;
    const models = p.files.includes(`${appDir}/models.py`) ? p.read(`${appDir}/models.py`) : "";
    return { label, migrationsDir, models };
  });
  if (!apps.length) throw new ProjectError("no Django app with a migrations folder was found");
  const bare = table.split(".").pop()!;
  const owning = apps.filter((a) => new RegExp(`db_table\\s*=\\s*["']${bare.replace(/[^A-Za-z0-9_]/g, "")}["']`).test(a.models) || bare.startsWith(`${a.label}_`));
  const app = apps.length === 1 ? apps[0] : owning.length === 1 ? owning[0] : null;
  if (!app) throw new ProjectError(`cannot tell which Django app owns ${table}: ${apps.map((a) => a.label).join(", ")} (set db_table on its model)`);
  const migrations = p.files
    .filter((f) => f.startsWith(app.migrationsDir + "/") && /\/\d{4}_[^/]+\.py$/.test(f))
    .map((f) => f.slice(app.migrationsDir.length + 1).replace(/\.py$/, ""))
    .sort();
  const last = migrations.pop() ?? null;
  return { app: app.label, migrationsDir: app.migrationsDir, last, lastNumber: last ? Number(last.slice(0, 4)) : 0 };
}

/** The folder of numbered files (`V3__x.sql`, `000003_x.up.sql`) and the highest number, among `dirs` (the first one with files wins). */
export function numberedHistory(p: ProjectFiles, dirs: string[], pattern: RegExp): NonNullable<ProjectHistory["numbered"]> {
  for (const dir of dirs) {
    const numbers = p.files
      .filter((f) => f.startsWith(dir + "/") && !f.slice(dir.length + 1).includes("/"))
      .map((f) => pattern.exec(f.slice(dir.length + 1))?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number);
    if (numbers.length) return { dir, last: Math.max(...numbers) };
  }
  return { dir: dirs[0], last: 0 };
}

/** The history the renderer of `tool` chains onto. */
export function readHistory(tool: Tool, p: ProjectFiles, table: string): ProjectHistory {
  if (tool === "alembic") return { tool, alembic: alembicHistory(p) };
  if (tool === "django") return { tool, django: djangoHistory(p, table) };
  if (tool === "flyway") return { tool, numbered: numberedHistory(p, ["sql", "db/migration", "src/main/resources/db/migration"], /^V(\d+)__/) };
  if (tool === "golang-migrate") return { tool, numbered: numberedHistory(p, ["migrations", "db/migrations"], /^(\d+)_.+\.(up|down)\.sql$/) };
  return { tool };
}
