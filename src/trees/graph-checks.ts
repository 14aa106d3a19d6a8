/** The checks over the tree graph: entries per mode, missing targets, dead ends, match patterns, cycles, reachability. */
import type { ChoiceNode, TreeError, TreeFile, TreeNode, TreeSet } from "./model.js";
import { TREE_MODES } from "./schema.js";
import { at, locate, type FileRecord, type NodeRecord, type PathSeg } from "./yaml-file.js";

/**
 * The entry node per mode. `roots` also holds entries rejected as a second one for their mode, so
 * their trees are not reported as unreachable on top of the entry error; `missing` is set when a
 * required mode has no entry (then reachability is not checked: nothing could reach anything).
 */
export function checkEntries(
  records: FileRecord[],
  baseFiles: TreeFile[],
  opts: { base?: TreeSet; requiredModes?: string[] },
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

export function checkReferences(list: NodeRecord[], nodes: Record<string, TreeNode>, brokenIds: Set<string>, errors: TreeError[]): void {
  for (const nr of list) {
    for (const e of edges(nr.node)) {
      if (!nodes[e.to] && !brokenIds.has(e.to)) errors.push(at(nr, e.path, `"${e.to}" is not a node in any tree`));
    }
  }
}

export function checkWayForward(list: NodeRecord[], errors: TreeError[]): void {
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

export function checkMatchPatterns(list: NodeRecord[], errors: TreeError[]): void {
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
export function checkCycles(list: NodeRecord[], nodes: Record<string, TreeNode>, entry: Record<string, string>, errors: TreeError[]): void {
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

export function checkReachable(list: NodeRecord[], nodes: Record<string, TreeNode>, roots: string[], errors: TreeError[]): void {
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
