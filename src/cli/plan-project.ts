/** `--project` and the `--out` it defaults: shared by the batch run and the wizard (no UI imports here). */
import { openProject, ProjectError, type Project } from "../project/index.js";
import { CliError, EXIT } from "./common.js";

/** The --project folder (or the working directory when it is a project), and --out, which defaults to it. */
export function projectAndOut(opts: { project?: string; out?: string }): { project: Project | undefined; out: string } {
  let project: Project | undefined;
  try {
    project = openProject(opts.project);
  } catch (e) {
    if (e instanceof ProjectError) throw new CliError(e.message, EXIT.usage);
    throw e;
  }
  return { project, out: opts.out ?? project?.root ?? "migration-plan" };
}
