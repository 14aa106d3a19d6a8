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

/** A version prefix as a number, for ordering prefixes of any width. */
const versionValue = (v: string) => BigInt(v);

/**
 * The folder of files named `<version>_<name>` and its newest version, among `dirs` (the first one with
 * files wins). `pattern` matches a path relative to the folder and captures the version.
 */
export function versionedHistory(p: ProjectFiles, dirs: string[], pattern: RegExp): NonNullable<ProjectHistory["versioned"]> {
  for (const dir of dirs) {
    const prefix = dir === "." ? "" : dir + "/";
    const versions = p.files
      .filter((f) => f.startsWith(prefix))
      .map((f) => pattern.exec(f.slice(prefix.length))?.[1])
      .filter((v): v is string => v !== undefined);
    if (versions.length) return { dir, last: versions.reduce((a, b) => (versionValue(b) > versionValue(a) ? b : a)) };
  }
  return { dir: dirs[0], last: null };
}

/** A folder named in a config file (`directory: "./db/migrations"`), without `./` or a trailing `/`. */
function configuredDir(p: ProjectFiles, config: RegExp, key: string): string | undefined {
  const file = p.files.find((f) => config.test(f));
  if (!file) return undefined;
  const m = new RegExp(`\\b${key}["']?\\s*:\\s*["'\`]([^"'\`]+)["'\`]`).exec(p.read(file));
  const dir = m?.[1].replace(/^\.\//, "").replace(/\/+$/, "");
  return dir && !dir.startsWith("/") && !dir.split("/").includes("..") ? dir : undefined;
}

export interface DrizzleJournal {
  version: string;
  dialect: string;
  entries: { idx: number; version: string; when: number; tag: string; breakpoints: boolean }[];
}

/** drizzle-kit's meta/_journal.json, checked for the fields its migrator reads; a ProjectError when it is not one. */
export function parseDrizzleJournal(path: string, text: string): DrizzleJournal {
  let data: DrizzleJournal;
  try {
    data = JSON.parse(text) as DrizzleJournal;
  } catch (e) {
    throw new ProjectError(`${path} is not valid JSON (${(e as Error).message}): fix it before generating into the project`);
  }
  const entryOk = (e: DrizzleJournal["entries"][number]) =>
    e !== null && typeof e === "object" && Number.isInteger(e.idx) && Number.isFinite(e.when) && typeof e.tag === "string" && /^[^/\\]+$/.test(e.tag);
  if (data === null || typeof data !== "object" || !Array.isArray(data.entries) || !data.entries.every(entryOk)) {
    throw new ProjectError(`${path} is not a drizzle-kit journal (an "entries" list of {idx, when, tag}): fix it before generating into the project`);
  }
  return data;
}

export function drizzleHistory(p: ProjectFiles): NonNullable<ProjectHistory["drizzle"]> {
  const dir = configuredDir(p, /^drizzle\.config\.(js|cjs|mjs|ts|json)$/, "out") ?? "drizzle";
  const path = `${dir}/meta/_journal.json`;
  if (!p.files.includes(path)) return { dir, journal: null };
  const content = p.read(path);
  parseDrizzleJournal(path, content);
  return { dir, journal: { path, content } };
}

const SQITCH_CHANGE = /^([^\s@#%:[\]]+)\s+(?:\[[^\]]*\]\s+)?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+[^<]*<[^>]*>/;

/** The changes of a sqitch.plan, in order; a ProjectError naming the first line that is no change, tag, pragma or comment. */
export function sqitchChanges(path: string, text: string): string[] {
  const changes: string[] = [];
  let project = false;
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    if (line.startsWith("%")) {
      project ||= /^%\s*project\s*=/.test(line);
      return;
    }
    if (line.startsWith("@")) return;
    const m = SQITCH_CHANGE.exec(line);
    if (!m) throw new ProjectError(`${path} line ${i + 1} is not a Sqitch change, tag or pragma: fix it before generating into the project`);
    changes.push(m[1]);
  });
  if (!project) throw new ProjectError(`${path} has no %project pragma: it is not a Sqitch plan sqitch can read`);
  return changes;
}

export function sqitchHistory(p: ProjectFiles): NonNullable<ProjectHistory["sqitch"]> {
  const path = "sqitch.plan";
  const content = p.read(path);
  const changes = sqitchChanges(path, content);
  return { plan: { path, content }, last: changes.at(-1) ?? null, changes };
}

const MASTER = /^(?:[^/]+\/)*?(?:db\.)?changelog(?:-master)?\.(xml|ya?ml|json|sql)$/;

/** The master changelog: the one liquibase.properties names, else the changelog file nearest the root. */
export function liquibaseHistory(p: ProjectFiles): NonNullable<ProjectHistory["liquibase"]> {
  const props = p.files.includes("liquibase.properties") ? p.read("liquibase.properties") : "";
  const named = /^\s*(?:changeLogFile|changelog-file)\s*[=:]\s*(?:classpath:)?\/?(\S+)\s*$/m.exec(props)?.[1];
  const candidates = p.files.filter((f) => MASTER.test(f)).sort((a, b) => a.split("/").length - b.split("/").length || a.localeCompare(b));
  const path = named ? p.files.find((f) => f === named || f.endsWith(`/${named}`)) : candidates[0];
  if (!path) throw new ProjectError(named ? `liquibase.properties names ${named}, which is not in the project` : "no master changelog (db.changelog-master.xml/.yaml) was found");
  const ext = /\.(\w+)$/.exec(path)![1].toLowerCase();
  if (ext !== "xml" && ext !== "yaml" && ext !== "yml") {
    throw new ProjectError(`${path} is a ${ext.toUpperCase()} changelog: only an XML or YAML master changelog can take the include; use --out and include the new changelog by hand`);
  }
  return { master: { path, content: p.read(path) }, format: ext === "xml" ? "xml" : "yaml" };
}

/** In a project whose package.json makes `.js` files ES modules, CommonJS files are named `.cjs`. */
function commonJsExtension(p: ProjectFiles): "js" | "cjs" {
  if (!p.files.includes("package.json")) return "js";
  try {
    return (JSON.parse(p.read("package.json")) as { type?: unknown })?.type === "module" ? "cjs" : "js";
  } catch {
    return "js";
  }
}

/** The history the renderer of `tool` chains onto. */
export function readHistory(tool: Tool, p: ProjectFiles, table: string): ProjectHistory {
  if (tool === "alembic") return { tool, alembic: alembicHistory(p) };
  if (tool === "django") return { tool, django: djangoHistory(p, table) };
  if (tool === "flyway") return { tool, numbered: numberedHistory(p, ["sql", "db/migration", "src/main/resources/db/migration"], /^V(\d+)__/) };
  if (tool === "golang-migrate") return { tool, numbered: numberedHistory(p, ["migrations", "db/migrations"], /^(\d+)_.+\.(up|down)\.sql$/) };
  if (tool === "goose") return { tool, versioned: versionedHistory(p, ["migrations", "db/migrations"], /^(\d+)_[^/]+\.(sql|go)$/) };
  if (tool === "dbmate") return { tool, versioned: versionedHistory(p, ["db/migrations"], /^(\d+)_[^/]+\.sql$/) };
  if (tool === "rails") {
    const lock = p.files.includes("Gemfile.lock") ? p.read("Gemfile.lock") : "";
    const railsVersion = /^ {4}(?:rails|activerecord) \((\d+\.\d+)[.\d]*\)$/m.exec(lock)?.[1];
    return { tool, versioned: versionedHistory(p, ["db/migrate"], /^(\d+)_[^/]+\.rb$/), ...(railsVersion ? { railsVersion } : {}) };
  }
  if (tool === "knex") {
    const dir = configuredDir(p, /^knexfile\.(js|cjs|mjs|ts)$/, "directory") ?? "migrations";
    return { tool, versioned: versionedHistory(p, [dir], /^(\d+)_[^/]+\.(js|cjs|mjs|ts)$/), commonJs: commonJsExtension(p) };
  }
  if (tool === "node-pg-migrate") return { tool, versioned: versionedHistory(p, ["migrations"], /^(\d+)_[^/]+\.(js|cjs|mjs|ts|sql)$/), commonJs: commonJsExtension(p) };
  if (tool === "prisma") return { tool, versioned: versionedHistory(p, ["prisma/migrations"], /^(\d+)_[^/]+\/migration\.sql$/) };
  if (tool === "drizzle") return { tool, drizzle: drizzleHistory(p) };
  if (tool === "sqitch") return { tool, sqitch: sqitchHistory(p) };
  if (tool === "liquibase") return { tool, liquibase: liquibaseHistory(p) };
  return { tool };
}
