/**
 * Rails (ActiveRecord): `db/migrate/<YYYYMMDDHHMMSS>_<slug>.rb` with up/down and `execute`;
 * `disable_ddl_transaction!` for non-transactional files; `ActiveRecord::IrreversibleMigration` for one-way phases.
 */
import template from "../../../templates/rails/migration.rb.eta?raw";
import type { Plan, Statement } from "../../plan/model.js";
import { concurrentIndex, validatesForeignKey } from "./idioms.js";
import { dropsColumn } from "../../plan/effects.js";
import type { RenderContext, ToolOutput, ToolRenderer } from "../types.js";
import { rubyString } from "../../plan/encode.js";
import { versionClock } from "../../project/versions.js";
import { camelize, fileHeader, renderTemplate } from "./common.js";
import { splitNotes, type Segment } from "./steps.js";
import { renderPhaseSteps } from "./phase-loop.js";
import { modelChanges } from "../models/changes.js";
import { railsSnippet, snippetsBy } from "../models/snippets.js";

/** The `Migration[x.y]` the files declare; Rails checks it against its own version. */
export const RAILS_MIGRATION_VERSION = "7.1";

/**
 * One statement as Rails writes it: `add_index ..., algorithm: :concurrently` and `validate_foreign_key` where
 * they produce exactly the statement, `execute` otherwise. An escaped string literal, never a heredoc: no line
 * of the SQL can end it, and `#` is escaped so nothing interpolates.
 */
function statementCode(s: Statement): string {
  const idx = concurrentIndex(s);
  // Rails reads a dot in a table name as the schema's: only plain names go through add_index.
  if (idx && ![idx.table, idx.schema ?? ""].some((n) => /[."]/.test(n))) {
    const table = rubyString(idx.schema ? `${idx.schema}.${idx.table}` : idx.table);
    const columns = idx.columns.map((c) => rubyString(c)).join(", ");
    return `    add_index ${table}, [${columns}], name: ${rubyString(idx.name)}${idx.unique ? ", unique: true" : ""}, algorithm: :concurrently`;
  }
  const fk = validatesForeignKey(s);
  if (fk) return `    validate_foreign_key ${rubyString(fk.table)}, name: ${rubyString(fk.name)}`;
  return `    execute ${rubyString(s.sql.trimEnd(), "    ")}`;
}

const execute = (seg: Segment | null, what: string) =>
  seg ? seg.statements.map(statementCode).join("\n") : `    # Nothing to ${what} in this file.`;

export function renderRails(plan: Plan, ctx: RenderContext, railsVersion = RAILS_MIGRATION_VERSION): ToolOutput {
  // After the project's newest migration in db/migrate (--project).
  const clock = versionClock(ctx.now, ctx.project?.versioned?.last, "timestamp");
  const column = plan.answers.columns?.[0]?.name ?? "column";
  const notes: string[] = [];
  if (plan.answers.operation === "drop_column") {
    notes.push(
      `Before the phase that drops ${column}, deploy the model with \`self.ignored_columns += ["${column}"]\` (PLAN.md shows the change at that phase) so ActiveRecord stops ` +
        "selecting it (its cached column list would otherwise break every query once the column is gone).",
    );
  }
  const { files, phases } = renderPhaseSteps(
    plan,
    ctx,
    {},
    (phase, step) => {
      const version = clock.next();
      const down = phase.irreversible
        ? `    raise ActiveRecord::IrreversibleMigration, ${rubyString(`This migration cannot be undone: ${phase.irreversible}`)}`
        : execute(step.down, "undo");
      const content = renderTemplate(template, {
        ...fileHeader(plan, phase, step.up?.statements ?? []),
        className: camelize(step.slug),
        railsVersion,
        transaction: step.transaction,
        up: execute(step.up, "apply"),
        down,
      });
      return { files: [{ path: `db/migrate/${version}_${step.slug}.rb`, content }], ref: version };
    },
    ({ phase, steps, paths, refs: versions }) => {
      const phaseNotes = splitNotes(steps, [], "`disable_ddl_transaction!`");
      if (phase.irreversible) phaseNotes.push(`down raises ActiveRecord::IrreversibleMigration: ${phase.irreversible}`);
      if (plan.answers.operation === "drop_column" && dropsColumn(phase)) {
        phaseNotes.push(`Only after the deploy with \`self.ignored_columns += ["${column}"]\` is live; remove that line in a later deploy.`);
      }
      return {
        files: paths,
        command: versions.map((v) => `bin/rails db:migrate:up VERSION=${v}`).join(" && "),
        rollbackCommand: phase.irreversible
          ? undefined
          : [...versions].reverse().map((v) => `bin/rails db:migrate:down VERSION=${v}`).join(" && "),
        notes: phaseNotes,
      };
    },
  );
  notes.push(`Files declare ActiveRecord::Migration[${railsVersion}]: change it to your Rails version if older.`);
  return { tool: "rails", files, phases, notes, models: snippetsBy(modelChanges(plan), railsSnippet) };
}

// In a project (--project), the Rails version its Gemfile.lock names.
export const rails: ToolRenderer = { tool: "rails", render: (plan, ctx) => renderRails(plan, ctx, ctx.project?.railsVersion) };
