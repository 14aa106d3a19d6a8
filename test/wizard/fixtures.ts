/** A small hand-built TreeSet covering every node kind and skip rule, independent of the shipped trees. */
import type { TreeNode, TreeSet } from "../../src/trees/model.js";

type NodeSpec = TreeNode extends infer N ? (N extends TreeNode ? Omit<N, "pos" | "tree"> : never) : never;

function nodes(list: NodeSpec[]): Record<string, TreeNode> {
  return Object.fromEntries(
    list.map((n, i) => [n.id, { ...n, tree: "fixture", pos: { file: "fixture.yaml", line: i + 1, col: 1 } } as TreeNode]),
  );
}

export function fixtureTrees(): TreeSet {
  return {
    files: [{ name: "fixture", path: "fixture.yaml", title: "Fixture" }],
    entry: { plan: "operation", troubleshoot: "symptom" },
    nodes: nodes([
      {
        id: "operation",
        type: "choice",
        prompt: "What change do you want to make?",
        help: "The operation decides the phases.",
        answer: "operation",
        next: "table",
        choices: [
          { value: "add_column", label: "Add a column", hint: "cheap when nullable" },
          { value: "rename_column", label: "Rename a column", hint: "expand/contract" },
          { value: "create_table", label: "Create a table", next: "table" },
        ],
      },
      {
        id: "table",
        type: "input",
        prompt: "Which table?",
        help: "As the application spells it.",
        answer: "table",
        input: "table",
        placeholder: "orders",
        next: "column",
      },
      {
        id: "column",
        type: "input",
        prompt: "Which column?",
        help: "The column name.",
        answer: "columns.0.name",
        input: "identifier",
        next: "new_name",
      },
      {
        id: "new_name",
        type: "input",
        prompt: "New column name?",
        help: "The name after the rename.",
        answer: "details.new_name",
        input: "identifier",
        when: { operation: "rename_column" },
        next: "rows",
      },
      {
        id: "rows",
        type: "input",
        prompt: "About how many rows?",
        help: "Size decides batching.",
        answer: "approx_rows",
        input: "integer",
        when: { operation: { not_in: ["create_table"] } },
        next: "engine",
      },
      {
        id: "engine",
        type: "choice",
        prompt: "Which database?",
        help: "Locks differ per engine.",
        answer: "engine",
        next: "version",
        choices: [
          { value: "postgresql", label: "PostgreSQL" },
          { value: "mysql", label: "MySQL", when: { operation: { not_in: ["rename_column"] } } },
        ],
      },
      {
        id: "version",
        type: "input",
        prompt: "Which version?",
        help: "Facts depend on the version.",
        answer: "engine_version",
        input: "version",
        next: "stack",
      },
      {
        id: "stack",
        type: "choice",
        prompt: "What is your stack?",
        help: "Picks the migration tool.",
        answer: "stack",
        next: "tool",
        choices: [
          { value: "django", label: "Python with Django", set: { tool: "django" }, next: "note" },
          { value: "other", label: "Something else" },
        ],
      },
      {
        id: "tool",
        type: "choice",
        prompt: "Which migration tool?",
        help: "Files are written for it.",
        answer: "tool",
        next: "note",
        choices: [
          { value: "raw-sql", label: "Plain SQL files" },
          { value: "rails", label: "Rails" },
        ],
      },
      {
        id: "note",
        type: "input",
        prompt: "A note for the plan (optional)",
        help: "Shown at the top of PLAN.md.",
        answer: "note",
        input: "text",
        optional: true,
        next: "done",
      },
      { id: "done", type: "end", outcome: "plan" },
      {
        id: "symptom",
        type: "choice",
        prompt: "What went wrong?",
        help: "Pick the closest symptom.",
        answer: "symptom",
        choices: [
          { value: "lock_timeout", label: "Lock timeout", next: "diag_lock" },
          { value: "invalid_index", label: "INVALID index", next: "diag_index" },
        ],
      },
      { id: "diag_lock", type: "end", outcome: "diagnosis:lock_timeout" },
      { id: "diag_index", type: "end", outcome: "diagnosis:invalid_index" },
    ]),
  };
}

/**
 * A small troubleshoot-like tree whose first question takes pasted text and routes by the `match`
 * patterns ahead; `route` turns the flag off to show the text alone settles nothing.
 */
export function matchFixtureTrees(route = true): TreeSet {
  return {
    files: [{ name: "fixture", path: "fixture.yaml", title: "Fixture" }],
    entry: { troubleshoot: "paste" },
    nodes: nodes([
      {
        id: "paste",
        type: "input",
        prompt: "Paste the error message",
        help: "A known message skips the questions it answers.",
        answer: "error",
        input: "text",
        optional: true,
        route_by_match: route,
        next: "engine",
      },
      {
        id: "engine",
        type: "choice",
        prompt: "Which database?",
        help: "Queries differ per engine.",
        answer: "engine",
        next: "symptom",
        choices: [
          { value: "postgresql", label: "PostgreSQL" },
          { value: "mysql", label: "MySQL" },
        ],
      },
      {
        id: "symptom",
        type: "choice",
        prompt: "What went wrong?",
        help: "Pick the closest symptom.",
        answer: "symptom",
        choices: [
          { value: "lock", label: "Lock timeout", next: "diag_lock", match: ["\\b55P03\\b", "lock timeout"] },
          { value: "failed", label: "A statement failed", next: "failure" },
        ],
      },
      {
        id: "failure",
        type: "choice",
        prompt: "What does the error say?",
        help: "The error names the cause.",
        answer: "failure",
        choices: [
          {
            value: "duplicates",
            label: "Duplicate values",
            next: "diag_dup",
            set: { details: { kind: "unique" } },
            match: ['violates unique constraint "(?<constraint_name>\\w+)"', 'on table "(?<table>\\w+)"'],
          },
          { value: "other", label: "Something else", next: "diag_other" },
        ],
      },
      { id: "diag_lock", type: "end", outcome: "diagnosis:lock" },
      { id: "diag_dup", type: "end", outcome: "diagnosis:dup" },
      { id: "diag_other", type: "end", outcome: "diagnosis:other" },
    ]),
  };
}
