/**
 * A diagnosis as text: REPAIR.md, and the repair migration as a plan (src/plan/model.ts) with its
 * SQL files. The plan is the same model the planner builds, so tool renderers can write it too.
 */
import type { Answers } from "../answers/schema.js";
import { PLAN_FORMAT_VERSION, type Plan, type Statement } from "../plan/model.js";
import type { ToolOutput } from "../render/types.js";
import type { DiagnosisReport } from "./diagnoses/types.js";
import { TOOL_FACTS } from "./tools.js";
import { engineModule, isMysqlFamily } from "../engines/index.js";

export interface RenderedFile {
  path: string;
  content: string;
}

const fence = (lang: string, body: string) => "```" + lang + "\n" + body.trim() + "\n```";

/** Placeholder names that appear in the text: only those need replacing. */
export function usedPlaceholders(text: string, placeholders: string[]): string[] {
  return placeholders.filter((p) => new RegExp(`\\b${p}\\b`).test(text));
}

export function renderRepairMarkdown(
  report: DiagnosisReport,
  answers: Answers,
  opts: { placeholders?: string[]; guessed?: string[]; files?: string[]; phaseIds?: string[]; tool?: ToolOutput; note?: string } = {},
): string {
  const tool = answers.tool ? TOOL_FACTS[answers.tool]?.name ?? answers.tool : "not given";
  const engine = engineModule(answers.engine ?? "postgresql").label;
  const out: string[] = [];
  out.push(`# Repair: ${report.title}`, "");
  out.push(`Engine: ${engine} ${answers.engine_version} · Tool: ${tool} · Diagnosis: \`${report.id}\``, "");
  out.push(`> ${report.summary}`, "");
  if (answers.error) out.push("The error you saw:", "", fence("text", answers.error), "");
  const body: string[] = [];

  body.push("## What happened", "");
  for (const p of report.what) body.push(p, "");

  body.push("## Confirm it (read-only)", "");
  body.push("These only read. Run them before changing anything, and keep their output.", "");
  report.confirm.forEach((q, i) => {
    body.push(`${i + 1}. ${q.purpose}${q.history ? " (this table exists where the tool has run)" : ""}`, "");
    if (q.sql) body.push(fence("sql", q.sql), "");
    if (q.command) body.push(fence("sh", q.command), "");
    body.push(`   What it tells you: ${q.expect}`, "");
  });

  body.push("## Repair, step by step", "");
  report.repair.forEach((s, i) => {
    body.push(`${i + 1}. ${s.text}`, "");
    if (s.sql) body.push(fence("sql", s.sql), "");
    if (s.command) body.push(fence("sh", s.command), "");
  });

  if (report.repairMigration) {
    body.push("## The repair migration", "");
    body.push(
      "The same repair as migration files, so it is reviewed and applied like any other change. Run the confirming queries first; run the checks after each part.",
      "",
    );
    report.repairMigration.phases.forEach((p, i) => {
      const noTx = p.statements.some((s) => !s.transaction);
      body.push(`${i + 1}. **${p.title}**${noTx ? " (runs outside a transaction)" : ""}: ${p.why}`, "");
      const files = opts.tool?.phases[opts.phaseIds?.[i] ?? ""];
      if (files) {
        body.push(`   Files: ${files.files.map((f) => `\`${f}\``).join(", ")}`, "", "   Run:", "", fence("sh", files.command), "");
        if (files.rollbackCommand) body.push("   Undo:", "", fence("sh", files.rollbackCommand), "");
        for (const n of files.notes ?? []) body.push(`   Note: ${n}`, "");
      }
      for (const c of p.checks) body.push(`   Check: ${c.description}`, "", fence("sql", c.sql), "");
    });
    for (const n of opts.tool?.notes ?? []) body.push(`- ${n}`);
    if (opts.tool?.notes.length) body.push("");
    if (opts.note) body.push(`Note: ${opts.note}`, "");
    if (opts.files?.length) body.push(`All files: ${opts.files.map((f) => `\`${f}\``).join(", ")}`, "");
  }

  body.push("## Do not", "");
  for (const a of report.avoid) body.push(`- ${a}`);
  body.push("");
  body.push("## Prevent it next time", "");
  for (const p of report.prevent) body.push(`- ${p}`);
  body.push("");

  const text = body.join("\n");
  const used = usedPlaceholders(text, opts.placeholders ?? []);
  if (used.length) {
    out.push(
      `**Replace the placeholders** ${used.map((p) => `\`${p}\``).join(", ")} with your names before running anything (or give them in the answers file: \`table\`, \`columns\`, \`details.ref_table\`...).`,
      "",
    );
  }
  if (opts.guessed?.length) {
    out.push(`Names read from the engine's default naming, check them: ${opts.guessed.join(", ")}.`, "");
  }
  return [...out, text].join("\n");
}

/** The repair migration as a plan, for the tool renderers. */
export function repairPlan(report: DiagnosisReport, answers: Answers): Plan | null {
  const m = report.repairMigration;
  if (!m) return null;
  return {
    version: PLAN_FORMAT_VERSION,
    answers,
    engine: answers.engine,
    engineVersion: answers.engine_version,
    summary: `Repair: ${report.title}`,
    strategy: report.summary,
    phases: m.phases.map((p, i) => ({ ...p, id: `${String(i + 1).padStart(2, "0")}-${p.kind}` })),
    warnings: [],
    checklist: ["The confirming queries in REPAIR.md run and their output kept", "A backup taken before the repair"],
    files: [],
  };
}

function sqlBlock(statements: Statement[]): string {
  return statements.map((s) => s.sql).join("\n");
}

/**
 * Plain SQL files for the repair: `repair.sql` (phases in order) and `repair.down.sql` (their
 * rollbacks, last phase first). A phase with a statement that cannot run in a transaction says so.
 */
export function renderRepairSql(plan: Plan, slug: string): RenderedFile[] {
  const runner = isMysqlFamily(plan.engine) ? "mysql" : "psql -v ON_ERROR_STOP=1";
  const up: string[] = [`-- Repair migration: ${slug}`, `-- ${plan.strategy}`, ""];
  const down: string[] = [`-- Undo the repair migration: ${slug} (phases in reverse order)`, ""];
  for (const p of plan.phases) {
    const noTx = p.statements.some((s) => !s.transaction);
    up.push(`-- Phase ${p.id}: ${p.title}`);
    up.push(noTx ? `-- Runs outside a transaction (CONCURRENTLY): run it with ${runner}, without -1 / BEGIN.` : `-- Runs in one transaction.`);
    if (!noTx && plan.engine === "postgresql") up.push("BEGIN;", sqlBlock(p.statements), "COMMIT;", "");
    else up.push(sqlBlock(p.statements), "");
    for (const c of p.checks) up.push(`-- Check: ${c.description}`, c.sql, "");
  }
  for (const p of [...plan.phases].reverse()) {
    down.push(`-- Undo phase ${p.id}: ${p.title}`);
    if (p.irreversible) down.push(`-- Cannot be undone: ${p.irreversible}`, "");
    else if (!p.rollback?.length) down.push("-- Nothing to undo.", "");
    else down.push(sqlBlock(p.rollback), "");
  }
  return [
    { path: "repair.sql", content: up.join("\n") },
    { path: "repair.down.sql", content: down.join("\n") },
  ];
}
