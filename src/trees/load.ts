/**
 * Loads decision trees from folders of YAML files and checks them: syntax, shape (src/trees/schema.ts),
 * then the graph (duplicate ids, missing targets, cycles, unreachable nodes, dead ends, entries).
 * Every error carries the file, line and column of the key or value at fault, and all errors are
 * reported at once so a team fixes a tree in one pass.
 *
 * Later folders override earlier ones by file name: `--trees DIR` with `operation.yaml` replaces the
 * shipped operation tree; a new file name adds a tree. Node ids are global across files.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from "yaml";
import type { z } from "zod";
import type { ChoiceNode, SourcePos, TreeError, TreeFile, TreeNode, TreeSet } from "./model.js";
import { TREE_MODES, treeFileSchema, type TreeFileInput } from "./schema.js";

export interface LoadOptions {
  /** Show file paths relative to this folder (when they lie inside it). */
  relativeTo?: string;
  /** Already-checked trees the folders are merged over (the shipped set when a team passes `--trees DIR`). */
  base?: TreeSet;
  /** Modes that must have an entry. Default: `plan`. */
  requiredModes?: string[];
}

export interface LoadResult {
  trees?: TreeSet;
  errors: TreeError[];
}

type PathSeg = string | number;

/** One parsed file, kept with its YAML document so later checks can point at any key. */
interface FileRecord {
  name: string;
  file: string;
  doc?: Document.Parsed;
  lc?: LineCounter;
  /** The document as plain data, before validation. */
  raw?: unknown;
  data?: TreeFileInput;
  entry?: string;
}

/** A node with where it came from; `index` is its place in the file's `nodes` list. */
interface NodeRecord {
  node: TreeNode;
  rec?: FileRecord;
  index: number;
}

/** Every node that has an id, valid or not: duplicates are found among all of them. */
interface IdSite {
  id: string;
  rec?: FileRecord;
  index: number;
  pos: SourcePos;
  valid?: NodeRecord;
}

const KNOWN_KEYS = [
  "title", "description", "entry", "nodes", "id", "type", "when", "prompt", "help", "answer", "next",
  "choices", "input", "placeholder", "optional", "route_by_match", "outcome", "value", "label", "hint", "set", "match",
  "all", "any", "not", "in", "not_in", "exists", "lt", "gte", "version_lt", "version_gte",
];

export function loadTrees(dirs: string[], opts: LoadOptions = {}): LoadResult {
  const errors: TreeError[] = [];
  const display = (abs: string) => displayPath(abs, opts.relativeTo);

  // Later folders replace earlier files of the same name.
  const byName = new Map<string, string>();
  for (const dir of dirs) {
    let entries: string[];
    try {
      entries = readdirSync(dir).filter((f) => /\.ya?ml$/i.test(f)).sort();
    } catch (err) {
      errors.push({ file: display(resolve(dir)), line: 1, col: 1, message: `cannot read the trees folder: ${(err as Error).message}` });
      continue;
    }
    for (const f of entries) {
      const name = basename(f, extname(f));
      byName.delete(name); // keep the overriding file at its own folder's position in the order
      byName.set(name, join(dir, f));
    }
  }

  const records: FileRecord[] = [];
  for (const [name, path] of byName) {
    const rec = parseFile(name, path, display(resolve(path)), errors);
    records.push(rec);
  }

  // Nodes of base files that no folder replaced come first, in the base's order.
  const loadedNames = new Set(records.map((r) => r.name));
  const baseFiles = (opts.base?.files ?? []).filter((f) => !loadedNames.has(f.name));
  const sites: IdSite[] = [];
  const brokenIds = new Set<string>();
  for (const node of Object.values(opts.base?.nodes ?? {})) {
    if (!loadedNames.has(node.tree)) sites.push({ id: node.id, index: -1, pos: node.pos, valid: { node, index: -1 } });
  }
  let skippedNodes = 0;
  for (const rec of records) skippedNodes += collectNodes(rec, sites, brokenIds);
  // Nodes we could not read make the graph partial: references into a file with a syntax error
  // cannot be resolved, and reachability would blame nodes behind a broken one.
  const unparsed = records.some((r) => !r.doc);
  const incomplete = unparsed || skippedNodes > 0;

  // Duplicates are checked over every node with an id, valid or not, in file order.
  const nodes: Record<string, TreeNode> = {};
  const firstSeen = new Map<string, SourcePos>();
  const unique: NodeRecord[] = [];
  for (const site of sites) {
    const prev = firstSeen.get(site.id);
    if (prev) {
      const msg = `duplicate node id "${site.id}" (first defined at ${prev.file}:${prev.line}:${prev.col})`;
      errors.push(site.rec ? locate(site.rec, ["nodes", site.index, "id"], "value", msg) : { ...site.pos, message: msg });
      continue;
    }
    firstSeen.set(site.id, site.pos);
    if (site.valid) {
      nodes[site.id] = site.valid.node;
      unique.push(site.valid);
    }
  }

  const { entry, roots, missing } = checkEntries(records, baseFiles, opts, errors);
  if (!unparsed) checkReferences(unique, nodes, brokenIds, errors);
  checkWayForward(unique, errors);
  checkMatchPatterns(unique, errors);
  checkCycles(unique, nodes, entry, errors);
  if (!incomplete && !missing) checkReachable(unique, nodes, roots, errors);

  const order = new Map<string, number>();
  [...baseFiles.map((f) => f.path), ...records.map((r) => r.file)].forEach((f, i) => order.set(f, i));
  errors.sort((a, b) => (order.get(a.file) ?? -1) - (order.get(b.file) ?? -1) || a.line - b.line || a.col - b.col);
  if (errors.length) return { errors };

  const files: TreeFile[] = [
    ...baseFiles,
    ...records.map((r) => ({
      name: r.name,
      path: r.file,
      title: r.data!.title,
      ...(r.data!.description !== undefined ? { description: r.data!.description } : {}),
    })),
  ];
  return { trees: { files, nodes, entry }, errors };
}

/** `trees/operation.yaml:12:5: message`, one line each. */
export function formatTreeErrors(errors: TreeError[]): string {
  return errors.map((e) => `${e.file}:${e.line}:${e.col}: ${e.message}`).join("\n");
}

function displayPath(abs: string, relativeTo?: string): string {
  if (!relativeTo) return abs;
  const rel = relative(relativeTo, abs);
  if (!rel || rel.startsWith("..") || isAbsolute(rel)) return abs;
  return rel.split(sep).join("/");
}

// ---------------------------------------------------------------- parsing and shape

function parseFile(name: string, path: string, file: string, errors: TreeError[]): FileRecord {
  const rec: FileRecord = { name, file };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    errors.push({ file, line: 1, col: 1, message: `cannot read: ${(err as Error).message}` });
    return rec;
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    for (const e of doc.errors) errors.push({ file, ...lc.linePos(clampToContent(text, e.pos[0])), message: `YAML: ${e.message}` });
    return rec;
  }
  rec.doc = doc;
  rec.lc = lc;
  const raw = doc.toJS();
  rec.raw = raw;
  const parsed = treeFileSchema.safeParse(raw);
  if (parsed.success) {
    rec.data = parsed.data;
    rec.entry = parsed.data.entry;
  } else {
    for (const issue of parsed.error.issues) reportIssue(rec, raw, [], issue, errors);
  }
  return rec;
}

/**
 * An unclosed bracket is reported at the end of the file, after the last line; point at the start
 * of the last line with content instead, which is where such a line usually is.
 */
function clampToContent(text: string, offset: number): number {
  const end = text.trimEnd().length;
  if (offset < end) return offset;
  const lineStart = text.lastIndexOf("\n", end - 1) + 1;
  return lineStart + (text.slice(lineStart).length - text.slice(lineStart).trimStart().length);
}

/** Turns one zod issue into errors at the YAML positions it names; unions report their closest branch. */
function reportIssue(rec: FileRecord, raw: unknown, prefix: PathSeg[], issue: z.core.$ZodIssue, errors: TreeError[]): void {
  const path = [...prefix, ...(issue.path as PathSeg[])];
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    let branch = closestBranch(issue.errors);
    // An unknown key in a union member is the real mistake (a typo for an operator); the keys
    // that member then misses are only its consequence.
    if (branch.some((i) => i.code === "unrecognized_keys" && i.path.length === 0)) {
      branch = branch.filter((i) => !(i.code === "invalid_type" && i.path.length === 1 && valueAt(raw, [...path, ...(i.path as PathSeg[])]) === undefined));
    }
    for (const sub of branch) reportIssue(rec, raw, path, sub, errors);
    return;
  }
  if (issue.code === "unrecognized_keys") {
    const flow = inFlowMap(rec, path);
    for (const key of issue.keys) {
      const hint = suggest(key);
      const why = hint ? ` (did you mean "${hint}"?)` : flow && valueAt(raw, [...path, key]) === null ? " (a comma inside { } starts a new key: quote text that contains commas)" : "";
      errors.push(locate(rec, [...path, key], "key", `unknown key "${key}"${why}`));
    }
    return;
  }
  const label = pathLabel(path);
  const value = valueAt(raw, path);
  let message: string;
  if (path.length === 0 && issue.code === "invalid_type") {
    message = `a tree file must be a mapping with title and nodes, not ${kindOf(value)}`;
  } else if (value === undefined && (issue.code === "invalid_type" || issue.code === "invalid_union")) {
    const options = issue.code === "invalid_union" && "options" in issue ? ` (one of ${(issue.options as unknown[]).join(", ")})` : "";
    message = `missing required key "${label}"${options}`;
  } else if (issue.code === "invalid_union" && "options" in issue) {
    message = `"${label}" must be one of ${(issue.options as unknown[]).join(", ")}, not ${JSON.stringify(value)}`;
  } else if (issue.code === "invalid_type") {
    message = `"${label}" must be ${article(issue.expected)}, not ${kindOf(value)}`;
  } else if (issue.code === "invalid_value") {
    message = `"${label}" must be one of ${issue.values.map(String).join(", ")}, not ${JSON.stringify(value)}`;
  } else if (issue.code === "too_small") {
    message = issue.origin === "array" ? `"${label}" needs at least ${issue.minimum} item(s)` : `"${label}" must not be empty`;
  } else {
    message = `"${label}": ${issue.message}`;
  }
  errors.push(locate(rec, path, "value", message));
}

/**
 * Of a union's failed branches, the one that got furthest: a branch whose very type did not match
 * comes last; then fewest issues, then the deepest path.
 */
function closestBranch(branches: z.core.$ZodIssue[][]): z.core.$ZodIssue[] {
  const depth = (issues: z.core.$ZodIssue[]) => Math.max(...issues.map((i) => i.path.length));
  const typeMiss = (issues: z.core.$ZodIssue[]) => (issues.some((i) => i.code === "invalid_type" && i.path.length === 0) ? 1 : 0);
  const rank = (b: z.core.$ZodIssue[]) => [typeMiss(b), b.length, -depth(b)];
  let best = branches[0];
  for (const b of branches.slice(1)) {
    const [x, y] = [rank(b), rank(best)];
    const i = x.findIndex((v, k) => v !== y[k]);
    if (i >= 0 && x[i] < y[i]) best = b;
  }
  return best;
}

function inFlowMap(rec: FileRecord, path: PathSeg[]): boolean {
  const node = rec.doc?.getIn(path, true);
  return isMap(node) && node.flow === true;
}

function pathLabel(path: PathSeg[]): string {
  const last = path[path.length - 1];
  if (typeof last === "number") return `${pathLabel(path.slice(0, -1))}[${last}]`;
  return last === undefined ? "(file)" : last;
}

function valueAt(raw: unknown, path: PathSeg[]): unknown {
  let cur = raw;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PathSeg, unknown>)[seg];
  }
  return cur;
}

function kindOf(v: unknown): string {
  if (v === null) return "empty (null)";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${JSON.stringify(v)}`;
}

function article(expected: string): string {
  const names: Record<string, string> = { object: "a mapping", array: "a list", string: "a string", number: "a number", boolean: "true or false" };
  return names[expected] ?? expected;
}

function suggest(key: string): string | undefined {
  let best: string | undefined;
  let bestDist = 3;
  for (const k of KNOWN_KEYS) {
    const d = editDistance(key.toLowerCase(), k);
    if (d < bestDist) [best, bestDist] = [k, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}

// ---------------------------------------------------------------- positions

/**
 * The position of the key or value at `path` in the file. When the path does not exist (a missing
 * key) it falls back to the closest existing ancestor, so the error still points into the right map.
 */
function positionOf(rec: FileRecord, path: PathSeg[], want: "key" | "value"): { line: number; col: number } {
  const { doc, lc } = rec;
  if (!doc || !lc) return { line: 1, col: 1 };
  let node: unknown = doc.contents;
  let found: unknown = node;
  for (const seg of path) {
    let keyNode: unknown;
    let valueNode: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
      if (!pair) break;
      [keyNode, valueNode] = [pair.key, pair.value];
    } else if (isSeq(node) && typeof seg === "number" && node.items[seg] !== undefined) {
      valueNode = node.items[seg];
    } else break;
    node = valueNode;
    // A key with no value (`help:`) has nothing to point at but the key itself.
    const hasValue = valueNode !== null && valueNode !== undefined && !isEmptyScalar(valueNode);
    found = (want === "key" && keyNode) || !hasValue ? (keyNode ?? valueNode) : valueNode;
  }
  const range = (found as YamlNode | undefined)?.range;
  return range ? lc.linePos(range[0]) : { line: 1, col: 1 };
}

function isEmptyScalar(n: unknown): boolean {
  return isScalar(n) && n.value === null && (n.range?.[0] ?? 0) === (n.range?.[1] ?? 0);
}

function locate(rec: FileRecord, path: PathSeg[], want: "key" | "value", message: string): TreeError {
  return { file: rec.file, ...positionOf(rec, path, want), message };
}

/** An error about a node: at the given key inside it, or at the node itself for base nodes with no YAML at hand. */
function at(nr: NodeRecord, sub: PathSeg[], message: string, want: "key" | "value" = "value"): TreeError {
  if (!nr.rec) return { ...nr.node.pos, message };
  return locate(nr.rec, ["nodes", nr.index, ...sub], want, message);
}

// ---------------------------------------------------------------- nodes

/** Adds the file's nodes to `sites`; returns how many were left out of the graph as invalid. */
function collectNodes(rec: FileRecord, sites: IdSite[], brokenIds: Set<string>): number {
  if (!rec.doc) return 0;
  let skipped = 0;
  const raw = rec.raw as { nodes?: unknown } | null;
  const rawNodes = Array.isArray(raw?.nodes) ? raw.nodes : [];
  const valid = rec.data?.nodes;
  rawNodes.forEach((rawNode: unknown, index: number) => {
    // When the file failed validation, re-check each node alone so the good ones still take part.
    const data = valid ? valid[index] : nodeIfValid(rawNode);
    const pos: SourcePos = { file: rec.file, ...positionOf(rec, ["nodes", index], "value") };
    const id = data?.id ?? (rawNode as { id?: unknown } | null)?.id;
    if (!data) {
      skipped++;
      if (typeof id === "string") brokenIds.add(id);
    }
    if (typeof id !== "string") return;
    const node = data ? ({ ...data, pos, tree: rec.name } as TreeNode) : undefined;
    sites.push({ id, rec, index, pos, valid: node ? { node, rec, index } : undefined });
  });
  return skipped;
}

function nodeIfValid(rawNode: unknown): TreeFileInput["nodes"][number] | undefined {
  const r = treeFileSchema.shape.nodes.element.safeParse(rawNode);
  return r.success ? r.data : undefined;
}

// ---------------------------------------------------------------- graph checks

/**
 * The entry node per mode. `roots` also holds entries rejected as a second one for their mode, so
 * their trees are not reported as unreachable on top of the entry error; `missing` is set when a
 * required mode has no entry (then reachability is not checked: nothing could reach anything).
 */
function checkEntries(
  records: FileRecord[],
  baseFiles: TreeFile[],
  opts: LoadOptions,
  errors: TreeError[],
): { entry: Record<string, string>; roots: string[]; missing: boolean } {
  const entry: Record<string, string> = {};
  const roots: string[] = [];
  let missing = false;
  const where: Record<string, string> = {};
  const keptBase = new Set(baseFiles.map((f) => f.name));
  for (const [mode, id] of Object.entries(opts.base?.entry ?? {})) {
    const node = opts.base!.nodes[id];
    if (node && keptBase.has(node.tree)) {
      entry[mode] = id;
      roots.push(id);
      where[mode] = node.pos.file;
    }
  }
  for (const rec of records) {
    const first = rec.data?.nodes[0];
    if (!rec.entry || !first) continue;
    roots.push(first.id);
    if (entry[rec.entry]) {
      errors.push(locate(rec, ["entry"], "value", `a second entry for mode "${rec.entry}" (the first is in ${where[rec.entry]}); exactly one tree may start a mode`));
      continue;
    }
    entry[rec.entry] = first.id;
    where[rec.entry] = rec.file;
  }
  const anyBroken = records.some((r) => !r.data);
  for (const mode of opts.requiredModes ?? ["plan"]) {
    if (entry[mode]) continue;
    missing = true;
    if (anyBroken) continue;
    const first = records[0];
    errors.push({
      file: first?.file ?? baseFiles[0]?.path ?? "trees",
      line: 1,
      col: 1,
      message: `no tree starts mode "${mode}": add "entry: ${mode}" to the file whose first node asks the first question (modes: ${TREE_MODES.join(", ")})`,
    });
  }
  return { entry, roots, missing };
}

/** The edges out of a node, each with the YAML path of the `next` that makes it. */
function edges(node: TreeNode): { to: string; path: PathSeg[] }[] {
  if (node.type === "end") return [];
  const out: { to: string; path: PathSeg[] }[] = [];
  if (node.type === "choice") {
    node.choices.forEach((c, i) => {
      if (c.next) out.push({ to: c.next, path: ["choices", i, "next"] });
    });
  }
  if (node.next) out.push({ to: node.next, path: ["next"] });
  return out;
}

function checkReferences(list: NodeRecord[], nodes: Record<string, TreeNode>, brokenIds: Set<string>, errors: TreeError[]): void {
  for (const nr of list) {
    for (const e of edges(nr.node)) {
      if (!nodes[e.to] && !brokenIds.has(e.to)) errors.push(at(nr, e.path, `"${e.to}" is not a node in any tree`));
    }
  }
}

function checkWayForward(list: NodeRecord[], errors: TreeError[]): void {
  for (const nr of list) {
    const node = nr.node;
    if (node.type === "end" || node.next) continue;
    if (node.when) {
      errors.push(at(nr, ["when"], `node "${node.id}" has a "when" but no "next" to go to when it is skipped`, "key"));
    }
    if (node.type === "input") {
      errors.push(at(nr, ["id"], `input node "${node.id}" has no way forward: add "next"`));
    } else {
      (node as ChoiceNode).choices.forEach((c, i) => {
        if (!c.next) errors.push(at(nr, ["choices", i], `choice ${JSON.stringify(c.value)} of "${node.id}" has no way forward: give it "next" or give the node one`));
      });
    }
  }
}

function checkMatchPatterns(list: NodeRecord[], errors: TreeError[]): void {
  for (const nr of list) {
    if (nr.node.type !== "choice") continue;
    nr.node.choices.forEach((c, i) => {
      (c.match ?? []).forEach((pattern, j) => {
        try {
          new RegExp(pattern, "i");
        } catch (err) {
          errors.push(at(nr, ["choices", i, "match", j], `invalid regular expression: ${(err as Error).message}`));
        }
      });
    });
  }
}

/** Depth-first from every entry, then from every node; an edge back onto the current path closes a cycle. */
function checkCycles(list: NodeRecord[], nodes: Record<string, TreeNode>, entry: Record<string, string>, errors: TreeError[]): void {
  const byId = new Map(list.map((nr) => [nr.node.id, nr]));
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (id: string) => {
    state.set(id, "open");
    stack.push(id);
    const nr = byId.get(id)!;
    for (const e of edges(nr.node)) {
      if (!nodes[e.to]) continue;
      const s = state.get(e.to);
      if (s === "open") {
        const loop = [...stack.slice(stack.indexOf(e.to)), e.to].join(" -> ");
        errors.push(at(nr, e.path, `"next: ${e.to}" closes a cycle: ${loop}`));
      } else if (!s) visit(e.to);
    }
    stack.pop();
    state.set(id, "done");
  };
  for (const id of [...Object.values(entry), ...byId.keys()]) if (byId.has(id) && !state.has(id)) visit(id);
}

function checkReachable(list: NodeRecord[], nodes: Record<string, TreeNode>, roots: string[], errors: TreeError[]): void {
  const seen = new Set<string>();
  const queue = roots.filter((id) => nodes[id]);
  for (const id of queue) seen.add(id);
  while (queue.length) {
    const id = queue.shift()!;
    for (const e of edges(nodes[id])) {
      if (nodes[e.to] && !seen.has(e.to)) {
        seen.add(e.to);
        queue.push(e.to);
      }
    }
  }
  for (const nr of list) {
    if (!seen.has(nr.node.id)) errors.push(at(nr, ["id"], `node "${nr.node.id}" is unreachable: no entry leads to it`));
  }
}
