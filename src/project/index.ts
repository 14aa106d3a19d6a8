/** `--project DIR`: the project a plan's files join. The disk is read here and in fs.ts only. */
import { existsSync, statSync } from "node:fs";
import type { Tool } from "../answers/schema.js";
import { detectTool, looksLikeProject } from "./detect.js";
import { projectFiles, listProject, topNames } from "./fs.js";
import { readHistory } from "./history.js";
import { ProjectError, type ProjectHistory } from "./types.js";

export { ProjectError } from "./types.js";

export interface Project {
  root: string;
  /** The tool its files point to (null: none recognised). */
  tool: Tool | null;
}

/** The project named by --project, or the working directory when it looks like one; undefined otherwise. */
export function openProject(dir: string | undefined, cwd = process.cwd()): Project | undefined {
  if (dir !== undefined) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ProjectError(`--project ${dir}: no such folder`);
    return { root: dir, tool: detectTool(listProject(dir, 3)) };
  }
  // Only a folder that looks like a project is listed: running from a home folder must not walk it.
  if (!looksLikeProject(topNames(cwd))) return undefined;
  const tool = detectTool(listProject(cwd, 3));
  return tool ? { root: cwd, tool } : undefined;
}

/** Where the project's history ends, for the renderer of `tool`. */
export function projectHistory(project: Project, tool: Tool, table: string): ProjectHistory {
  return readHistory(tool, projectFiles(project.root), table);
}
