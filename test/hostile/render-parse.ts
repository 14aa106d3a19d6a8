/**
 * Parse checks for generated files, batched: one python3 process for every .py file, one ruby process
 * for every .rb file, JavaScript and YAML in this process. Each also hands back the SQL strings the file
 * would send to the database, so the caller can parse them with libpg-query.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { runInNewContext, Script } from "node:vm";
import { parse as parseYaml } from "yaml";

/** Where a Django model's table goes in the SQL read from an AddIndexConcurrently (the model maps the plan's table). */
export const MODEL_TABLE = "__model_table__";

export interface FileCheck {
  file: string;
  error?: string;
  /** SQL the file sends, in order (host-language files), or the file itself (.sql). */
  sql: string[];
}

const PY = `
import ast, json, sys
out = {}
for f in json.load(sys.stdin):
    try:
        tree = ast.parse(open(f, encoding="utf-8").read(), f)
    except SyntaxError as e:
        out[f] = {"error": "%s:%s: %s" % (f, e.lineno, e.msg), "sql": []}
        continue
    sql = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "execute" and node.args:
            sql.append(ast.literal_eval(node.args[0]))
        # Alembic's op.create_index(..., postgresql_concurrently=True): the statement SQLAlchemy sends.
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "create_index":
            a = [ast.literal_eval(x) for x in node.args]
            kw = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
            q = lambda s: '"' + s.replace('"', '""') + '"'
            table = (q(kw["schema"]) + "." if kw.get("schema") else "") + q(a[1])
            sql.append("CREATE %sINDEX CONCURRENTLY %s ON %s (%s)" % ("UNIQUE " if kw.get("unique") else "", q(a[0]), table, ", ".join(q(c) for c in a[2])))
        # Django's AddIndexConcurrently: the statement it sends, on the model's table (MODEL_TABLE, filled in by the caller).
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "AddIndexConcurrently":
            index = next(k.value for k in node.keywords if k.arg == "index")
            kw = {k.arg: ast.literal_eval(k.value) for k in index.keywords}
            q = lambda s: '"' + s.replace('"', '""') + '"'
            sql.append("CREATE INDEX CONCURRENTLY %s ON %s (%s)" % (q(kw["name"]), "${MODEL_TABLE}", ", ".join(q(c) for c in kw["fields"])))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "RunSQL":
            for kw in node.keywords:
                if kw.arg in ("sql", "reverse_sql") and isinstance(kw.value, ast.List):
                    sql.extend(ast.literal_eval(kw.value))
    out[f] = {"sql": [s.replace("\\\\:", ":") for s in sql]}
print(json.dumps(out))
`;

// Syntax first (compile only), then load with a stub ActiveRecord that records what `execute` gets (and the SQL its helpers send).
const RB = `
require "json"
module ActiveRecord
  class IrreversibleMigration < StandardError; end
  class Migration
    def self.[](_v) = self
    def self.disable_ddl_transaction! = nil
    def execute(sql) = ($sql << sql)
    # The helpers the files use, recording the statement Rails sends for them.
    def q(name) = name.split(".").map { |p| '"' + p.gsub('"', '""') + '"' }.join(".")
    def add_index(table, columns, name:, unique: false, algorithm: nil)
      $sql << "CREATE #{unique ? "UNIQUE " : ""}INDEX #{algorithm == :concurrently ? "CONCURRENTLY " : ""}#{'"' + name.gsub('"', '""') + '"'} ON #{q(table)} (#{columns.map { |c| '"' + c.gsub('"', '""') + '"' }.join(", ")})"
    end
    def validate_foreign_key(table, name:) = ($sql << "ALTER TABLE #{q(table)} VALIDATE CONSTRAINT #{'"' + name.gsub('"', '""') + '"'}")
  end
end
out = {}
JSON.parse($stdin.read).each do |f|
  begin
    RubyVM::InstructionSequence.compile_file(f)
  rescue SyntaxError => e
    out[f] = { "error" => e.message.lines.first.strip, "sql" => [] }
    next
  end
  $sql = []
  before = ObjectSpace.each_object(Class).select { |c| c < ActiveRecord::Migration }
  load f, true
  (ObjectSpace.each_object(Class).select { |c| c < ActiveRecord::Migration } - before).each do |c|
    m = c.new
    m.up
    begin
      m.down
    rescue ActiveRecord::IrreversibleMigration
    end
  end
  out[f] = { "sql" => $sql }
end
puts JSON.generate(out)
`;

function batch(cmd: string, args: string[], files: string[]): FileCheck[] {
  if (!files.length) return [];
  const r = spawnSync(cmd, args, { input: JSON.stringify(files), encoding: "utf8", maxBuffer: 256 << 20, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as Record<string, { error?: string; sql: string[] }>;
  return files.map((file) => ({ file, ...out[file] }));
}

export const checkPython = (files: string[]) => batch("/usr/bin/python3", ["-c", PY], files);
export const checkRuby = (files: string[]) => batch("ruby", ["-e", RB], files);

/** Compile as a script (what `node --check` does for CommonJS), then run up and down with stub knex/pgm objects. */
export async function checkJs(file: string): Promise<FileCheck> {
  const code = readFileSync(file, "utf8");
  try {
    new Script(code, { filename: file });
  } catch (e) {
    return { file, error: (e as Error).message, sql: [] };
  }
  const sql: string[] = [];
  const knex = {
    raw: (s: string) => (sql.push(s), Object.assign(Promise.resolve(), { connection: () => Promise.resolve() })),
    client: { acquireConnection: async () => ({}), releaseConnection: async () => undefined },
  };
  const pgm = { sql: (s: string) => void sql.push(s), noTransaction: () => undefined };
  const module = { exports: {} as Record<string, unknown> };
  runInNewContext(code, { module, exports: module.exports, Promise, Error });
  for (const fn of [module.exports.up, module.exports.down]) {
    if (typeof fn !== "function") continue;
    try {
      await fn(file.includes("/migrations/") && code.includes("pgm") ? pgm : knex);
    } catch (e) {
      if (!/cannot be undone/.test((e as Error).message)) throw e;
    }
  }
  return { file, sql };
}

/** Parse YAML strictly; for a Liquibase changelog, collect every `sql` change. */
export function checkYaml(file: string): FileCheck {
  try {
    const doc = parseYaml(readFileSync(file, "utf8"), { uniqueKeys: true, strict: true });
    const sql: string[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        const inner = o.sql as Record<string, unknown> | undefined;
        if (inner && typeof inner.sql === "string") sql.push(inner.sql);
        Object.values(o).forEach(walk);
      }
    };
    walk(doc);
    return { file, sql };
  } catch (e) {
    return { file, error: (e as Error).message.split("\n")[0], sql: [] };
  }
}
