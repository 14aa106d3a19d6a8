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
    let n = 0;
    for (const phase of sqlPhases(plan.phases)) {
      const { steps } = phaseSteps(phase);
      const paths: string[] = [];
      const up: string[] = [];
      const down: string[] = [];
      for (const step of nameSteps(steps, (part) => phaseSlug(ctx, phase, part))) {
        const tag = `${String(n).padStart(4, "0")}_${step.slug}`;
        const when = ctx.now.getTime() + 1000 * n++;
        const render = (title: string, seg: Segment, explain: string[], joiner: string) =>
          renderTemplate(template, {
            title,
            ...fileHeader(plan, phase, seg.statements),
            explain,
            body: seg.statements.map((s) => terminated(s.sql)).join(joiner),
          });
        if (step.up && step.transaction) {
          const path = `drizzle/${tag}.sql`;
          files.push({ path, content: render("Migration", step.up, [], `\n${BREAKPOINT}\n`) });
          entries.push({ idx: entries.length, version: "7", when, tag, breakpoints: true });
          paths.push(path);
          up.push("npx drizzle-kit migrate");
        } else if (step.up) {
          const path = `drizzle/manual/${tag}.sql`;
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
          const path = `drizzle/rollback/${tag}.down.sql`;
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
          ...(paths.some((p) => p.startsWith("drizzle/manual/"))
            ? ["drizzle's migrator wraps all pending migrations in one transaction, so the statements that cannot run in one are in drizzle/manual/ and run with psql, in the order of the command."]
            : []),
          "Drizzle has no down migrations: the rollback SQL is in drizzle/rollback/, run by hand.",
          ...(phase.irreversible ? [`Its rollback file raises an error: ${phase.irreversible}`] : []),
        ],
      };
    }
    files.push({
      path: "drizzle/meta/_journal.json",
      content: JSON.stringify({ version: "7", dialect: "postgresql", entries }, null, 2) + "\n",
    });
    return {
      tool: "drizzle",
      files,
      phases,
      models: snippetsBy(modelChanges(plan), (pm) => drizzleSnippet(pm, plan.engine)),
      notes: [
        "Merge the journal entries into your drizzle/meta/_journal.json (renumber idx and file prefixes after yours); " +
          "for new hand-written steps drizzle-kit's own way is `drizzle-kit generate --custom`, which also writes a snapshot.",
        "`drizzle-kit migrate` applies every pending journaled migration: add a phase's entries when that phase is due.",
      ],
    };
  },
};
