// Size and shape of the code and the package, measured the same way before and after a change:
//   npm run metrics [-- --json] [-- --no-package]
// Code (TypeScript compiler API over src/): functions over 80 lines, files over 300 lines, import
// cycles among src/ modules (each with one cycle path), layer violations, version-string comparisons
// and `engine === "..."` branches outside src/engines. Package: `npm pack --dry-run` size, and the
// install size of the packed tarball installed into a temporary folder (offline from the npm cache
// when it can be, else with the network, and the report says which).
import ts from "typescript";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "src");
const args = new Set(process.argv.slice(2));
const FUNCTION_LIMIT = 80;
const FILE_LIMIT = 300;
const ENGINE_NAMES = new Set(["postgresql", "mysql", "mariadb"]);
const VERSION_LITERAL = /^\d+(\.\d+){0,2}$/;

/** Which folders may not import which: [importer prefix, imported prefix or package, why]. */
const LAYER_RULES = [
  ["src/render/", "src/output/", "render/ is pure and feeds output/, never the other way"],
  ["src/wizard/", "src/plan/", "the wizard walks trees; planning is downstream of it"],
];
/** Screen code lives in src/ui (and the entry point that starts it); nothing below may load ink or react. */
const SCREEN_PACKAGES = ["ink", "react", "react/jsx-runtime", "ink-testing-library"];
const SCREEN_ALLOWED = ["src/ui/", "src/cli/"];

function listSources(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listSources(p));
    else if (/\.tsx?$/.test(name) && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

const rel = (p) => relative(root, p).split("\\").join("/");
const lineOf = (sf, pos) => sf.getLineAndCharacterOfPosition(pos).line + 1;

function functionName(node) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  if (ts.isConstructorDeclaration(node)) return "constructor";
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isPropertyAssignment(parent) && parent.name && "text" in parent.name) return parent.name.text;
  if (parent && ts.isPropertyDeclaration(parent) && parent.name && "text" in parent.name) return parent.name.text;
  if (parent && ts.isCallExpression(parent)) return `(callback of ${parent.expression.getText().slice(0, 40)})`;
  return "(anonymous)";
}

function resolveImport(fromFile, spec) {
  if (!spec.startsWith(".")) return undefined;
  const base = resolve(dirname(fromFile), spec.replace(/\?raw$/, ""));
  const stem = base.replace(/\.(m?js|jsx)$/, "");
  for (const cand of [base, `${stem}.ts`, `${stem}.tsx`, join(base, "index.ts"), join(base, "index.tsx")]) {
    if (/\.tsx?$/.test(cand) && existsSync(cand) && statSync(cand).isFile()) return cand;
  }
  return undefined;
}

function isTypeOnlyImport(node) {
  if (ts.isImportDeclaration(node)) {
    const clause = node.importClause;
    if (!clause) return false; // side-effect import
    if (clause.isTypeOnly) return true;
    if (clause.name) return false;
    const nb = clause.namedBindings;
    return !!nb && ts.isNamedImports(nb) && nb.elements.length > 0 && nb.elements.every((e) => e.isTypeOnly);
  }
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return true;
    const ec = node.exportClause;
    return !!ec && ts.isNamedExports(ec) && ec.elements.length > 0 && ec.elements.every((e) => e.isTypeOnly);
  }
  return false;
}

/** The text of an expression without a leading `ctx.`/`answers.`: what an engine or version test compares. */
const subject = (node) => node.getText().replace(/\s+/g, "");

/** A callee that tests a version: `versionAtLeast`, `compareVersions`, `x.version.startsWith`. */
function isVersionTest(callee) {
  const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : "";
  if (/version/i.test(name)) return true;
  return ["startsWith", "localeCompare"].includes(name) && ts.isPropertyAccessExpression(callee) && /version/i.test(subject(callee.expression));
}

function analyseFile(file) {
  const text = readFileSync(file, "utf8");
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const r = rel(file);
  const result = { file: r, lines: sf.getLineStarts().length, functions: [], imports: [], engineBranches: [], versionComparisons: [] };
  const inEngines = r.startsWith("src/engines/");

  function visit(node) {
    if (
      ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isArrowFunction(node) ||
      ts.isFunctionExpression(node) ||
      ts.isConstructorDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node)
    ) {
      if (node.body) {
        const start = lineOf(sf, node.getStart(sf));
        const end = lineOf(sf, node.end);
        result.functions.push({ file: r, name: functionName(node), line: start, lines: end - start + 1 });
      }
    }
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      result.imports.push({ spec: node.moduleSpecifier.text, typeOnly: isTypeOnlyImport(node), dynamic: false, line: lineOf(sf, node.getStart(sf)) });
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      result.imports.push({ spec: node.arguments[0].text, typeOnly: false, dynamic: true, line: lineOf(sf, node.getStart(sf)) });
    }
    if (!inEngines) {
      if (ts.isBinaryExpression(node)) {
        const op = node.operatorToken.kind;
        const sides = [node.left, node.right];
        const literal = sides.find((s) => ts.isStringLiteral(s) || ts.isNoSubstitutionTemplateLiteral(s));
        const other = sides.find((s) => s !== literal);
        if (literal && other && (op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken)) {
          if (ENGINE_NAMES.has(literal.text) && /engine/i.test(subject(other))) {
            result.engineBranches.push({ file: r, line: lineOf(sf, node.getStart(sf)), text: subject(node).slice(0, 80) });
          }
        }
        const ordering = [ts.SyntaxKind.LessThanToken, ts.SyntaxKind.LessThanEqualsToken, ts.SyntaxKind.GreaterThanToken, ts.SyntaxKind.GreaterThanEqualsToken];
        if (literal && other && VERSION_LITERAL.test(literal.text) && /version/i.test(subject(other)) && (ordering.includes(op) || op === ts.SyntaxKind.EqualsEqualsEqualsToken)) {
          result.versionComparisons.push({ file: r, line: lineOf(sf, node.getStart(sf)), text: subject(node).slice(0, 80) });
        }
      }
      // versionAtLeast(v, "12"), compareVersions(v, "14.4"), version.startsWith("8.0"): a version literal handed to a version test.
      if (ts.isCallExpression(node) && isVersionTest(node.expression) && node.arguments.some((a) => ts.isStringLiteral(a) && VERSION_LITERAL.test(a.text))) {
        result.versionComparisons.push({ file: r, line: lineOf(sf, node.getStart(sf)), text: subject(node).slice(0, 80) });
      }
    }
    ts.forEachChild(node, visit);
  }
  visit(sf);
  return result;
}

/** Strongly connected components (Tarjan) of the static import graph; each with >1 module, or a self-import, is a cycle. */
function cyclesOf(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const sccs = [];
  function strong(v) {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? new Set()).has(v)) sccs.push(comp.sort());
    }
  }
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) strong(v);
  // One shortest cycle per component, through its first module: a path a reader can follow.
  return sccs.map((comp) => {
    const inComp = new Set(comp);
    const start = comp[0];
    const prev = new Map([[start, null]]);
    const queue = [start];
    let closing;
    while (queue.length && !closing) {
      const v = queue.shift();
      for (const w of graph.get(v) ?? []) {
        if (!inComp.has(w)) continue;
        if (w === start) {
          closing = v;
          break;
        }
        if (!prev.has(w)) {
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    const path = [start];
    for (let v = closing; v && v !== start; v = prev.get(v)) path.splice(1, 0, v);
    path.push(start);
    return { modules: comp.length, members: comp, path };
  });
}

function codeMetrics() {
  const files = listSources(src).map(analyseFile);
  const functions = files.flatMap((f) => f.functions).sort((a, b) => b.lines - a.lines);
  const all = new Map(); // file -> Set of imported files (static imports, type-only included)
  const values = new Map(); // the same, without type-only imports: what runs at load time
  const layerViolations = [];
  for (const f of files) {
    const abs = join(root, f.file);
    all.set(f.file, new Set());
    values.set(f.file, new Set());
    for (const imp of f.imports) {
      const target = resolveImport(abs, imp.spec);
      const t = target ? rel(target) : undefined;
      if (t && !imp.dynamic) {
        all.get(f.file).add(t);
        if (!imp.typeOnly) values.get(f.file).add(t);
      }
      for (const [from, to, why] of LAYER_RULES) {
        if (f.file.startsWith(from) && t?.startsWith(to)) layerViolations.push({ file: f.file, line: imp.line, imports: t, typeOnly: imp.typeOnly, rule: why });
      }
      const pkg = imp.spec;
      if (SCREEN_PACKAGES.includes(pkg) || pkg.startsWith("ink/") || pkg.startsWith("react/")) {
        if (!SCREEN_ALLOWED.some((p) => f.file.startsWith(p)))
          layerViolations.push({ file: f.file, line: imp.line, imports: pkg, typeOnly: imp.typeOnly, rule: "screen code (ink/react) only in src/ui" });
      }
    }
    if (f.file.endsWith(".tsx") && !SCREEN_ALLOWED.some((p) => f.file.startsWith(p)))
      layerViolations.push({ file: f.file, line: 1, imports: "(JSX)", typeOnly: false, rule: "screen code (ink/react) only in src/ui" });
  }
  return {
    sourceFiles: files.length,
    sourceLines: files.reduce((n, f) => n + f.lines, 0),
    longestFunction: functions[0],
    functionsOver80: functions.filter((f) => f.lines > FUNCTION_LIMIT),
    functionsOver60: functions.filter((f) => f.lines > 60).length,
    filesOver300: files.filter((f) => f.lines > FILE_LIMIT).map((f) => ({ file: f.file, lines: f.lines })).sort((a, b) => b.lines - a.lines),
    cycles: cyclesOf(all),
    valueCycles: cyclesOf(values),
    layerViolations,
    versionComparisons: files.flatMap((f) => f.versionComparisons),
    engineBranches: files.flatMap((f) => f.engineBranches),
  };
}

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...opts });
  return { ok: r.status === 0, stdout: r.stdout ?? "", stderr: (r.stderr ?? "").trim() };
}

function duBytes(dir) {
  const r = run("du", ["-sb", dir]);
  return r.ok ? Number(r.stdout.split("\t")[0]) : NaN;
}

function countPackages(nodeModules) {
  let n = 0;
  if (!existsSync(nodeModules)) return 0;
  for (const name of readdirSync(nodeModules)) {
    if (name.startsWith(".")) continue;
    if (name.startsWith("@")) n += readdirSync(join(nodeModules, name)).length;
    else n++;
  }
  return n;
}

/** Installs the tarball into a fresh folder; offline first, then with the network. */
function installSize(tgz, tmp, omitOptional) {
  const dir = join(tmp, omitOptional ? "install-no-optional" : "install");
  run("mkdir", ["-p", dir]);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "metrics-install", version: "0.0.0", private: true }));
  const common = ["install", tgz, "--no-audit", "--no-fund", "--ignore-scripts=false", "--loglevel=error", ...(omitOptional ? ["--omit=optional"] : [])];
  let how = "offline (npm cache)";
  let r = run("npm", [...common, "--offline"], { cwd: dir, timeout: 300_000 });
  if (!r.ok) {
    how = "network needed";
    r = run("npm", [...common, "--prefer-offline"], { cwd: dir, timeout: 600_000 });
  }
  if (!r.ok) return { error: r.stderr.split("\n")[0] };
  const nm = join(dir, "node_modules");
  return { bytes: duBytes(nm), packages: countPackages(nm) - 1, how };
}

function packageMetrics() {
  if (!existsSync(join(root, "dist", "cli.js"))) {
    const b = run("npm", ["run", "build"], { cwd: root });
    if (!b.ok) return { error: `build failed: ${b.stderr.split("\n").pop()}` };
  }
  const dry = run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root });
  if (!dry.ok) return { error: `npm pack --dry-run failed: ${dry.stderr.split("\n")[0]}` };
  const info = JSON.parse(dry.stdout)[0];
  const out = { packed: info.size, unpacked: info.unpackedSize, entries: info.entryCount };
  const tmp = mkdtempSync(join(tmpdir(), "mw-metrics-"));
  try {
    const packed = run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", tmp], { cwd: root });
    if (!packed.ok) return { ...out, error: `npm pack failed: ${packed.stderr.split("\n")[0]}` };
    const tgz = join(tmp, JSON.parse(packed.stdout)[0].filename);
    out.install = installSize(tgz, tmp, false);
    out.installWithoutOptional = installSize(tgz, tmp, true);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}

const kb = (n) => (Number.isFinite(n) ? `${(n / 1024).toFixed(1)} kB` : "?");
const mb = (n) => (Number.isFinite(n) ? `${(n / 1024 / 1024).toFixed(1)} MB` : "?");

function print(m) {
  const c = m.code;
  console.log(`src/: ${c.sourceFiles} files, ${c.sourceLines} lines`);
  console.log(`longest function: ${c.longestFunction.name} (${c.longestFunction.file}:${c.longestFunction.line}) ${c.longestFunction.lines} lines`);
  console.log(`functions over ${FUNCTION_LIMIT} lines: ${c.functionsOver80.length} (over 60: ${c.functionsOver60})`);
  for (const f of c.functionsOver80) console.log(`  ${String(f.lines).padStart(4)}  ${f.name}  ${f.file}:${f.line}`);
  console.log(`files over ${FILE_LIMIT} lines: ${c.filesOver300.length}`);
  for (const f of c.filesOver300) console.log(`  ${String(f.lines).padStart(4)}  ${f.file}`);
  console.log(`import cycles (static imports, type-only included): ${c.cycles.length}; at load time (type-only left out): ${c.valueCycles.length}`);
  for (const cy of c.cycles) console.log(`  ${cy.modules} modules: ${cy.path.join(" -> ")}`);
  console.log(`layer violations: ${c.layerViolations.length}`);
  for (const v of c.layerViolations) console.log(`  ${v.file}:${v.line} imports ${v.imports}${v.typeOnly ? " (type)" : ""}: ${v.rule}`);
  console.log(`version-string comparisons outside src/engines: ${c.versionComparisons.length}`);
  for (const v of c.versionComparisons) console.log(`  ${v.file}:${v.line}  ${v.text}`);
  console.log(`engine === "..." branches outside src/engines: ${c.engineBranches.length}`);
  const perFile = new Map();
  for (const b of c.engineBranches) perFile.set(b.file, (perFile.get(b.file) ?? 0) + 1);
  for (const [file, n] of [...perFile].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(3)}  ${file}`);
  const p = m.package;
  if (!p) return;
  if (p.error && p.packed === undefined) return console.log(`package: ${p.error}`);
  console.log(`npm pack: ${kb(p.packed)} packed, ${kb(p.unpacked)} unpacked, ${p.entries} files`);
  for (const [label, i] of [["install of the tarball", p.install], ["install without optional deps", p.installWithoutOptional]]) {
    if (!i) continue;
    console.log(i.error ? `${label}: failed (${i.error})` : `${label}: ${mb(i.bytes)} in node_modules, ${i.packages} packages besides migration-wizard (${i.how})`);
  }
}

const metrics = { code: codeMetrics(), package: args.has("--no-package") ? undefined : packageMetrics() };
if (args.has("--json")) console.log(JSON.stringify(metrics, null, 2));
else print(metrics);
