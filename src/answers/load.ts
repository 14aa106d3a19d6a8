/**
 * Reading an answers file: YAML parse errors with file:line:col, contract errors with the field path
 * (and the line:col of the offending value where the file has it).
 */
import { readFileSync } from "node:fs";
import { isNode, LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { answersSchema, type Answers, type PlanAnswers } from "./schema.js";

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
 * Parse and validate answers YAML text. `file` names the source in messages. `defaults` fill keys the
 * file leaves out (e.g. what a schema snapshot read); the keys so filled are pushed onto `defaulted`.
 */
export function parseAnswers(text: string, file: string, defaults: Partial<Answers> = {}, defaulted: string[] = []): Answers {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length) {
    throw new AnswersError(
      doc.errors.map((e) => {
        const { line, col } = lc.linePos(e.pos[0]);
        return `${file}:${line}:${col}: ${e.message.split("\n")[0]}`;
      }),
    );
  }
  const data = doc.toJS() ?? {};
  if (typeof data !== "object" || Array.isArray(data)) throw new AnswersError([`${file}:1:1: the answers file must be a mapping of keys to values`]);
  for (const [k, v] of Object.entries(defaults)) {
    if ((data as Record<string, unknown>)[k] === undefined && v !== undefined) {
      (data as Record<string, unknown>)[k] = v;
      defaulted.push(k);
    }
  }
  const parsed = answersSchema.safeParse(data);
  if (!parsed.success) {
    // A key left out is a question still to ask (or, without a terminal, reported by missingPlanKeys in
    // plain words), not a validation error; only wrong values are.
    const wrong = parsed.error.issues.filter((i) => !(i.path.length === 1 && (data as Record<string, unknown>)[String(i.path[0])] === undefined));
    if (wrong.length) throw new AnswersError(formatZodIssues(wrong, (p) => `${file}:${position(doc, lc, p)}`));
    const rest = answersSchema.safeParse({ ...data, engine: "postgresql", engine_version: "0" });
    if (!rest.success) throw new AnswersError(formatZodIssues(rest.error.issues, (p) => `${file}:${position(doc, lc, p)}`));
    const partial: Record<string, unknown> = { ...rest.data };
    for (const key of ["engine", "engine_version"]) if ((data as Record<string, unknown>)[key] === undefined) delete partial[key];
    return partial as Answers;
  }
  return parsed.data;
}

export function loadAnswersFile(path: string, defaults?: Partial<Answers>, defaulted?: string[]): Answers {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new AnswersError([`${path}: cannot read the answers file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`]);
  }
  return parseAnswers(text, path, defaults, defaulted);
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
