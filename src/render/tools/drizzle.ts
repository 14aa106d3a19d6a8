/**
 * Drizzle: `drizzle/<NNNN>_<slug>.sql` with `--> statement-breakpoint` between statements, listed in
 * `drizzle/meta/_journal.json`. Drizzle's migrator runs every pending migration inside ONE transaction
 * and has no down migrations, so: non-transactional steps go to `drizzle/manual/` (run with psql),
 * and rollback SQL goes to `drizzle/rollback/`.
 */
import template from "../../../templates/drizzle/migration.sql.eta?raw";
import type { Plan, Statement } from "../../plan/model.js";
import type { PhaseFiles, RenderContext, RenderedFile, ToolOutput, ToolRenderer } from "../types.js";
import { fileHeader, phaseSlug, raiseIrreversibleSql, renderTemplate } from "./common.js";
import { appendJournalEntries } from "../../project/edits.js";
import { parseDrizzleJournal } from "../../project/history.js";
import { nameSteps, phaseSteps, sqlPhases, terminated, type Segment } from "./steps.js";
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

export const drizzle: ToolRenderer = {
  tool: "drizzle",
  render(plan: Plan, ctx: RenderContext): ToolOutput {
    const files: RenderedFile[] = [];
    const phases: Record<string, PhaseFiles> = {};
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
    for (const phase of sqlPhases(plan.phases)) {
      const { steps } = phaseSteps(phase);
      const paths: string[] = [];
      const up: string[] = [];
      const down: string[] = [];
      for (const step of nameSteps(steps, (part) => phaseSlug(ctx, phase, part))) {
        const tag = `${String(n).padStart(4, "0")}_${step.slug}`;
        n++;
        const when = firstWhen + 1000 * k++;
        const render = (title: string, seg: Segment, explain: string[], joiner: string) =>
          renderTemplate(template, {
            title,
            ...fileHeader(plan, phase, seg.statements),
            explain,
            body: seg.statements.map((s) => terminated(s.sql)).join(joiner),
          });
        if (step.up && step.transaction) {
          const path = `${dir}/${tag}.sql`;
          files.push({ path, content: render("Migration", step.up, [], `\n${BREAKPOINT}\n`) });
          entries.push({ idx: existing.length + entries.length, version, when, tag, breakpoints: true });
          paths.push(path);
          up.push("npx drizzle-kit migrate");
        } else if (step.up) {
          const path = `${dir}/manual/${tag}.sql`;
          const explain = [
            "Not in meta/_journal.json on purpose: drizzle's migrator runs migrations inside one transaction,",
            "and these statements cannot run inside a transaction block. Run it with:",
            `  ${psql(path)}`,
          ];
          files.push({ path, content: render("Manual migration", step.up, explain, "\n") });
          paths.push(path);
          up.push(psql(path));
        }
        const journaled = !!step.up && step.transaction;
        // Forgetting the journaled step lets `drizzle-kit migrate` apply it again later.
        const forget: Statement = { sql: `DELETE FROM drizzle.__drizzle_migrations WHERE created_at = ${when};`, transaction: true, lock: "ROW EXCLUSIVE", rewrite: false };
        const downSeg: Segment | null = phase.irreversible
          ? { transaction: true, statements: [{ sql: raiseIrreversibleSql(phase.irreversible, plan.engine), transaction: true, lock: "none", rewrite: false }] }
          : journaled
            ? { transaction: step.down?.transaction ?? true, statements: [...(step.down?.statements ?? []), forget] }
            : step.down;
        {
          const path = `${dir}/rollback/${tag}.down.sql`;
          const oneTx = !downSeg || downSeg.transaction ? " -1" : "";
          const explain = [
            "Drizzle has no down migrations: run this by hand to roll the step back (it also removes a journaled",
            "step's row from drizzle.__drizzle_migrations, so drizzle-kit migrate can apply it again):",
            `  psql "$DATABASE_URL" -v ON_ERROR_STOP=1${oneTx} -f ${path}`,
            ...(phase.irreversible ? [`Irreversible: ${phase.irreversible}`] : []),
          ];
          // A step with nothing to undo still gets its file, so a phase's rollback is always "run these files".
          const body = downSeg ?? { transaction: true, statements: [{ sql: "-- Nothing to undo in this step.", transaction: true, lock: "none", rewrite: false }] };
          files.push({ path, content: render("Rollback", body, explain, "\n") });
          paths.push(path);
          down.unshift(`psql "$DATABASE_URL" -v ON_ERROR_STOP=1${oneTx} -f ${path}`);
        }
      }
      phases[phase.id] = {
        files: paths,
        // Journaled steps of one phase all apply with one `drizzle-kit migrate`.
        command: up.filter((c, i) => c !== up[i - 1]).join(" && "),
        rollbackCommand: phase.irreversible ? undefined : down.join(" && "),
        notes: [
          ...(paths.some((p) => p.startsWith(`${dir}/manual/`))
            ? ["drizzle's migrator wraps all pending migrations in one transaction, so the statements that cannot run in one are in drizzle/manual/ and run with psql, in the order of the command."]
            : []),
          "Drizzle has no down migrations: the rollback SQL is in drizzle/rollback/, run by hand.",
          ...(phase.irreversible ? [`Its rollback file raises an error: ${phase.irreversible}`] : []),
        ],
      };
    }
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
