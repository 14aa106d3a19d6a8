/**
 * The plan as a Mermaid flowchart, for the top of PLAN.md (GitHub and most editors draw it): each phase
 * with its kind and strongest lock, and the application deploys between phases. Every label is encoded
 * for Mermaid: user text (table and column names, titles) can hold quotes, #, <, > or backticks.
 */
import type { Phase, Plan } from "../plan/model.js";

/** Text for inside a Mermaid `["..."]` label: entity codes for what would end or confuse it, one line. */
export function mermaidLabel(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[#"<>&`]/g, (ch) => `#${ch.charCodeAt(0)};`);
}

export function planDiagram(plan: Plan, strongestLock: (phase: Phase) => string): string {
  const lines = ["```mermaid", "flowchart TD"];
  let previous: string | undefined;
  const link = (id: string) => {
    if (previous) lines.push(`  ${previous} --> ${id}`);
    previous = id;
  };
  plan.phases.forEach((phase, i) => {
    const id = `p${i + 1}`;
    const lock = phase.statements.length ? strongestLock(phase) : "none";
    const label = `${i + 1}. ${phase.kind}: ${phase.title}`;
    if (phase.kind === "deploy") {
      lines.push(`  ${id}[/"${mermaidLabel(`${label} (application deploy, no SQL)`)}"/]`);
    } else {
      lines.push(`  ${id}["${mermaidLabel(label)}<br/>${mermaidLabel(`lock: ${lock}`)}"]`);
    }
    link(id);
    if (phase.deploy && plan.phases[i + 1]?.kind !== "deploy") {
      const deployId = `d${i + 1}`;
      lines.push(`  ${deployId}[/"${mermaidLabel("deploy the application before the next phase")}"/]`);
      link(deployId);
    }
  });
  lines.push("```");
  return lines.join("\n");
}
