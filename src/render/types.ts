/** What a tool renderer produces from a plan. Paths are relative to the output folder, with `/`. */
import type { Plan } from "../plan/model.js";
import type { Tool } from "../answers/schema.js";
import type { ProjectHistory } from "../project/types.js";

export interface RenderedFile {
  path: string;
  content: string;
  /** Set when the file is a project file the plan edits (--project): the content it had when read, which it must still have when written. */
  base?: string;
}

export interface PhaseFiles {
  /** Files that carry this phase (up and down, or one file with both). */
  files: string[];
  /** The tool command that runs this phase, e.g. `alembic upgrade +1`. */
  command: string;
  /** The command that rolls this phase back, when the tool has one. */
  rollbackCommand?: string;
  /** Tool-specific remarks (a statement split into its own file, a tool idiom used...). */
  notes?: string[];
}

export interface ToolOutput {
  tool: Tool;
  files: RenderedFile[];
  /** Keyed by `Phase.id`; phases without SQL have no entry. */
  phases: Record<string, PhaseFiles>;
  /** Remarks for the whole plan (where to put the files, configuration needed...). */
  notes: string[];
  /** Keyed by `Phase.id`: the change to make in the tool's model at that phase (a diff in the model's language). */
  models?: Record<string, ModelSnippet>;
}

export interface ModelSnippet {
  /** The file the change goes to, as the tool's projects usually name it (`models.py`, `schema.prisma`). */
  file: string;
  /** The code block's language: `diff` for line changes, `ruby` for a line to add. */
  lang: string;
  text: string;
}

export interface RenderContext {
  /** Fixed clock for timestamps in file names (tests pass a constant). */
  now: Date;
  /** A short snake_case name for the change, e.g. `add_status_to_accounts`. */
  slug: string;
  /** The existing project the files join (--project): where its history ends and where its files live. */
  project?: ProjectHistory;
}

export interface ToolRenderer {
  tool: Tool;
  render(plan: Plan, ctx: RenderContext): ToolOutput;
}
