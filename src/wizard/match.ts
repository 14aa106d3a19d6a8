/**
 * From free text (a pasted error message) to answers: finds the tree choices whose `match` patterns
 * hit the text and returns the answers that lead the wizard from a start node straight to that
 * choice's branch, so the questions it answers are skipped. Named groups in a pattern capture names
 * from the text (`(?<table>...)`, `(?<index_name>...)`), stored at the answer paths in CAPTURE_PATHS.
 *
 * Pure and tree-driven: the machine uses it for an input node with `route_by_match`, and
 * src/troubleshoot/match.ts wraps it for `troubleshoot --error TEXT`.
 */
import { setPath } from "../answers/path.js";
import type { ChoiceNode, TreeNode, TreeSet } from "../trees/model.js";

export interface TextMatch {
  answers: Record<string, unknown>;
  /** Every hit as `node=value /pattern/`, the one used first. */
  matched: string[];
}

/** Where each named group of a pattern is stored in the answers. */
export const CAPTURE_PATHS: Record<string, string> = {
  table: "table",
  column: "columns.0.name",
  index_name: "details.index_name",
  constraint_name: "details.constraint_name",
  ref_table: "details.ref_table",
  failed_version: "failed_version",
};

interface Hit {
  node: ChoiceNode;
  choiceIndex: number;
  pattern: string;
}

function compile(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern, "i");
  } catch {
    return null; // the loader reports invalid patterns; a team's broken one must not crash a run
  }
}

/** Nodes reachable from `from`, in the order the trees list them. */
function reachable(trees: TreeSet, from: string): TreeNode[] {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id) || !trees.nodes[id]) continue;
    seen.add(id);
    const node = trees.nodes[id];
    if (node.type === "end") continue;
    if (node.next) stack.push(node.next);
    if (node.type === "choice") for (const c of node.choices) if (c.next) stack.push(c.next);
  }
  return Object.values(trees.nodes).filter((n) => seen.has(n.id));
}

/**
 * The answers that route from `from` to `target`: only choices that branch (a choice `next`) are
 * recorded; passing a node through its own `next` needs no answer. Fewest recorded answers wins.
 */
function routeTo(trees: TreeSet, from: string, target: string): Record<string, unknown> | null {
  type Item = { id: string; answers: Record<string, unknown>; cost: number };
  const best = new Map<string, number>();
  const frontier: Item[] = [{ id: from, answers: {}, cost: 0 }];
  while (frontier.length) {
    frontier.sort((a, b) => a.cost - b.cost);
    const item = frontier.shift()!;
    if (item.id === target) return item.answers;
    if ((best.get(item.id) ?? Infinity) <= item.cost) continue;
    best.set(item.id, item.cost);
    const node = trees.nodes[item.id];
    if (!node || node.type === "end") continue;
    if (node.next) frontier.push({ id: node.next, answers: item.answers, cost: item.cost });
    if (node.type === "choice") {
      for (const c of node.choices) {
        if (!c.next || c.next === node.next) continue;
        let answers = setPath(item.answers, node.answer, c.value);
        for (const [path, v] of Object.entries(c.set ?? {})) answers = setPath(answers, path, v);
        frontier.push({ id: c.next, answers, cost: item.cost + 1 });
      }
    }
  }
  return null;
}

/** The answers one hit gives: its choice's value and `set`, and the names its patterns capture. */
function hitAnswers(hits: Hit[], win: Hit, text: string, base: Record<string, unknown>): Record<string, unknown> {
  const choice = win.node.choices[win.choiceIndex];
  let answers: Record<string, unknown> = setPath(base, win.node.answer, choice.value);
  for (const [path, v] of Object.entries(choice.set ?? {})) answers = setPath(answers, path, v);
  // Names from every pattern of the winning choice that hit (a message and its DETAIL line).
  for (const h of hits.filter((h) => h.node === win.node && h.choiceIndex === win.choiceIndex)) {
    const groups = compile(h.pattern)?.exec(text)?.groups ?? {};
    for (const [name, value] of Object.entries(groups)) {
      if (value === undefined) continue;
      // PostgreSQL's DETAIL line lists the key columns: "Key (a, b)=(...)".
      if (name === "key_columns") answers = { ...answers, columns: value.split(",").map((c) => ({ name: c.trim() })) };
      if (!CAPTURE_PATHS[name]) continue;
      answers = setPath(answers, CAPTURE_PATHS[name], value);
    }
  }
  return answers;
}

/**
 * Matches `text` against the choices reachable from node `from`. The deepest hit decides where the
 * wizard goes: a hit on a node that leads on to another hit's node (the engine, asked before the
 * failure) is a fact on the way, applied too, not the destination. Among the rest, the first node (in
 * file order) wins, and in it the first choice. Null when nothing matches or no route leads there.
 */
export function matchText(trees: TreeSet, from: string, text: string): TextMatch | null {
  if (!trees.nodes[from] || !text.trim()) return null;
  const hits: Hit[] = [];
  for (const node of reachable(trees, from)) {
    if (node.type !== "choice") continue;
    node.choices.forEach((choice, choiceIndex) => {
      for (const pattern of choice.match ?? []) {
        if (compile(pattern)?.test(text)) hits.push({ node, choiceIndex, pattern });
      }
    });
  }
  if (!hits.length) return null;
  const after = (h: Hit) => {
    const target = h.node.choices[h.choiceIndex].next ?? h.node.next;
    return new Set(target ? reachable(trees, target).map((n) => n.id) : []);
  };
  const leadsOn = (h: Hit) => hits.some((o) => o.node !== h.node && after(h).has(o.node.id));
  const win = hits.find((h) => !leadsOn(h)) ?? hits[0];
  const route = routeTo(trees, from, win.node.id);
  if (!route) return null;
  let answers = hitAnswers(hits, win, text, route);
  // Facts on the way (the first hit in each earlier node that still leads to the winner).
  const facts = new Map<string, Hit>();
  for (const h of hits) if (h.node !== win.node && !facts.has(h.node.id) && after(h).has(win.node.id)) facts.set(h.node.id, h);
  for (const fact of facts.values()) answers = { ...hitAnswers(hits, fact, text, {}), ...answers, ...mergeDetails(answers, hitAnswers(hits, fact, text, {})) };
  // The winner's hits first: the one used first is listed first.
  const ordered = [...hits.filter((h) => h.node === win.node), ...hits.filter((h) => h.node !== win.node)];
  const matched = ordered.map((h) => `${h.node.id}=${String(h.node.choices[h.choiceIndex].value)} /${h.pattern}/`);
  return { answers, matched };
}

/** The winner's answers keep their names; a fact's details fill only what they lack. */
function mergeDetails(answers: Record<string, unknown>, fact: Record<string, unknown>): Record<string, unknown> {
  return isPlainObject(fact.details) ? { details: { ...fact.details, ...(isPlainObject(answers.details) ? answers.details : {}) } } : {};
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The part of `extra` that `base` does not hold yet (objects compared key by key; a held list or value wins whole). */
export function missingPart(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(extra)) {
    const have = base[key];
    if (have === undefined) out[key] = value;
    else if (isPlainObject(have) && isPlainObject(value)) {
      const inner = missingPart(have, value);
      if (Object.keys(inner).length) out[key] = inner;
    }
  }
  return out;
}

/** `extra` merged into `base` where `base` holds nothing yet: matched answers never overwrite given ones. */
export function fillMissing<T extends Record<string, unknown>>(base: T, extra: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(missingPart(base, extra))) {
    out[key] = isPlainObject(out[key]) && isPlainObject(value) ? fillMissing(out[key] as Record<string, unknown>, value) : value;
  }
  return out as T;
}
