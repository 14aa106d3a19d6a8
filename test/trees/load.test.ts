import { describe, expect, it } from "vitest";
import { loadTrees } from "../../src/trees/load.js";
import { errorsFor, GOOD, treeDir } from "./helpers.js";

describe("loadTrees: good trees", () => {
  it("loads a tree into plain, JSON-serialisable data with positions", () => {
    const dir = treeDir({ "good.yaml": GOOD });
    const { trees, errors } = loadTrees([dir], { relativeTo: dir });
    expect(errors).toEqual([]);
    expect(trees!.entry).toEqual({ plan: "q" });
    expect(trees!.files).toEqual([{ name: "good", path: "good.yaml", title: "Good" }]);
    expect(trees!.nodes.q).toMatchObject({ type: "choice", answer: "x", tree: "good", pos: { file: "good.yaml", line: 4, col: 5 } });
    expect(trees!.nodes.done).toMatchObject({ type: "end", outcome: "plan", pos: { line: 13, col: 5 } });
    expect(JSON.parse(JSON.stringify(trees))).toEqual(trees);
  });

  it("accepts every condition form and a node skipped by `when`", () => {
    const text = GOOD.replace(
      "    next: done\n",
      `    next: done
    when:
      all:
        - {operation: add_column}
        - {operation: {in: [a, b]}, table: {exists: true}}
        - any: [{approx_rows: {lt: 10}}, {approx_rows: {gte: 1000}}]
        - not: {engine_version: {version_lt: "11"}}
        - {engine_version: {version_gte: "12.1"}, tool: {not_in: [prisma]}, columns.0.nullable: false}
`,
    );
    expect(errorsFor({ "good.yaml": text })).toEqual([]);
  });
});

describe("loadTrees: one error of each kind, with file:line:col", () => {
  it("YAML syntax error", () => {
    expect(errorsFor({ "good.yaml": GOOD + "broken: [unclosed\n" })).toEqual([
      "good.yaml:16:1: YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
    ]);
  });

  it("unknown key, at the key, with a suggestion", () => {
    expect(errorsFor({ "good.yaml": GOOD.replace("    help: Because", "    hlep: x\n    help: Because") })).toEqual([
      'good.yaml:7:5: unknown key "hlep" (did you mean "help"?)',
    ]);
  });

  it("unknown key inside a choice", () => {
    expect(errorsFor({ "good.yaml": GOOD.replace("{value: b, label: B}", "{value: b, label: B, color: red}") })).toEqual([
      'good.yaml:12:30: unknown key "color"',
    ]);
  });

  it("unknown key from an unquoted comma in a flow mapping, with the reason", () => {
    expect(errorsFor({ "good.yaml": GOOD.replace("{value: b, label: B}", "{value: b, label: Bigger, slower}") })).toEqual([
      'good.yaml:12:35: unknown key "slower" (a comma inside { } starts a new key: quote text that contains commas)',
    ]);
  });

  it("missing required key, at the node", () => {
    expect(errorsFor({ "good.yaml": GOOD.replace("    help: Because it matters.\n", "") })).toEqual([
      'good.yaml:4:5: missing required key "help"',
    ]);
  });

  it("wrong node type, at the value", () => {
    expect(errorsFor({ "good.yaml": GOOD.replace("type: end", "type: finish") })).toEqual([
      'good.yaml:14:11: "type" must be one of choice, input, end, not "finish"',
    ]);
  });

  it("unknown input kind, at the value", () => {
    const text = GOOD.replace(
      "  - id: done",
      "  - id: name\n    type: input\n    input: words\n    prompt: Name?\n    help: Why.\n    answer: n\n    next: done\n  - id: done",
    ).replace("    next: done\n    choices", "    next: name\n    choices");
    expect(errorsFor({ "good.yaml": text })).toEqual([
      'good.yaml:15:12: "input" must be one of identifier, table, sql_type, sql_default, sql_expression, version, integer, text, not "words"',
    ]);
  });

  it("duplicate id, at the second", () => {
    const text = GOOD + "  - id: q\n    type: end\n    outcome: plan\n";
    expect(errorsFor({ "good.yaml": text })).toEqual(['good.yaml:16:9: duplicate node id "q" (first defined at good.yaml:4:5)']);
  });

  it("duplicate id across files", () => {
    const other = "title: Other\nnodes:\n  - id: done\n    type: end\n    outcome: plan\n";
    expect(errorsFor({ "good.yaml": GOOD, "other.yaml": other })).toEqual([
      'other.yaml:3:9: duplicate node id "done" (first defined at good.yaml:13:5)',
    ]);
  });

  it("next naming a missing node, at the value", () => {
    expect(errorsFor({ "good.yaml": GOOD.replace("{value: b, label: B}", "{value: b, label: B, next: nowhere}") })).toEqual([
      'good.yaml:12:36: "nowhere" is not a node in any tree',
    ]);
  });

  it("cycle, at the edge that closes it", () => {
    const text = `title: Loop
entry: plan
nodes:
  - id: a
    type: input
    input: text
    prompt: A?
    help: Why.
    answer: a
    next: b
  - id: b
    type: choice
    prompt: B?
    help: Why.
    answer: b
    next: done
    choices:
      - {value: again, label: Again, next: a}
      - {value: stop, label: Stop}
  - id: done
    type: end
    outcome: plan
`;
    expect(errorsFor({ "loop.yaml": text })).toEqual(['loop.yaml:18:44: "next: a" closes a cycle: a -> b -> a']);
  });

  it("unreachable node, at its id", () => {
    expect(errorsFor({ "good.yaml": GOOD + "  - id: lost\n    type: end\n    outcome: plan\n" })).toEqual([
      'good.yaml:16:9: node "lost" is unreachable: no entry leads to it',
    ]);
  });

  it("input node with no way forward", () => {
    const text = GOOD.replace("  - id: done", "  - id: name\n    type: input\n    input: text\n    prompt: Name?\n    help: Why.\n    answer: n\n  - id: done")
      .replace("{value: b, label: B}", "{value: b, label: B, next: name}");
    expect(errorsFor({ "good.yaml": text })).toEqual(['good.yaml:13:9: input node "name" has no way forward: add "next"']);
  });

  it("choice without next on a node without next", () => {
    const text = GOOD.replace("    next: done\n", "").replace("{value: a, label: A, hint: first}", "{value: a, label: A, next: done}");
    expect(errorsFor({ "good.yaml": text })).toEqual([
      'good.yaml:11:9: choice "b" of "q" has no way forward: give it "next" or give the node one',
    ]);
  });

  it("`when` on a node with no next to skip to", () => {
    const text = GOOD.replace("    next: done\n", "    when: {x: 1}\n").replace(/\{value: (a|b), label: (A|B)/g, "{value: $1, label: $2, next: done");
    expect(errorsFor({ "good.yaml": text })).toEqual(['good.yaml:9:5: node "q" has a "when" but no "next" to go to when it is skipped']);
  });

  it("invalid regular expression in match, at the pattern", () => {
    expect(errorsFor({ "good.yaml": GOOD.replace("{value: b, label: B}", '{value: b, label: B, match: ["ok", "(unclosed"]}') })).toEqual([
      "good.yaml:12:44: invalid regular expression: Invalid regular expression: /(unclosed/i: Unterminated group",
    ]);
  });

  it("malformed condition: an operator with the wrong operand", () => {
    expect(errorsFor({ "good.yaml": GOOD.replace("    next: done\n", "    next: done\n    when: {operation: {in: add_column}}\n") })).toEqual([
      'good.yaml:10:28: "in" must be a list, not string "add_column"',
    ]);
  });

  it("malformed condition: an unknown operator", () => {
    expect(errorsFor({ "good.yaml": GOOD.replace("    next: done\n", "    next: done\n    when: {engine_version: {version_lte: '11'}}\n") })).toEqual([
      'good.yaml:10:29: unknown key "version_lte" (did you mean "version_lt"?)',
    ]);
  });

  it("malformed condition: a combinator with the wrong shape", () => {
    expect(errorsFor({ "good.yaml": GOOD.replace("    next: done\n", "    next: done\n    when: {all: {operation: x}}\n") })).toEqual([
      'good.yaml:10:17: "all" must be a list, not a mapping',
    ]);
  });

  it("no entry for plan", () => {
    expect(errorsFor({ "good.yaml": GOOD.replace("entry: plan\n", "") })).toEqual([
      'good.yaml:1:1: no tree starts mode "plan": add "entry: plan" to the file whose first node asks the first question (modes: plan, troubleshoot)',
    ]);
  });

  it("two entries for one mode, at the second", () => {
    const other = "title: Other\nentry: plan\nnodes:\n  - id: end2\n    type: end\n    outcome: plan\n";
    expect(errorsFor({ "good.yaml": GOOD, "other.yaml": other })).toEqual([
      'other.yaml:2:8: a second entry for mode "plan" (the first is in good.yaml); exactly one tree may start a mode',
    ]);
  });

  it("reports every error at once, in file order", () => {
    const text = GOOD.replace("    help: Because", "    promt: x\n    help: Because")
      .replace("{value: b, label: B}", "{value: b, label: B, next: nowhere}")
      .concat("  - id: lost\n    type: end\n    outcome: plan\n");
    expect(errorsFor({ "good.yaml": text })).toEqual([
      'good.yaml:7:5: unknown key "promt" (did you mean "prompt"?)',
      // the broken node `q` is left out of the graph, so its missing target and `lost` are found once it is fixed
    ]);
    const graphOnly = GOOD.replace("{value: b, label: B}", "{value: b, label: B, next: nowhere}").concat("  - id: lost\n    type: end\n    outcome: plan\n")
      .replace("outcome: plan\n  - id: lost", "outcome: plan\n  - id: q\n    type: end\n    outcome: plan\n  - id: lost");
    expect(errorsFor({ "good.yaml": graphOnly })).toEqual([
      'good.yaml:12:36: "nowhere" is not a node in any tree',
      'good.yaml:16:9: duplicate node id "q" (first defined at good.yaml:4:5)',
      'good.yaml:19:9: node "lost" is unreachable: no entry leads to it',
    ]);
  });

  it("a file that is not a mapping", () => {
    expect(errorsFor({ "good.yaml": GOOD, "empty.yaml": "# nothing yet\n" })).toEqual([
      "empty.yaml:1:1: a tree file must be a mapping with title and nodes, not empty (null)",
    ]);
  });

  it("a folder that does not exist", () => {
    const result = loadTrees(["/nonexistent/trees-folder"]);
    expect(result.trees).toBeUndefined();
    expect(result.errors[0]).toMatchObject({ file: "/nonexistent/trees-folder", line: 1, col: 1 });
    expect(result.errors[0].message).toMatch(/^cannot read the trees folder: ENOENT/);
  });
});

describe("loadTrees: overriding and adding trees with a second folder", () => {
  const base = GOOD.replace("    next: done\n", "    next: extra_q\n").concat(`  - id: extra_q
    type: input
    input: text
    prompt: Extra?
    help: Why.
    answer: e
    next: done
`);

  it("a file with the same name replaces the earlier one", () => {
    const first = treeDir({ "good.yaml": base });
    const second = treeDir({ "good.yaml": GOOD.replace("Pick one?", "Team question?") });
    const { trees, errors } = loadTrees([first, second], { relativeTo: second });
    expect(errors).toEqual([]);
    expect(trees!.nodes.q).toMatchObject({ prompt: "Team question?", pos: { file: "good.yaml" } });
    expect(trees!.nodes.extra_q).toBeUndefined();
    expect(trees!.files.map((f) => f.title)).toEqual(["Good"]);
  });

  it("a new file adds a tree whose nodes can point at the earlier folder's nodes", () => {
    const first = treeDir({
      "good.yaml": GOOD.replace("{value: b, label: B}", "{value: b, label: B, next: team_q}"),
      "team.yaml": "title: Placeholder\nnodes:\n  - id: team_q\n    type: end\n    outcome: plan\n",
    });
    const second = treeDir({
      "team.yaml": `title: Team checks
nodes:
  - id: team_q
    type: choice
    prompt: Did the team sign off?
    help: Our process needs it.
    answer: signed_off
    next: done
    choices: [{value: true, label: "Yes"}]
`,
      "more.yaml": "title: More\nnodes:\n  - id: more_q\n    type: input\n    input: text\n    prompt: M?\n    help: H.\n    answer: m\n    next: done\n",
    });
    const { trees, errors } = loadTrees([first, second], { relativeTo: second });
    // more_q is added but nothing leads to it yet
    expect(errors.map((e) => `${e.file}:${e.line}:${e.col}: ${e.message}`)).toEqual([
      'more.yaml:3:9: node "more_q" is unreachable: no entry leads to it',
    ]);
    expect(trees).toBeUndefined();
    const ok = loadTrees([first, treeDir({ "team.yaml": "title: T\nnodes:\n  - id: team_q\n    type: end\n    outcome: plan\n" })]);
    expect(ok.errors).toEqual([]);
    expect(Object.keys(ok.trees!.nodes).sort()).toEqual(["done", "q", "team_q"]);
  });

  it("merges over an already-loaded base set and reports errors in the new folder's files", () => {
    const baseSet = loadTrees([treeDir({ "good.yaml": base })]).trees!;
    const team = treeDir({ "extra.yaml": "title: Extra\nnodes:\n  - id: extra_q\n    type: end\n    outcome: plan\n" });
    expect(loadTrees([team], { base: baseSet, relativeTo: team }).errors.map((e) => `${e.file}:${e.line}:${e.col}: ${e.message}`)).toEqual([
      'extra.yaml:3:9: duplicate node id "extra_q" (first defined at ' + `${baseSet.nodes.extra_q.pos.file}:16:5)`,
    ]);
    const team2 = treeDir({ "good.yaml": GOOD.replace("Pick one?", "Ours?") });
    const merged = loadTrees([team2], { base: baseSet, relativeTo: team2 });
    expect(merged.errors).toEqual([]);
    expect(merged.trees!.nodes.q).toMatchObject({ prompt: "Ours?" });
    expect(merged.trees!.entry).toEqual({ plan: "q" });
  });
});
