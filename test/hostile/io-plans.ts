/** Two plans with many files, overlapping paths and different contents, for the kill tests. */
import type { OutputFile } from "../../src/output/write.js";

const many = (dir: string, n: number, tag: string): OutputFile[] =>
  Array.from({ length: n }, (_, i) => ({ path: `${dir}/${String(i + 1).padStart(3, "0")}_${tag}.sql`, content: `-- ${tag} ${i}\nSELECT ${i};\n`.repeat(20) }));

export const planA: OutputFile[] = [
  { path: "PLAN.md", content: "# plan A\n" },
  { path: "answers.yaml", content: "tool: raw-sql\n" },
  ...many("migrations", 40, "a"),
  { path: "migrations/deep/more/x.sql", content: "-- deep A\n" },
];

export const planB: OutputFile[] = [
  { path: "PLAN.md", content: "# plan B\n" },
  { path: "answers.yaml", content: "tool: alembic\n" },
  ...many("alembic/versions", 30, "b"),
  ...many("migrations", 10, "a").map((f) => ({ ...f, content: f.content.replace(/ a /g, " B ") })),
];

/** Files of the user's that every run must keep. */
export const userFiles: OutputFile[] = [
  { path: "notes.txt", content: "mine\n" },
  { path: "migrations/README.team", content: "our own file inside the plan's folder\n" },
];
