/**
 * Alembic: `alembic/versions/<rev>_<slug>.py`, one revision per phase, chained by `down_revision`.
 * Non-transactional statements go inside `op.get_context().autocommit_block()`; a plain concurrent index
 * build is `op.create_index(..., postgresql_concurrently=True)` there.
 */
import template from "../../../templates/alembic/revision.py.eta?raw";
import type { Plan, Statement } from "../../plan/model.js";
import { concurrentIndex } from "./idioms.js";
import type { PhaseFiles, RenderContext, RenderedFile, ToolOutput, ToolRenderer } from "../types.js";
import { hashComment, pyDocText, pyString } from "../../plan/encode.js";
import { fileHeader, phaseSlug, renderTemplate, stableId } from "./common.js";
import { segments, sqlPhases, type Segment } from "./steps.js";

// op.execute() wraps a string in text(), where `:name` is a bind parameter; `\:` keeps a literal colon.
const escapeBinds = (sql: string) => sql.replace(/(?<![:\w\\]):(?=[A-Za-z_])/g, "\\:");

const call = (sql: string, pad: string) => `op.execute(${pyString(escapeBinds(sql), pad)})`;

/** A plain concurrent index build as Alembic writes it: the same statement, from op.create_index. */
function createIndex(s: Statement): string | undefined {
  const idx = concurrentIndex(s);
  if (!idx) return undefined;
  const args = [pyString(idx.name), pyString(idx.table), `[${idx.columns.map((c) => pyString(c)).join(", ")}]`];
  if (idx.unique) args.push("unique=True");
  if (idx.schema) args.push(`schema=${pyString(idx.schema)}`);
  return `op.create_index(${[...args, "postgresql_concurrently=True"].join(", ")})`;
}

function body(segs: Segment[]): string {
  const lines: string[] = [];
  for (const seg of segs) {
    if (seg.transaction) lines.push(...seg.statements.map((s) => "    " + call(s.sql, "    ")));
    else {
      lines.push("    # Cannot run inside a transaction block: Alembic commits what came before and runs this in autocommit.");
      lines.push("    with op.get_context().autocommit_block():");
      lines.push(...seg.statements.map((s) => "        " + (createIndex(s) ?? call(s.sql, "        "))));
    }
  }
  return lines.length ? lines.join("\n") : "    pass";
}

/** The header fields as docstring text (printed with `<%~ %>`): one line each, `\\` and `"` escaped. */
function docstringHeader(h: ReturnType<typeof fileHeader>) {
  return { doc: { title: pyDocText(h.phase.title), id: pyDocText(h.phase.id), kind: pyDocText(h.phase.kind), summary: pyDocText(h.summary), locks: h.locks.map(pyDocText) } };
}

export const alembic: ToolRenderer = {
  tool: "alembic",
  render(plan: Plan, ctx: RenderContext): ToolOutput {
    const files: RenderedFile[] = [];
    const phases: Record<string, PhaseFiles> = {};
    // Chained onto the project's head when there is one (--project), so the history keeps one head.
    const chained = ctx.project?.alembic;
    let previous: string | null = chained?.head ?? null;
    const versionsDir = chained?.versionsDir ?? "alembic/versions";
    for (const phase of sqlPhases(plan.phases)) {
      const slug = phaseSlug(ctx, phase);
      const revision = stableId(`${ctx.slug}:${phase.id}`);
      const downgrade = phase.irreversible
        ? `    ${hashComment(`Irreversible: ${phase.irreversible}`)}\n    raise RuntimeError(${pyString(`This migration cannot be undone: ${phase.irreversible}`)})`
        : body(segments(phase.rollback ?? []));
      const path = `${versionsDir}/${revision}_${slug}.py`;
      files.push({
        path,
        content: renderTemplate(template, {
          ...docstringHeader(fileHeader(plan, phase, phase.statements)),
          revision,
          downRevision: previous,
          createDate: ctx.now.toISOString().replace("T", " ").replace(/\.\d+Z$/, ""),
          upgrade: body(segments(phase.statements)),
          downgrade,
        }),
      });
      phases[phase.id] = {
        files: [path],
        command: `alembic upgrade ${revision}`,
        rollbackCommand: phase.irreversible ? undefined : `alembic downgrade ${previous ?? "base"}`,
        notes: phase.irreversible ? [`downgrade() raises: ${phase.irreversible}`] : undefined,
      };
      previous = revision;
    }
    return {
      tool: "alembic",
      files,
      phases,
      notes: [
        chained
          ? `The first revision's down_revision is the project's head (${chained.head ?? "None: the history was empty"}), so \`alembic heads\` still shows one head.`
          : "Copy alembic/versions/*.py into your versions folder. The first revision has down_revision = None: set it to your current head (`alembic heads`), or generate with --project.",
      ],
    };
  },
};
