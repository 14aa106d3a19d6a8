/**
 * One tree file as read: its YAML document kept beside the data, so every check can point at the key
 * or value at fault (file, line, column), and the shape errors (src/trees/schema.ts) worded for a reader.
 */
import { readFileSync } from "node:fs";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from "yaml";
import type { z } from "zod";
import { editDistance } from "../answers/edit-distance.js";
import type { TreeError, TreeNode } from "./model.js";
import { treeFileSchema, type TreeFileInput } from "./schema.js";

export type PathSeg = string | number;

/** One parsed file, kept with its YAML document so later checks can point at any key. */
export interface FileRecord {
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
export interface NodeRecord {
  node: TreeNode;
  rec?: FileRecord;
  index: number;
}

const KNOWN_KEYS = [
  "title", "description", "entry", "nodes", "id", "type", "when", "prompt", "help", "answer", "next",
  "choices", "input", "placeholder", "optional", "route_by_match", "outcome", "value", "label", "hint", "set", "match",
  "all", "any", "not", "in", "not_in", "exists", "lt", "gte", "version_lt", "version_gte",
];

// ---------------------------------------------------------------- parsing and shape

export function parseFile(name: string, path: string, file: string, errors: TreeError[]): FileRecord {
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

// ---------------------------------------------------------------- positions

/**
 * The position of the key or value at `path` in the file. When the path does not exist (a missing
 * key) it falls back to the closest existing ancestor, so the error still points into the right map.
 */
export function positionOf(rec: FileRecord, path: PathSeg[], want: "key" | "value"): { line: number; col: number } {
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

export function locate(rec: FileRecord, path: PathSeg[], want: "key" | "value", message: string): TreeError {
  return { file: rec.file, ...positionOf(rec, path, want), message };
}

/** An error about a node: at the given key inside it, or at the node itself for base nodes with no YAML at hand. */
export function at(nr: NodeRecord, sub: PathSeg[], message: string, want: "key" | "value" = "value"): TreeError {
  if (!nr.rec) return { ...nr.node.pos, message };
  return locate(nr.rec, ["nodes", nr.index, ...sub], want, message);
}
