/**
 * The per-phase file loop the step-based tool renderers share: every phase with SQL is cut into
 * steps (one file, or file pair, each), each step is written by the tool, then the phase's entry
 * (its files, commands and notes) is made from what its steps wrote.
 */
import type { Engine } from "../../answers/schema.js";
import type { Phase, Plan, Statement } from "../../plan/model.js";
import type { PhaseFiles, RenderContext, RenderedFile } from "../types.js";
import { phaseSlug, raiseIrreversibleSql } from "./common.js";
import { nameSteps, phaseSteps, sqlPhases, terminated, type NamedStep, type Segment, type Step } from "./steps.js";

/** What a tool writes for one step: its files, and what its commands name it by (a version, a file name...). */
export interface StepOutput<T> {
  files: RenderedFile[];
  ref: T;
}

/** A phase once its steps are written: what the tool needs for the phase's entry. */
export interface WrittenPhase<T> {
  phase: Phase;
  steps: Step[];
  /** Settings left out of one-statement files (see phaseSteps' `isolate`). */
  droppedSettings: Statement[];
  /** Every file the phase's steps wrote, in order. */
  paths: string[];
  refs: T[];
}

export function renderPhaseSteps<T>(
  plan: Plan,
  ctx: RenderContext,
  opts: { isolate?: boolean },
  writeStep: (phase: Phase, step: NamedStep) => StepOutput<T>,
  entry: (written: WrittenPhase<T>) => PhaseFiles,
): { files: RenderedFile[]; phases: Record<string, PhaseFiles> } {
  const files: RenderedFile[] = [];
  const phases: Record<string, PhaseFiles> = {};
  for (const phase of sqlPhases(plan.phases)) {
    const { steps, droppedSettings } = phaseSteps(phase, opts);
    const paths: string[] = [];
    const refs: T[] = [];
    for (const step of nameSteps(steps, (part) => phaseSlug(ctx, phase, part))) {
      const out = writeStep(phase, step);
      files.push(...out.files);
      paths.push(...out.files.map((f) => f.path));
      refs.push(out.ref);
    }
    phases[phase.id] = entry({ phase, steps, droppedSettings, paths, refs });
  }
  return { files, phases };
}

/**
 * The statements of one SQL file of a step, each terminated: the segment's, or for the down file of an
 * irreversible phase the statement that refuses, or a comment saying there is nothing to do.
 */
export function fileStatements(seg: Segment | null, irreversible: string | undefined, engine: Engine, nothing: string): string[] {
  if (irreversible) return [raiseIrreversibleSql(irreversible, engine)];
  return seg ? seg.statements.map((s) => terminated(s.sql)) : [nothing];
}
