/** Every tool's module (src/tools/<tool>.ts) is in the registry, and detection tries each tool that can be recognised. */
import { describe, expect, it } from "vitest";
import { TOOLS } from "../../src/answers/schema.js";
import { DETECTION_ORDER, TOOL_MODULES } from "../../src/tools/index.js";

describe("tool modules", () => {
  it("detection tries exactly the tools whose module can recognise a project, each once", () => {
    const detectable = TOOLS.filter((t) => TOOL_MODULES[t].detect);
    expect([...DETECTION_ORDER].sort()).toEqual([...detectable].sort());
    expect(new Set(DETECTION_ORDER).size).toBe(DETECTION_ORDER.length);
  });

  it("every tool has its facts", () => {
    for (const t of TOOLS) expect(TOOL_MODULES[t].facts.name.length, t).toBeGreaterThan(0);
  });
});
