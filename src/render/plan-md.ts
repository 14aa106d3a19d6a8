/**
 * PLAN.md: the runbook a newcomer can follow. Plain string building: the structure is a fixed sequence of
 * sections with per-phase loops, which reads more clearly in TypeScript than in a template.
 */
import { mdCode, mdFence, mdText, oneLine } from "../plan/encode.js";
import type { Phase, Plan, Statement } from "../plan/model.js";
import type { ModelSnippet, PhaseFiles, ToolOutput } from "./types.js";
import { thousands } from "../plan/format.js";
import { DEADLOCK_RUNBOOK } from "../plan/recipes/statements.js";
import { guardedBy } from "../plan/guards.js";
import { planAssumptions } from "./assumptions.js";
import { planDiagram } from "./mermaid.js";

const ENGINE_NAMES = { postgresql: "PostgreSQL", mysql: "MySQL", mariadb: "MariaDB" } as const;

const KIND_MEANING: Record<Phase["kind"], string> = {
  expand: "adds schema next to what exists; old application code keeps working",
  backfill: "changes data, not schema; runs in small committed steps",
  deploy: "an application deploy, no SQL",
  switch: "moves the application (or the schema) over to the new shape",
  contract: "removes what is no longer used",
  verify: "checks existing rows or the database's state (a constraint validated, an index unused) without blocking traffic",
};

/** A data phase runs in small committed steps only when it is batched; otherwise it is one transaction. */
function kindMeaning(phase: Phase): string {
  if (phase.kind !== "backfill" || phase.statements.length === 0 || phase.statements.some((s) => s.batched)) return KIND_MEANING[phase.kind];
  return "changes data, not schema; one transaction";
}

/** What each lock blocks, for the glossary. Only the locks a plan uses are listed. */
const LOCK_GLOSSARY: Record<string, string> = {
  "ACCESS EXCLUSIVE": "blocks everything, reads included, for as long as it is held; waiting for it queues every later query on the table.",
  EXCLUSIVE: "blocks writes and most reads except plain SELECT.",
  "SHARE ROW EXCLUSIVE": "blocks writes (INSERT, UPDATE, DELETE) and other schema changes; reads continue.",
  SHARE: "blocks writes; reads continue (plain CREATE INDEX).",
  "SHARE UPDATE EXCLUSIVE": "blocks only other schema changes, VACUUM and ANALYZE; reads and writes continue (VALIDATE CONSTRAINT, CREATE INDEX CONCURRENTLY).",
  "ROW EXCLUSIVE": "the ordinary lock of INSERT, UPDATE and DELETE; conflicts only with schema changes and explicit table locks.",
  "ROW SHARE": "taken by SELECT ... FOR UPDATE and on a table referenced by a foreign key being validated; blocks only EXCLUSIVE and ACCESS EXCLUSIVE.",
  "ACCESS SHARE": "the lock of a plain SELECT; conflicts only with ACCESS EXCLUSIVE.",
  INSTANT: "MySQL changes metadata only; a brief exclusive metadata lock at the start and end, no table copy.",
  "INPLACE, LOCK=NONE": "MySQL works in place and allows concurrent reads and writes; brief exclusive metadata locks at the start and end.",
  "INPLACE, LOCK=SHARED": "MySQL works in place; reads continue, writes wait.",
  "COPY, LOCK=SHARED": "MySQL copies the table; reads continue, writes wait for the whole copy.",
  "metadata lock": "MySQL's exclusive metadata lock: brief, but it waits for every open transaction on the table and queues queries behind it.",
  "ROW LOCKS": "MySQL row locks on the rows a statement changes, held until it commits.",
};

const cell = (text: string) => oneLine(text).replace(/\|/g, "\\|");

/** A fenced SQL block whose fence is longer than any run of backticks in the SQL, so the SQL cannot close it. */
const fence = (sql: string, lang = "sql") => mdFence(sql.trim(), lang);

function statementNote(s: Statement): string {
  if (s.setting) return `_Session setting, no lock._${s.why ? " " + s.why : ""}`;
  const lock = s.lock === "none" ? "no table lock" : `lock: **${s.lock}**${s.lockedTables?.length ? ` on ${s.lockedTables.map((t) => `\`${t}\``).join(", ")}` : ""}`;
  const parts = [
    lock,
    s.rewrite ? "**rewrites the table**" : "no rewrite",
    ...(s.scan ? ["reads every row"] : []),
    s.transaction ? "inside a transaction" : "**outside a transaction block** (runs on its own, autocommit)",
    ...(s.batched ? [`batched: ${s.batched.batchSize} rows per batch, ${s.batched.pauseMs} ms pause`] : []),
  ];
  return `_${parts.join(" · ")}._${s.why ? " " + s.why : ""}`;
}

function strongestLock(phase: Phase): string {
  const order = Object.keys(LOCK_GLOSSARY);
  const locks = phase.statements.filter((s) => !s.setting && s.lock !== "none").map((s) => s.lock);
  if (locks.length === 0) return "none";
  return locks.sort((a, b) => (order.indexOf(a) === -1 ? 99 : order.indexOf(a)) - (order.indexOf(b) === -1 ? 99 : order.indexOf(b)))[0];
}

function answersTable(plan: Plan): string {
  const a = plan.answers;
  const rows: [string, string][] = [
    ["engine", `${ENGINE_NAMES[plan.engine]} ${plan.engineVersion}`],
    ["operation", String(a.operation ?? "")],
    ["table", a.table ? `\`${a.table}\`` : ""],
  ];
  if (a.columns?.length) {
    rows.push([
      "columns",
      a.columns
        .map((c) => `\`${c.name}\`${c.type ? ` ${c.type}` : ""}${c.nullable === false ? " NOT NULL" : ""}${c.default !== undefined && c.default !== null ? ` default ${c.default}` : ""}`)
        .join(", "),
    ]);
  }
  if (a.approx_rows !== undefined) rows.push(["approx. rows", thousands(a.approx_rows)]);
  if (a.downtime_tolerance) rows.push(["downtime tolerance", a.downtime_tolerance]);
  if (a.rollback_need) rows.push(["rollback need", a.rollback_need]);
  if (a.online_ddl_tool) rows.push(["table rebuilds with", a.online_ddl_tool]);
  if (a.tool) rows.push(["tool", a.tool]);
  for (const [key, value] of Object.entries(a.details ?? {})) {
    if (value !== undefined) rows.push([`details.${key}`, Array.isArray(value) ? value.join(", ") : String(value)]);
  }
  return ["| answer | value |", "| --- | --- |", ...rows.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`)].join("\n");
}

function phaseSection(plan: Plan, phase: Phase, index: number, tool?: ToolOutput): string {
  const out: string[] = [];
  const files = tool?.phases[phase.id];
  out.push(`## Phase ${index + 1} of ${plan.phases.length}: ${mdText(phase.title)}`);
  out.push(`**Kind:** \`${phase.kind}\` (${kindMeaning(phase)}) · **id:** \`${phase.id}\``);
  out.push(phase.why);

  if (phase.statements.length) {
    out.push("### Statements");
    for (const s of phase.statements) out.push(fence(s.sql), statementNote(s));
  }
  if (phase.estimate) out.push("### How long it may take", phase.estimate);
  out.push(...howToRun(plan, phase, files), ...externalRun(phase));

  if (phase.checks.length) {
    out.push("### Checks", "Run each query after the phase; every one must return `ok = true` before you go on.");
    for (const c of phase.checks) out.push(`- ${oneLine(c.description)}`, fence(c.sql));
  }
  if (phase.onLockTimeout) out.push("### If the lock timeout fires", phase.onLockTimeout);
  if (phase.deploy) out.push("### Deploy before the next phase", oneLine(phase.deploy));
  out.push(...modelChange(phase, tool?.models?.[phase.id]), ...rollbackSection(phase, files));
  return out.join("\n\n");
}

/** How to run the phase: the tool's files and command, or the statements by hand. */
function howToRun(plan: Plan, phase: Phase, files: PhaseFiles | undefined): string[] {
  // A deploy phase has files too when the tool's model state moves with it (a Django state-only migration).
  if (!phase.statements.length && !files) return [];
  const out = ["### How to run it"];
  if (files) {
    const lines = [`- Files: ${files.files.map((f) => `\`${f}\``).join(", ")}`, `- Command: \`${files.command}\``];
    const guard = guardedBy(plan.phases, phase, plan.engine);
    if (guard)
      lines.push(
        `- The file starts with a guard: it re-runs the checks of phase ${guard.id} and stops with the failing check's description, before any change, if that phase is not complete.`,
      );
    for (const note of files.notes ?? []) lines.push(`- ${note}`);
    out.push(lines.join("\n"));
  } else {
    out.push(
      "Run the statements in order. Statements marked _outside a transaction block_ must run on their own in autocommit mode " +
        "(not wrapped in BEGIN/COMMIT); the others can run together in one transaction.",
    );
  }
  if (phase.statements.some((s) => s.batched)) {
    out.push("Batched statements are safe to re-run: each batch only touches rows that still need it.");
  }
  return out;
}

/** A rebuild run by gh-ost or pt-online-schema-change: rehearsal, real run, cut-over. */
function externalRun(phase: Phase): string[] {
  const x = phase.external;
  if (!x) return [];
  return [
    `### How to run it (with ${x.tool})`,
    [
      "Set MYSQL_HOST, MYSQL_USER" + (x.rehearse.includes("$MYSQL_DATABASE") ? " and MYSQL_DATABASE" : "") + " first. The rehearsal changes nothing:",
      fence(x.rehearse, "sh"),
      "Only when it succeeded, the real run:",
      fence(x.execute, "sh"),
    ].join("\n\n"),
    "### Cut-over",
    mdText(x.cutOver),
  ];
}

function modelChange(phase: Phase, model: ModelSnippet | undefined): string[] {
  if (!model) return [];
  return [
    "### Change the model",
    (phase.statements.length
      ? `Once this phase has run, change ${mdCode(model.file)} to match the database (ship it with the next deploy):`
      : `Make this change in ${mdCode(model.file)} and ship it with this deploy:`) +
      (model.lang === "diff" ? " lines with `+` are added, lines with `-` removed; the others show where." : ""),
    mdFence(model.text, model.lang),
  ];
}

function rollbackSection(phase: Phase, files: PhaseFiles | undefined): string[] {
  const out = ["### Rollback"];
  if (phase.irreversible) {
    out.push(`**Irreversible:** ${oneLine(phase.irreversible)}`);
  } else if (phase.external) {
    out.push(mdText(phase.external.rollback));
  } else if (phase.rollback && phase.rollback.length) {
    out.push("Undo this phase (only after undoing every later phase that ran):");
    out.push(fence(phase.rollback.map((s) => s.sql).join("\n")));
    if (files?.rollbackCommand) out.push(`With the tool: \`${files.rollbackCommand}\``);
  } else if (phase.kind === "deploy" || !phase.statements.length) {
    out.push("Redeploy the previous application version.");
    if (files?.rollbackCommand) out.push("Undo its migration too (it changes only the tool's model state):", `With the tool: \`${files.rollbackCommand}\``);
  } else {
    out.push("Nothing to undo in the database for this phase; roll back the earlier phases if you must go back.");
    if (files?.rollbackCommand) {
      out.push(
        "The tool has recorded this phase as applied all the same: when you roll back past it, mark it undone " +
          "(only after undoing every later phase that ran), so that applying again runs it again instead of skipping it:",
        `With the tool: \`${files.rollbackCommand}\``,
      );
    }
  }
  return out;
}

function glossary(plan: Plan): string {
  const used = new Set<string>();
  for (const p of plan.phases) for (const s of [...p.statements, ...(p.rollback ?? [])]) if (!s.setting && s.lock !== "none") used.add(s.lock);
  const known = Object.keys(LOCK_GLOSSARY).filter((l) => used.has(l));
  const unknown = [...used].filter((l) => !(l in LOCK_GLOSSARY));
  const lines = [...known.map((l) => `- **${l}**: ${LOCK_GLOSSARY[l]}`), ...unknown.map((l) => `- **${l}**`)];
  return ["## Lock glossary", lines.length ? lines.join("\n") : "This plan takes no table locks."].join("\n\n");
}

/** Markdown-inert text for a list item: names read from a database may hold *, _, backticks, brackets or newlines. */
function inert(text: string): string {
  return text.replace(/\s+/g, " ").replace(/([\\`*_[\]|<>~])/g, "\\$1");
}

function schemaFactsSections(f: NonNullable<Plan["schemaFacts"]>): string[] {
  const list = (items: string[], none: string) => (items.length ? items.map((x) => `- ${inert(x)}`).join("\n") : none);
  return [
    "## Read from the database",
    `From ${inert(f.source)}, in a read-only transaction (catalogs and planner estimates only, no row counted):\n\n` +
      list(f.read, "- nothing beyond the objects the plan rebuilds"),
    "## Assumed",
    list(f.assumed, "Nothing about the database: every fact above was read from it. Downtime tolerance, rollback need and tool are your choices."),
  ];
}

/** A Markdown code span that holds any text, backticks included. */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  return longest ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

function assumptionsSection(plan: Plan, tool?: ToolOutput): string {
  const rows = planAssumptions(plan, tool);
  const intro = "Values the tool chose or guessed rather than you stating them. Check each before phase 1:";
  if (!rows.length) return ["## Assumptions", "None: every value in this plan came from your answers."].join("\n\n");
  const items = rows.map((r) => `- **${r.what}**: ${r.value.replace(/\n/g, " ")}\n  Check: ${r.query ? `${code(r.query)} ` : ""}${r.check}`);
  return ["## Assumptions", intro, items.join("\n")].join("\n\n");
}

export function renderPlanMarkdown(plan: Plan, tool?: ToolOutput): string {
  const sections: string[] = [];
  sections.push(`# ${mdText(plan.summary)}`);
  sections.push(planDiagram(plan, strongestLock));
  sections.push(
    `Runbook for ${ENGINE_NAMES[plan.engine]} ${plan.engineVersion}: ${plan.phases.length} phase${plan.phases.length === 1 ? "" : "s"}. ` +
      "Read it once end to end before starting; run the phases in order, each with its checks.",
  );
  sections.push("## Strategy", plan.strategy);
  sections.push("## Your answers", answersTable(plan));
  if (plan.schemaFacts) sections.push(...schemaFactsSections(plan.schemaFacts));
  sections.push(assumptionsSection(plan, tool));
  if (plan.warnings.length) sections.push("## Warnings", plan.warnings.map((w) => `- ${oneLine(w)}`).join("\n"));
  sections.push("## Before you start", plan.checklist.map((c) => `- [ ] ${c}`).join("\n"));
  sections.push(
    "## Phases at a glance",
    [
      "| # | phase | kind | strongest lock | rewrite | app deploy after |",
      "| --- | --- | --- | --- | --- | --- |",
      ...plan.phases.map(
        (p, i) =>
          `| ${i + 1} | ${cell(p.title)} | ${p.kind} | ${strongestLock(p)} | ${p.statements.some((s) => s.rewrite) ? "yes" : "no"} | ${p.deploy ? "yes" : "no"} |`,
      ),
    ].join("\n"),
  );
  if (tool?.notes.length) sections.push(`## Using ${tool.tool}`, tool.notes.map((n) => `- ${n}`).join("\n"));
  plan.phases.forEach((p, i) => sections.push(phaseSection(plan, p, i, tool)));
  if (plan.engine === "postgresql" && plan.phases.some((p) => p.onLockTimeout)) sections.push("## Deadlock", DEADLOCK_RUNBOOK);
  sections.push(glossary(plan));
  return sections.join("\n\n") + "\n";
}
