/**
 * Drizzle: `drizzle/<NNNN>_<slug>.sql` with `--> statement-breakpoint` between statements, listed in
 * `drizzle/meta/_journal.json`. Drizzle's migrator runs every pending migration inside ONE transaction
 * and has no down migrations, so: non-transactional steps go to `drizzle/manual/` (run with psql),
 * and rollback SQL goes to `drizzle/rollback/`.
 */
import template from "../../../templates/drizzle/migration.sql.eta?raw";
import type { Phase, Plan, Statement } from "../../plan/model.js";
import type { RenderContext, RenderedFile, ToolOutput, ToolRenderer } from "../types.js";
import { fileHeader, raiseIrreversibleSql, renderTemplate } from "./common.js";
import { appendJournalEntries } from "../../project/edits.js";
import { parseDrizzleJournal } from "../../project/history.js";
import { terminated, type NamedStep, type Segment } from "./steps.js";
import { renderPhaseSteps, type StepOutput } from "./phase-loop.js";
import { modelChanges } from "../models/changes.js";
import { drizzleSnippet, snippetsBy } from "../models/snippets.js";

export const BREAKPOINT = "--> statement-breakpoint";
const psql = (file: string) => `psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f ${file}`;

interface JournalEntry {
  idx: number;
  version: string;
  when: number;
  tag: string;
  breakpoints: boolean;
}

/** Where one step's files go and what the journal records for it. */
interface StepPlace {
  dir: string;
  tag: string;
  /** The journal's `when` for the step (a journaled step's row in drizzle.__drizzle_migrations has it as created_at). */
  when: number;
}

/** What a step adds to the phase's commands: the apply command (none when the step only undoes) and the rollback command. */
interface StepCommands {
  up?: string;
  down: string;
  journaled: boolean;
}

const nothingToUndo: Segment = { transaction: true, statements: [{ sql: "-- Nothing to undo in this step.", transaction: true, lock: "none", rewrite: false }] };

/**
 * One step: the migration (journaled) or the manual file (run with psql, for statements that cannot run in a
 * transaction block), and always its rollback file, so a phase's rollback is "run these files".
 */
function drizzleStep(plan: Plan, phase: Phase, step: NamedStep, { dir, tag, when }: StepPlace): StepOutput<StepCommands> {
  const render = (title: string, seg: Segment, explain: string[], joiner: string) =>
    renderTemplate(template, { title, ...fileHeader(plan, phase, seg.statements), explain, body: seg.statements.map((s) => terminated(s.sql)).join(joiner) });
  const files: RenderedFile[] = [];
  let up: string | undefined;
  const journaled = !!step.up && step.transaction;
  if (step.up && journaled) {
    files.push({ path: `${dir}/${tag}.sql`, content: render("Migration", step.up, [], `\n${BREAKPOINT}\n`) });
    up = "npx drizzle-kit migrate";
  } else if (step.up) {
    const path = `${dir}/manual/${tag}.sql`;
    const explain = [
      "Not in meta/_journal.json on purpose: drizzle's migrator runs migrations inside one transaction,",
      "and these statements cannot run inside a transaction block. Run it with:",
      `  ${psql(path)}`,
    ];
    files.push({ path, content: render("Manual migration", step.up, explain, "\n") });
    up = psql(path);
  }
  // Forgetting the journaled step lets `drizzle-kit migrate` apply it again later.
  const forget: Statement = { sql: `DELETE FROM drizzle.__drizzle_migrations WHERE created_at = ${when};`, transaction: true, lock: "ROW EXCLUSIVE", rewrite: false };
  const downSeg: Segment | null = phase.irreversible
    ? { transaction: true, statements: [{ sql: raiseIrreversibleSql(phase.irreversible, plan.engine), transaction: true, lock: "none", rewrite: false }] }
    : journaled
      ? { transaction: step.down?.transaction ?? true, statements: [...(step.down?.statements ?? []), forget] }
      : step.down;
  const path = `${dir}/rollback/${tag}.down.sql`;
  const down = `psql "$DATABASE_URL" -v ON_ERROR_STOP=1${!downSeg || downSeg.transaction ? " -1" : ""} -f ${path}`;
  const explain = [
    "Drizzle has no down migrations: run this by hand to roll the step back (it also removes a journaled",
    "step's row from drizzle.__drizzle_migrations, so drizzle-kit migrate can apply it again):",
    `  ${down}`,
    ...(phase.irreversible ? [`Irreversible: ${phase.irreversible}`] : []),
  ];
  files.push({ path, content: render("Rollback", downSeg ?? nothingToUndo, explain, "\n") });
  return { files, ref: { up, down, journaled } };
}

export const drizzle: ToolRenderer = {
  tool: "drizzle",
  render(plan: Plan, ctx: RenderContext): ToolOutput {
    const entries: JournalEntry[] = [];
    // Joining a project (--project): its folder, entries after its journal's (next idx and tag number, a later `when`:
    // the migrator applies an entry only when its `when` is after the newest applied one).
    const dir = ctx.project?.drizzle?.dir ?? "drizzle";
    const journalFile = ctx.project?.drizzle?.journal ?? null;
    const existing = journalFile ? parseDrizzleJournal(journalFile.path, journalFile.content).entries : [];
    const firstWhen = Math.max(ctx.now.getTime(), ...existing.map((e) => e.when + 1000));
    const version = existing.at(-1)?.version ?? "7";
    let n = Math.max(0, ...existing.map((e) => Math.max(e.idx, Number(/^\d+/.exec(e.tag)?.[0] ?? 0)) + 1));
    let k = 0;
    const { files, phases } = renderPhaseSteps(
      plan,
      ctx,
      {},
      (phase, step) => {
        const place = { dir, tag: `${String(n++).padStart(4, "0")}_${step.slug}`, when: firstWhen + 1000 * k++ };
        const out = drizzleStep(plan, phase, step, place);
        if (out.ref.journaled) entries.push({ idx: existing.length + entries.length, version, when: place.when, tag: place.tag, breakpoints: true });
        return out;
      },
      ({ phase, paths, refs }) => {
        const up = refs.flatMap((r) => r.up ?? []);
        return {
          files: paths,
          // Journaled steps of one phase all apply with one `drizzle-kit migrate`.
          command: up.filter((c, i) => c !== up[i - 1]).join(" && "),
          rollbackCommand: phase.irreversible ? undefined : refs.map((r) => r.down).reverse().join(" && "),
          notes: [
            ...(paths.some((p) => p.startsWith(`${dir}/manual/`))
              ? ["drizzle's migrator wraps all pending migrations in one transaction, so the statements that cannot run in one are in drizzle/manual/ and run with psql, in the order of the command."]
              : []),
            "Drizzle has no down migrations: the rollback SQL is in drizzle/rollback/, run by hand.",
            ...(phase.irreversible ? [`Its rollback file raises an error: ${phase.irreversible}`] : []),
          ],
        };
      },
    );
    files.push(
      journalFile
        ? { path: journalFile.path, content: appendJournalEntries(journalFile, entries), base: journalFile.content }
        : { path: `${dir}/meta/_journal.json`, content: JSON.stringify({ version: "7", dialect: "postgresql", entries }, null, 2) + "\n" },
    );
    return {
      tool: "drizzle",
      files,
      phases,
      models: snippetsBy(modelChanges(plan), (pm) => drizzleSnippet(pm, plan.engine)),
      notes: [
        journalFile
          ? `The entries are appended to ${journalFile.path} after the project's own (idx ${existing.length} on), so drizzle-kit migrate sees them. ` +
            "drizzle-kit keeps a schema snapshot per generated migration: after updating your schema file, `drizzle-kit generate` diffs against your latest snapshot."
          : "Merge the journal entries into your drizzle/meta/_journal.json (renumber idx and file prefixes after yours), or generate with --project; " +
            "for new hand-written steps drizzle-kit's own way is `drizzle-kit generate --custom`, which also writes a snapshot.",
        "`drizzle-kit migrate` applies every pending journaled migration: add a phase's entries when that phase is due.",
      ],
    };
  },
};
