/**
 * Troubleshoot without a UI: match the error, walk the troubleshoot tree with the same state machine
 * the interactive wizard uses, and produce REPAIR.md plus the repair migration where one applies.
 */
import type { Answers } from "../answers/schema.js";
import type { TreeSet } from "../trees/model.js";
import { currentQuestion, reduce, start, type WizardState } from "../wizard/machine.js";
import { DIAGNOSES } from "./diagnoses/index.js";
import { diagnosisInput } from "./input.js";
import { matchError } from "./match.js";
import { renderToolFiles } from "../render/tools/index.js";
import type { ToolOutput } from "../render/types.js";
import { renderRepairMarkdown, renderRepairSql, repairPlan, usedPlaceholders, type RenderedFile } from "./render.js";

export type TroubleshootResult =
  | {
      status: "diagnosed";
      diagnosisId: string;
      answers: Answers;
      stdout: string;
      files: RenderedFile[];
      matched: string[];
      /** The confirming SQL queries, for running them on the user's database (`--database-url`); `placeholders` when names are missing. */
      confirm: { purpose: string; sql: string; placeholders: boolean }[];
    }
  | {
      status: "needs-answers";
      /** Answer paths still needed, the next question's first. */
      missing: string[];
      message: string;
      /** The answers so far (the file's plus what the error matched), to start the interactive wizard from. */
      prefill: Answers;
    };

/** Keys a user's answers file names explicitly win over names guessed from the error text. */
const USER_WINS = ["table", "columns", "details", "engine", "engine_version", "tool"];

function merge(answers: Answers, matched: Record<string, unknown>): Answers {
  const out: Record<string, unknown> = { ...answers, ...matched };
  for (const k of USER_WINS) {
    if (answers[k] === undefined) continue;
    out[k] = k === "details" ? { ...(matched.details as object), ...answers.details } : answers[k];
  }
  return out as Answers;
}

/** Walks forward; optional inputs left empty (the error question when no error was given) are passed. */
function walk(trees: TreeSet, answers: Answers): WizardState {
  let state = start(trees, "troubleshoot", answers);
  for (let guard = 0; guard < 100 && state.screen === "question"; guard++) {
    const q = currentQuestion(state);
    if (q?.type === "input" && q.optional && state.buffer === "") {
      const next = reduce(state, { type: "confirm" });
      if (next.nodeId === state.nodeId && next.screen === state.screen) break;
      state = next;
    } else break;
  }
  return state;
}

/** The repair migration in the user's tool's files; plain SQL (and a note saying why) if that renderer fails. */
function repairFiles(plan: NonNullable<ReturnType<typeof repairPlan>>, slug: string, now: Date): { files: RenderedFile[]; output?: ToolOutput; note?: string } {
  try {
    const output = renderToolFiles(plan, { now, slug });
    return { files: output.files, output };
  } catch (e) {
    return {
      files: renderRepairSql(plan, slug),
      note: `The ${plan.answers.tool} renderer failed (${(e as Error).message}); the repair is written as plain SQL instead.`,
    };
  }
}

/** What a run without answers and without a terminal assumes: the oldest supported version, plain SQL. */
const OLDEST: Record<string, string> = { postgresql: "10", mysql: "5.7" };

function withDefaults(answers: Answers): { answers: Answers; assumed: string[] } {
  const out: Record<string, unknown> = { ...answers };
  const assumed: string[] = [];
  if (!out.engine) {
    out.engine = "postgresql";
    assumed.push("engine PostgreSQL");
  }
  const engine = out.engine === "mysql" ? "MySQL" : "PostgreSQL";
  if (!out.engine_version) {
    out.engine_version = OLDEST[String(out.engine)] ?? OLDEST.postgresql;
    assumed.push(`${engine} ${out.engine_version} (the oldest supported)`);
  }
  if (!out.tool) {
    out.tool = "raw-sql";
    assumed.push("plain SQL files (no migration tool)");
  }
  return { answers: out as Answers, assumed };
}

export function troubleshoot(opts: { trees: TreeSet; answers: Answers; error?: string; now?: Date; useDefaults?: boolean }): TroubleshootResult {
  const error = opts.error ?? opts.answers.error;
  const match = error ? matchError(opts.trees, error) : null;
  let answers: Answers = { ...opts.answers, mode: "troubleshoot" };
  if (error) answers.error = error;
  if (match) answers = merge(answers, match.answers);
  let assumed: string[] = [];
  if (opts.useDefaults) ({ answers, assumed } = withDefaults(answers));

  const state = walk(opts.trees, answers);
  if (state.screen !== "summary" || !state.outcome) {
    const q = currentQuestion(state);
    const missing = q ? [q.answer] : [];
    const why = error && !match ? "The error message did not match a known problem; answer the questions to find the diagnosis." : "More answers are needed to reach a diagnosis.";
    return {
      status: "needs-answers",
      missing,
      message: `${why}${q ? ` Next question: ${q.prompt} (answer key: ${q.answer})` : ""}`,
      prefill: answers,
    };
  }
  const final = { ...answers, ...state.answers } as Answers;
  const id = state.outcome.replace(/^diagnosis:/, "");
  const diagnosis = DIAGNOSES[id];
  if (!diagnosis) throw new Error(`The troubleshoot tree ends at "${state.outcome}", which names no known diagnosis.`);
  const input = diagnosisInput(final);
  const report = diagnosis.build(input);

  const files: RenderedFile[] = [];
  const plan = repairPlan(report, final);
  let rendered: ReturnType<typeof repairFiles> | undefined;
  if (plan && report.repairMigration) {
    rendered = repairFiles(plan, report.repairMigration.slug, opts.now ?? new Date());
    files.push(...rendered.files);
  }
  const repairMd = renderRepairMarkdown(report, final, {
    placeholders: input.names.placeholders,
    guessed: input.names.guessed,
    files: files.map((f) => f.path),
    phaseIds: plan?.phases.map((p) => p.id),
    tool: rendered?.output,
    note: rendered?.note,
  });
  files.unshift({ path: "REPAIR.md", content: repairMd });

  const used = usedPlaceholders(repairMd, input.names.placeholders);
  const stdout = [
    `Diagnosis: ${report.title}`,
    report.summary,
    "",
    "Key step:",
    `  ${report.keyCommand}`,
    ...(used.length ? ["", `Replace the placeholders (${used.join(", ")}) with your names first.`] : []),
    ...(assumed.length
      ? ["", `Assumed, as no one could be asked: ${assumed.join(", ")}. For your setup, pass --answers FILE with engine, engine_version and tool.`]
      : []),
    "",
    "REPAIR.md has the confirming queries, every repair step, what not to do and how to prevent it.",
  ].join("\n");
  const confirm = report.confirm.flatMap((q) =>
    q.sql ? [{ purpose: q.purpose, sql: q.sql, placeholders: input.names.placeholders.some((p) => q.sql!.includes(p)) }] : [],
  );
  return { status: "diagnosed", diagnosisId: id, answers: final, stdout, files, matched: match?.matched ?? [], confirm };
}
