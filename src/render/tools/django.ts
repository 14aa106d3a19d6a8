/**
 * Django: `app/migrations/NNNN_<slug>.py` with `migrations.RunSQL(sql, reverse_sql)`, chained by
 * `dependencies`; `atomic = False` for non-transactional files. Wherever the model changes, the
 * migration carries the change as state operations (`SeparateDatabaseAndState`), so Django's model
 * state equals the database after every phase and `makemigrations` has nothing to add.
 */
import template from "../../../templates/django/migration.py.eta?raw";
import type { Phase, Plan, Statement } from "../../plan/model.js";
import type { ModelSnippet, PhaseFiles, RenderContext, RenderedFile, ToolOutput, ToolRenderer } from "../types.js";
import { commentText, pyString } from "../../plan/encode.js";
import { fileHeader, phaseSlug, renderTemplate } from "./common.js";
import { nameSteps, phaseSteps, splitNotes, type Segment, type Step } from "./steps.js";
import { concurrentIndex, dropsConcurrentIndex } from "./idioms.js";
import { modelChanges } from "../models/changes.js";
import { djangoSnippet, djangoStateOperations, indexExpr } from "../models/django.js";
import { modelClassName } from "../models/naming.js";

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

/** Operations that change Django's state and the database apart: the state as the model will be, the database by the SQL. */
function separate(stateOps: string[], databaseOps: string, pad: string): string {
  return [
    `${pad}migrations.SeparateDatabaseAndState(`,
    `${pad}    state_operations=[`,
    ...stateOps.map((o) => `${pad}        ${o},`),
    `${pad}    ],`,
    `${pad}    database_operations=[${databaseOps ? "\n" + databaseOps + "\n" + pad + "    " : ""}],`,
    `${pad}),`,
  ].join("\n");
}

/**
 * A step that only builds one plain index concurrently (after its session settings), whose state change is that
 * index: Django's AddIndexConcurrently runs the same statement and records the index. Settings stay RunSQL
 * around it, so they run first on the way up and, for the rollback, before the drop on the way down.
 */
function addIndexConcurrently(step: Step, stateOps: string[], modelName: string): string | undefined {
  const up = step.up?.statements ?? [];
  const build = up[up.length - 1];
  const idx = build && concurrentIndex(build);
  if (!idx || idx.unique || up.slice(0, -1).some((s) => !s.setting)) return undefined;
  const down = step.down?.statements ?? [];
  if (down.length && (!dropsConcurrentIndex(down[down.length - 1], idx) || down.slice(0, -1).some((s) => !s.setting))) return undefined;
  const addIndex = `migrations.AddIndex(model_name=${pyString(modelName)}, index=${indexExpr(idx.columns, idx.name, false)})`;
  if (!stateOps.includes(addIndex)) return undefined;
  const rest = stateOps.filter((o) => o !== addIndex);
  const settings = (list: Statement[]) => "[" + list.map((s) => pyString(s.sql)).join(", ") + "]";
  const upSettings = up.slice(0, -1);
  const downSettings = down.slice(0, -1);
  return [
    `${I}# AddIndexConcurrently runs CREATE INDEX CONCURRENTLY (and DROP INDEX CONCURRENTLY IF EXISTS to undo) and records the index in Django's state.`,
    ...(upSettings.length ? [`${I}migrations.RunSQL(sql=${settings(upSettings)}, reverse_sql=migrations.RunSQL.noop),`] : []),
    `${I}AddIndexConcurrently(model_name=${pyString(modelName)}, index=${indexExpr(idx.columns, idx.name, false)}),`,
    ...(downSettings.length ? [`${I}migrations.RunSQL(sql=migrations.RunSQL.noop, reverse_sql=${settings(downSettings)}),`] : []),
    ...(rest.length ? [separate(rest, "", I)] : []),
  ].join("\n");
}

/** The migration chain being written: the app, its folder, the last number and name (the next file depends on it). */
interface Chain {
  app: string;
  dir: string;
  number: number;
  previous: string | null;
  files: RenderedFile[];
}

/** The next file name in the chain: `0042_<slug>`. */
const nextName = (chain: Chain, slug: string) => `${String(++chain.number).padStart(4, "0")}_${slug}`;

/** Writes one migration file depending on the chain's previous one; returns its path. */
function writeMigration(plan: Plan, chain: Chain, name: string, m: { transaction: boolean; operations: string; phase: Phase; applies: Statement[]; concurrently?: boolean }): string {
  const path = `${chain.dir}/${name}.py`;
  chain.files.push({
    path,
    content: renderTemplate(template, {
      ...fileHeader(plan, m.phase, m.applies),
      transaction: m.transaction,
      concurrently: !!m.concurrently,
      dependencies: chain.previous ? `(${JSON.stringify(chain.app)}, ${JSON.stringify(chain.previous)})` : "",
      operations: m.operations,
    }),
  });
  chain.previous = name;
  return path;
}

/** What the phase changes in Django's state, and the notes about it. */
interface PhaseState {
  ops: string[];
  notes: string[];
}

/** A phase without SQL whose model changes: a state-only migration shipped with the deploy. */
function stateOnlyPhase(plan: Plan, ctx: RenderContext, chain: Chain, phase: Phase, state: PhaseState): PhaseFiles {
  const before = chain.previous;
  const name = nextName(chain, phaseSlug(ctx, phase));
  const ops = `${I}# The model changes with this deploy; the database does not: only Django's state moves.\n` + separate(state.ops, "", I);
  const path = writeMigration(plan, chain, name, { transaction: true, operations: ops, phase, applies: [] });
  return {
    files: [path],
    command: `python manage.py migrate ${chain.app} ${name}`,
    rollbackCommand: `python manage.py migrate ${chain.app} ${before ?? "zero"}`,
    notes: [
      "Ship this state-only migration with the deploy that changes the model; it changes no table. " +
        "If `makemigrations` generated a migration for the same change, delete it: it would change the database too early.",
      ...state.notes,
    ],
  };
}

/** A phase with SQL: one migration per step, the state moving with the last one that applies something. */
function sqlPhase(plan: Plan, ctx: RenderContext, chain: Chain, phase: Phase, state: PhaseState, modelName: string): { entry: PhaseFiles; concurrently: boolean } {
  const before = chain.previous;
  const { steps } = phaseSteps(phase);
  const named = nameSteps(steps, (part) => phaseSlug(ctx, phase, part));
  // The state moves with the phase's last file that applies something: after it, the database matches.
  const stateStep = [...named].reverse().find((s) => s.up) ?? named[named.length - 1];
  const paths: string[] = [];
  let concurrently = false;
  for (const step of named) {
    const name = nextName(chain, step.slug);
    const idiom = step === stateStep ? addIndexConcurrently(step, state.ops, modelName) : undefined;
    const operations = idiom
      ? idiom
      : step === stateStep && state.ops.length
        ? `${I}# Django's state and the database change apart: the SQL changes the table, the state follows the model.\n` +
          separate(state.ops, runSql(step.up, step.down, phase.irreversible, I + "        ") + ",", I)
        : runSql(step.up, step.down, phase.irreversible, I) + ",";
    if (idiom) concurrently = true;
    paths.push(writeMigration(plan, chain, name, { transaction: step.transaction, operations, phase, applies: step.up?.statements ?? [], concurrently: !!idiom }));
  }
  const entry = {
    files: paths,
    command: `python manage.py migrate ${chain.app} ${chain.previous}`,
    rollbackCommand: phase.irreversible ? undefined : `python manage.py migrate ${chain.app} ${before ?? "zero"}`,
    notes: [
      ...splitNotes(steps, [], "`atomic = False`"),
      ...(phase.irreversible ? [`No reverse_sql, so Django refuses to unapply it: ${phase.irreversible}`] : []),
      ...state.notes,
    ],
  };
  return { entry, concurrently };
}

export const django: ToolRenderer = {
  tool: "django",
  render(plan: Plan, ctx: RenderContext): ToolOutput {
    const phases: Record<string, PhaseFiles> = {};
    // Chained onto the app's latest migration when there is a project (--project): its label, folder and next number.
    const chained = ctx.project?.django;
    const APP = chained?.app ?? DEFAULT_APP;
    const chain: Chain = { app: APP, dir: chained?.migrationsDir ?? `${DEFAULT_APP}/migrations`, number: chained?.lastNumber ?? 0, previous: chained?.last ?? null, files: [] };
    const notes = chained
      ? [`Numbered after ${APP}'s latest migration (${chained.last ?? "none"}), which the first file depends on.`]
      : [
          'Files are written for an app labelled "app": move them into your app\'s migrations folder, rename the label, ' +
            "renumber them after your latest migration and point the first one's dependencies at it (or generate with --project).",
        ];
    const models = modelChanges(plan);
    const snippets: Record<string, ModelSnippet> = {};
    let usesConcurrently = false;
    const modelName = modelClassName(plan.answers.table ?? "table").toLowerCase();
    for (const phase of plan.phases) {
      const pm = models.get(phase.id);
      const snippet = pm && djangoSnippet(pm, { app: APP });
      if (snippet) snippets[phase.id] = { file: `${APP}/models.py`, lang: "diff", text: snippet };
      const { ops, missing } = pm ? djangoStateOperations(pm, { app: APP }) : { ops: [], missing: [] };
      const state: PhaseState = {
        ops,
        notes: [
          ...missing.map((m) => `Django's state is not changed by this phase's migration: ${m}.`),
          ...(ops.length ? [`Its migration carries the model change as state operations (model_name "${modelName}", guessed from the table: check it against your model).`] : []),
        ],
      };
      if (!phase.statements.length) {
        if (state.ops.length) phases[phase.id] = stateOnlyPhase(plan, ctx, chain, phase, state);
        continue;
      }
      const { entry, concurrently } = sqlPhase(plan, ctx, chain, phase, state, modelName);
      phases[phase.id] = entry;
      usesConcurrently ||= concurrently;
    }
    if (usesConcurrently)
      notes.push("A plain concurrent index build is Django's AddIndexConcurrently (django.contrib.postgres, Django 3.0+): the same statement, with the index in Django's state.");
    if (Object.keys(snippets).length)
      notes.push(
        "Add each phase's migration files to the app when that phase is due, with its model change (PLAN.md shows it): Django reads its state from " +
          "every migration file in the folder, so with later phases' files present `makemigrations` would compare the model against the final state.",
      );
    return { tool: "django", files: chain.files, phases, notes, models: snippets };
  },
};
