/**
 * Liquibase: `changelog/db.changelog-master.yaml`, one changeSet per step (`runInTransaction: false`
 * where needed) with `sql` changes and a `rollback`, and a `tagDatabase` changeSet after each phase.
 */
import { commentText } from "../../plan/encode.js";
import { stringify } from "yaml";
import template from "../../../templates/liquibase/changelog.yaml.eta?raw";
import type { Plan, Statement } from "../../plan/model.js";
import type { PhaseFiles, RenderContext, ToolOutput, ToolRenderer } from "../types.js";
import { includeInMaster } from "../../project/edits.js";
import { renderTemplate, snake, timestamp } from "./common.js";
import { phaseSteps, splitNotes, sqlPhases, type Segment } from "./steps.js";

const AUTHOR = "migration-wizard";
export const CHANGELOG = "changelog/db.changelog-master.yaml";

// splitStatements: false, because Liquibase's own splitter cuts DO blocks at their inner semicolons.
const sqlChange = (s: Statement) => ({ sql: { sql: s.sql.trimEnd(), splitStatements: false } });
const changes = (seg: Segment | null) => (seg ? seg.statements.map(sqlChange) : [{ empty: {} }]);

export const liquibase: ToolRenderer = {
  tool: "liquibase",
  render(plan: Plan, ctx: RenderContext): ToolOutput {
    const changeLog: object[] = [];
    const phases: Record<string, PhaseFiles> = {};
    let previousTag: string | null = null;
    // Joining a project (--project): a changelog of its own beside the master changelog, which includes it.
    const master = ctx.project?.liquibase;
    const masterDir = master?.master.path.includes("/") ? master.master.path.slice(0, master.master.path.lastIndexOf("/") + 1) : "";
    const own = master ? `${timestamp(ctx.now, 0)}_${snake(ctx.slug)}.yaml` : undefined;
    const changelog = own ? `${masterDir}${own}` : CHANGELOG;
    for (const phase of sqlPhases(plan.phases)) {
      const { steps } = phaseSteps(phase);
      const tag = `${snake(ctx.slug)}_${snake(phase.id)}`;
      steps.forEach((step, k) => {
        const changeSet: Record<string, unknown> = {
          id: steps.length > 1 ? `${tag}_${k + 1}` : tag,
          author: AUTHOR,
          comment: commentText(`${phase.title} (phase ${phase.id}, ${phase.kind})` + (phase.irreversible ? `. Irreversible: ${phase.irreversible}` : "")),
        };
        if (!step.transaction) changeSet.runInTransaction = false;
        changeSet.changes = changes(step.up);
        // No rollback block: Liquibase cannot invert raw SQL, so `rollback` stops here with an error, as it should.
        if (!phase.irreversible) changeSet.rollback = changes(step.down);
        changeLog.push({ changeSet });
      });
      changeLog.push({ changeSet: { id: `${tag}_tag`, author: AUTHOR, changes: [{ tagDatabase: { tag } }] } });
      phases[phase.id] = {
        files: master ? [changelog, master.master.path] : [changelog],
        command: `liquibase update-to-tag --tag=${tag}`,
        rollbackCommand: phase.irreversible
          ? undefined
          : previousTag
            ? `liquibase rollback --tag=${previousTag}`
            : `liquibase rollback-count --count=${steps.length + 1}`,
        notes: [
          ...splitNotes(steps, [], "`runInTransaction: false`"),
          ...(phase.irreversible ? [`Its changeSets have no rollback, so Liquibase refuses to roll them back: ${phase.irreversible}`] : []),
        ],
      };
      previousTag = tag;
    }
    const body = stringify({ databaseChangeLog: changeLog }, { lineWidth: 0, blockQuote: "literal" });
    return {
      tool: "liquibase",
      files: [
        { path: changelog, content: renderTemplate(template, { summary: plan.summary, body }) },
        ...(master && own ? [{ path: master.master.path, content: includeInMaster(master.master, master.format, own), base: master.master.content }] : []),
      ],
      phases,
      notes: [
        master
          ? `${master.master.path} includes ${changelog} at its end, so the project's own changelog runs it after its changeSets.`
          : "Include changelog/db.changelog-master.yaml from your master changelog, or use it as the master (`--changelog-file`), or generate with --project.",
      ],
    };
  },
};
