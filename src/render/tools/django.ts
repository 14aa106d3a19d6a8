/**
 * Django: `app/migrations/NNNN_<slug>.py` with `migrations.RunSQL(sql, reverse_sql)`, chained by
 * `dependencies`; `atomic = False` for non-transactional files. For drop_column the model state
 * and the database are changed apart with `SeparateDatabaseAndState`.
 */
import template from "../../../templates/django/migration.py.eta?raw";
import type { Phase, Plan, Statement } from "../../plan/model.js";
import type { PhaseFiles, RenderContext, RenderedFile, ToolOutput, ToolRenderer } from "../types.js";
import { commentText, pyString } from "../../plan/encode.js";
import { fileHeader, phaseSlug, renderTemplate } from "./common.js";
import { nameSteps, phaseSteps, splitNotes, sqlPhases, type Segment } from "./steps.js";

const DEFAULT_APP = "app";
const I = "        ";

const sqlList = (seg: Segment, pad: string) =>
  "[\n" + seg.statements.map((s) => `${pad}    ${pyString(s.sql, pad + "    ")},`).join("\n") + `\n${pad}]`;

function runSql(up: Segment | null, down: Segment | null, irreversible: string | undefined, pad: string): string {
  const sql = up ? sqlList(up, pad + "    ") : "migrations.RunSQL.noop";
  const lines = [`${pad}migrations.RunSQL(`, `${pad}    sql=${sql},`];
  // Without reverse_sql Django refuses to unapply the migration (IrreversibleError): the idiom for a one-way step.
  if (irreversible) lines.push(`${pad}    # No reverse_sql: irreversible. ${commentText(irreversible)}`);
  else lines.push(`${pad}    reverse_sql=${down ? sqlList(down, pad + "    ") : "migrations.RunSQL.noop"},`);
  lines.push(`${pad})`);
  return lines.join("\n");
}

/** Django's model name for the table (lower case): `orders` -> `order`. A guess the note asks to check. */
const modelNameGuess = (table: string) => table.split(".").pop()!.replace(/^app_/, "").replace(/s$/, "");

function stateRemoveField(plan: Plan): string {
  const column = plan.answers.columns?.[0]?.name ?? "column";
  return `migrations.RemoveField(model_name=${pyString(modelNameGuess(plan.answers.table ?? "table"))}, name=${pyString(column)})`;
}

const dropsColumn = (phase: Phase) => phase.statements.some((s) => /\bDROP\s+COLUMN\b/i.test(s.sql));

export const django: ToolRenderer = {
  tool: "django",
  render(plan: Plan, ctx: RenderContext): ToolOutput {
    const files: RenderedFile[] = [];
    const phases: Record<string, PhaseFiles> = {};
    // Chained onto the app's latest migration when there is a project (--project): its label, folder and next number.
    const chained = ctx.project?.django;
    const APP = chained?.app ?? DEFAULT_APP;
    const dir = chained?.migrationsDir ?? `${DEFAULT_APP}/migrations`;
    const notes = chained
      ? [`Numbered after ${APP}'s latest migration (${chained.last ?? "none"}), which the first file depends on.`]
      : [
          'Files are written for an app labelled "app": move them into your app\'s migrations folder, rename the label, ' +
            "renumber them after your latest migration and point the first one's dependencies at it (or generate with --project).",
        ];
    let number = chained?.lastNumber ?? 0;
    let previous: string | null = chained?.last ?? null;
    const isDropColumn = plan.answers.operation === "drop_column";
    const dropPhase = isDropColumn ? plan.phases.find(dropsColumn) : undefined;
    // The deploy that stops using the column (the last one before the drop) is where Django's model state should forget it.
    const dropIndex = dropPhase ? plan.phases.indexOf(dropPhase) : -1;
    const stateOnlyPhase = plan.phases.slice(0, Math.max(dropIndex, 0)).filter((p) => p.statements.length === 0).pop();

    const write = (name: string, transaction: boolean, operations: string, phase: Phase, applies: Statement[]) => {
      const path = `${dir}/${name}.py`;
      files.push({
        path,
        content: renderTemplate(template, {
          ...fileHeader(plan, phase, applies),
          transaction,
          dependencies: previous ? `(${JSON.stringify(APP)}, ${JSON.stringify(previous)})` : "",
          operations,
        }),
      });
      previous = name;
      return path;
    };

    for (const phase of plan.phases) {
      const before = previous;
      if (phase === stateOnlyPhase) {
        const name = `${String(++number).padStart(4, "0")}_${phaseSlug(ctx, phase)}`;
        const ops = [
          `${I}# The model no longer has this field: Django's state forgets it now, the column stays until the drop phase.`,
          `${I}migrations.SeparateDatabaseAndState(`,
          `${I}    state_operations=[${stateRemoveField(plan)}],`,
          `${I}    database_operations=[],`,
          `${I}),`,
        ].join("\n");
        const path = write(name, true, ops, phase, []);
        phases[phase.id] = {
          files: [path],
          command: `python manage.py migrate ${APP} ${name}`,
          rollbackCommand: `python manage.py migrate ${APP} ${before ?? "zero"}`,
          notes: [
            "Ship this state-only migration with the deploy that removes the field from the model; it changes no table. " +
              "If `makemigrations` generated a RemoveField for the field, delete it: it would drop the column too early.",
          ],
        };
        continue;
      }
      if (!phase.statements.length) continue;
      const { steps } = phaseSteps(phase);
      const paths: string[] = [];
      for (const step of nameSteps(steps, (part) => phaseSlug(ctx, phase, part))) {
        const name = `${String(++number).padStart(4, "0")}_${step.slug}`;
        let ops = runSql(step.up, step.down, phase.irreversible, I) + ",";
        if (phase === dropPhase && !stateOnlyPhase && step.up?.statements.some((s) => /\bDROP\s+COLUMN\b/i.test(s.sql))) {
          ops = [
            `${I}# Django's model state and the database change apart: the SQL drops the column, the state forgets the field.`,
            `${I}migrations.SeparateDatabaseAndState(`,
            `${I}    state_operations=[${stateRemoveField(plan)}],`,
            `${I}    database_operations=[`,
            runSql(step.up, step.down, phase.irreversible, I + "        ") + ",",
            `${I}    ],`,
            `${I}),`,
          ].join("\n");
        }
        paths.push(write(name, step.transaction, ops, phase, step.up?.statements ?? []));
      }
      phases[phase.id] = {
        files: paths,
        command: `python manage.py migrate ${APP} ${previous}`,
        rollbackCommand: phase.irreversible ? undefined : `python manage.py migrate ${APP} ${before ?? "zero"}`,
        notes: [
          ...splitNotes(steps, [], "`atomic = False`"),
          ...(phase.irreversible ? [`No reverse_sql, so Django refuses to unapply it: ${phase.irreversible}`] : []),
          ...(phase === dropPhase && !stateOnlyPhase
            ? [`SeparateDatabaseAndState keeps Django's model state in step with the drop; check model_name ("${modelNameGuess(plan.answers.table ?? "")}") against your model.`]
            : []),
        ],
      };
    }
    return { tool: "django", files, phases, notes };
  },
};
