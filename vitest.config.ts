import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    setupFiles: ["test/setup.ts"],
    // Ink draws nothing until exit when CI is set; the UI tests need frames.
    env: { CI: "false", FORCE_COLOR: "0" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: ["default", ["json", { outputFile: ".tmp/vitest-report.json" }]],
  },
});
