/**
 * Loads decision trees from folders of YAML files and checks them: syntax, shape (src/trees/schema.ts),
 * then the graph (duplicate ids, missing targets, cycles, unreachable nodes, dead ends, entries).
 * Every error carries the file, line and column of the key or value at fault, and all errors are
 * reported at once so a team fixes a tree in one pass.
 *
 * Later folders override earlier ones by file name: `--trees DIR` with `operation.yaml` replaces the
 * shipped operation tree; a new file name adds a tree. Node ids are global across files.
 */
import { readdirSync } from "node:fs";
import { basename, extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { SourcePos, TreeError, TreeFile, TreeNode, TreeSet } from "./model.js";
import { treeFileSchema, type TreeFileInput } from "./schema.js";
import { checkCycles, checkEntries, checkMatchPatterns, checkReachable, checkReferences, checkWayForward } from "./graph-checks.js";
import { locate, parseFile, positionOf, type FileRecord, type NodeRecord } from "./yaml-file.js";

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

/** Every node that has an id, valid or not: duplicates are found among all of them. */
interface IdSite {
  id: string;
  rec?: FileRecord;
  index: number;
  pos: SourcePos;
  valid?: NodeRecord;
}


export function loadTrees(dirs: string[], opts: LoadOptions = {}): LoadResult {
  const errors: TreeError[] = [];
  const display = (abs: string) => displayPath(abs, opts.relativeTo);
  const records = [...treeFilesIn(dirs, display, errors)].map(([name, path]) => parseFile(name, path, display(resolve(path)), errors));

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
  const { nodes, unique } = uniqueNodes(sites, errors);

  const { entry, roots, missing } = checkEntries(records, baseFiles, opts, errors);
  if (!unparsed) checkReferences(unique, nodes, brokenIds, errors);
  checkWayForward(unique, errors);
  checkMatchPatterns(unique, errors);
  checkCycles(unique, nodes, entry, errors);
  if (!incomplete && !missing) checkReachable(unique, nodes, roots, errors);

  if (errors.length) return { errors: inFileOrder(errors, [...baseFiles.map((f) => f.path), ...records.map((r) => r.file)]) };
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

/** The YAML files of the folders by tree name; a later folder's file replaces an earlier one of the same name. */
function treeFilesIn(dirs: string[], display: (abs: string) => string, errors: TreeError[]): Map<string, string> {
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
  return byName;
}

/** Duplicates are checked over every node with an id, valid or not, in file order; the first of each id is kept. */
function uniqueNodes(sites: IdSite[], errors: TreeError[]): { nodes: Record<string, TreeNode>; unique: NodeRecord[] } {
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
  return { nodes, unique };
}

/** Errors sorted by file (in load order), line and column. */
function inFileOrder(errors: TreeError[], fileOrder: string[]): TreeError[] {
  const order = new Map<string, number>();
  fileOrder.forEach((f, i) => order.set(f, i));
  return errors.sort((a, b) => (order.get(a.file) ?? -1) - (order.get(b.file) ?? -1) || a.line - b.line || a.col - b.col);
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
