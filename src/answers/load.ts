/**
 * Reading an answers file: YAML parse errors with file:line:col, contract errors with the field path
 * (and the line:col of the offending value where the file has it).
 */
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { InputError, LIMITS, nearest, readBoundedText } from "./read.js";
import { answersSchema, type Answers, type PlanAnswers } from "./schema.js";
import { engineVersionProblem } from "./versions.js";

/** The top-level keys of the answers contract. */
export const ANSWER_KEYS: readonly string[] = Object.keys((answersSchema as unknown as { _zod: { def: { shape: object } } })._zod.def.shape);

export interface ParseOptions {
  /** Further top-level keys allowed: the answers of a team's own trees (--trees). */
  extraKeys?: ReadonlySet<string>;
  /** Values for keys the file leaves out (what a schema snapshot read). */
  defaults?: Partial<Answers>;
  /** Receives the keys that `defaults` filled. */
  defaulted?: string[];
}

export class AnswersError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
  }
}

const PLAN_REQUIRED = ["engine", "engine_version", "operation", "table", "approx_rows", "downtime_tolerance", "rollback_need", "tool"] as const;

function position(doc: Document, lc: LineCounter, path: (string | number)[]): string {
  // Walk up until a node with a range exists (a missing key points at its parent).
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) {
      const { line, col } = lc.linePos(node.range[0]);
      return `${line}:${col}`;
    }
  }
  return "1:1";
}

export function formatZodIssues(issues: z.core.$ZodIssue[], where?: (path: (string | number)[]) => string): string[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join(".") || "(top level)";
    const at = where ? `${where(issue.path as (string | number)[])}: ` : "";
    return `${at}${path}: ${issue.message}`;
  });
}

/**
 * Duplicate keys (linear: one Set per mapping; yaml's own check is quadratic) and nesting depth,
 * walked without recursion.
 */
function checkStructure(doc: Document, lc: LineCounter, file: string): void {
  const at = (n: unknown) => {
    const r = isNode(n) ? n.range : undefined;
    const { line, col } = lc.linePos(r ? r[0] : 0);
    return `${file}:${line}:${col}`;
  };
  const stack: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 0 }];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (depth > LIMITS.depth) throw new AnswersError([`${at(node)}: nested more than ${LIMITS.depth} levels deep`]);
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (seen.has(key)) throw new AnswersError([`${at(pair.key)}: the key ${JSON.stringify(key.slice(0, 40))} appears twice`]);
        seen.add(key);
        stack.push({ node: pair.value, depth: depth + 1 });
      }
    } else if (isSeq(node)) for (const item of node.items) stack.push({ node: item, depth: depth + 1 });
  }
}

function toData(doc: Document, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: LIMITS.yamlAliases }) ?? {};
  } catch (e) {
    if (/alias/i.test((e as Error).message)) throw new AnswersError([`${file}: too many YAML aliases (expanding them is limited to ${LIMITS.yamlAliases})`]);
    throw new AnswersError([`${file}: cannot read the YAML (${(e as Error).message.split("\n")[0]})`]);
  }
}

function unknownKeys(doc: Document, lc: LineCounter, data: object, file: string, extra?: ReadonlySet<string>): string[] {
  return Object.keys(data)
    .filter((k) => !ANSWER_KEYS.includes(k) && !extra?.has(k))
    .map((k) => {
      const near = nearest(k, ANSWER_KEYS);
      return `${file}:${position(doc, lc, [k])}: unknown key ${JSON.stringify(k.slice(0, 40))}${near ? ` (did you mean ${near}?)` : ""}`;
    });
}

/**
 * Parse and validate answers YAML text. `file` names the source in messages. `opts.defaults` fill keys
 * the file leaves out (e.g. what a schema snapshot read); the keys so filled are pushed onto `opts.defaulted`.
 */
export function parseAnswers(text: string, file: string, opts: ParseOptions = {}): Answers {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length) {
    throw new AnswersError(
      doc.errors.slice(0, 5).map((e) => {
        const { line, col } = lc.linePos(e.pos[0]);
        return `${file}:${line}:${col}: ${e.message.split("\n")[0].slice(0, 200)}`;
      }),
    );
  }
  checkStructure(doc, lc, file);
  const data = toData(doc, file) as Record<string, unknown>;
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new AnswersError([`${file}:1:1: the answers file must be a mapping of keys to values`]);
  const unknown = unknownKeys(doc, lc, data, file, opts.extraKeys);
  if (unknown.length) throw new AnswersError(unknown.slice(0, 10));
  // A default version belongs to the default engine: answers naming another engine keep their own question.
  const otherEngine = data.engine !== undefined && opts.defaults?.engine !== undefined && data.engine !== opts.defaults.engine;
  for (const [k, v] of Object.entries(opts.defaults ?? {})) {
    if (otherEngine && k === "engine_version") continue;
    if (data[k] === undefined && v !== undefined) {
      data[k] = v;
      opts.defaulted?.push(k);
    }
  }
  const parsed = answersSchema.safeParse(data);
  if (!parsed.success) {
    // A key left out is a question still to ask (or, without a terminal, reported by missingPlanKeys in
    // plain words), not a validation error; only wrong values are.
    const where = (p: PropertyKey[]) => `${file}:${position(doc, lc, p as (string | number)[])}`;
    const wrong = parsed.error.issues.filter((i) => !(i.path.length === 1 && data[String(i.path[0])] === undefined));
    if (wrong.length) throw new AnswersError(formatZodIssues(wrong, where).slice(0, 20));
    // Placeholders for the keys still to ask only: an engine the file names stays.
    const rest = answersSchema.safeParse({ ...data, engine: data.engine ?? "postgresql", engine_version: data.engine_version ?? "10" });
    if (!rest.success) throw new AnswersError(formatZodIssues(rest.error.issues, where).slice(0, 20));
    const partial: Record<string, unknown> = { ...rest.data };
    for (const key of ["engine", "engine_version"]) if (data[key] === undefined) delete partial[key];
    return partial as Answers;
  }
  const version = engineVersionProblem(parsed.data.engine, parsed.data.engine_version);
  if (version?.error) throw new AnswersError([`${file}:${position(doc, lc, ["engine_version"])}: engine_version: ${version.error}`]);
  return parsed.data;
}

/** `path` may be `-` for standard input. At most LIMITS.answersBytes are read. */
export function loadAnswersFile(path: string, opts: ParseOptions = {}): Answers {
  let text: string;
  try {
    text = readBoundedText(path, "answers file", LIMITS.answersBytes);
  } catch (e) {
    if (e instanceof InputError) throw new AnswersError([e.message]);
    throw e;
  }
  return parseAnswers(text, path === "-" ? "<stdin>" : path, opts);
}

/** Keys a plan cannot be built without that are missing. */
export function missingPlanKeys(answers: Answers): string[] {
  return PLAN_REQUIRED.filter((k) => answers[k] === undefined || answers[k] === null);
}

/** Narrow to PlanAnswers, or throw with every missing field path. */
export function requirePlanAnswers(answers: Answers, file = "answers"): PlanAnswers {
  // Size does not matter for these (the size question is skipped for them).
  if (answers.approx_rows === undefined && (answers.operation === "create_table" || answers.operation === "add_enum_value")) {
    answers = { ...answers, approx_rows: 0 };
  }
  const missing = missingPlanKeys(answers);
  if (missing.length) throw new AnswersError(missing.map((k) => `${file}: ${k}: required to build a plan`));
  return answers as PlanAnswers;
}
