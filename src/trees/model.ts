/**
 * The decision-tree model, as loaded from `trees/*.yaml` and checked.
 * Trees are data: a team can change a question, a threshold or a branch without TypeScript.
 *
 * Node ids are global across all loaded files (a team's `--trees DIR` may override a shipped
 * node by reusing its id in a file of the same name). `next` names another node id.
 */

/** Where a thing was written: for error messages. 1-based line and column. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/**
 * A condition on the answers so far. Keys are answer paths (`operation`, `details.new_type`,
 * `columns.0.default`). A plain value means equality; an object gives an operator.
 * `all`, `any` and `not` combine conditions.
 */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | Record<string, ConditionValue>;
export type Scalar = string | number | boolean | null;
export type ConditionValue =
  | Scalar
  | { in: Scalar[] }
  | { not_in: Scalar[] }
  | { exists: boolean }
  | { lt: number }
  | { gte: number }
  | { version_lt: string }
  | { version_gte: string };

export interface Choice {
  value: Scalar;
  label: string;
  hint?: string;
  /** Where to go after this choice; defaults to the node's `next`. */
  next?: string;
  /** Further answers this choice sets (e.g. stack "django" sets tool: django). */
  set?: Record<string, unknown>;
  /** Only offered when this holds. */
  when?: Condition;
  /** Regular expressions (case-insensitive) that select this choice from a pasted error message. */
  match?: string[];
}

/** Kinds of free-text input, each with its own validation as the user types. */
export type InputKind =
  | "identifier"
  | "table"
  | "sql_type"
  | "sql_default"
  | "sql_expression"
  | "version"
  | "integer"
  | "text";

interface NodeBase {
  id: string;
  /** Skip this node (go to `next`) unless the condition holds. */
  when?: Condition;
  pos: SourcePos;
  /** The tree (file stem) the node came from. */
  tree: string;
}

export interface ChoiceNode extends NodeBase {
  type: "choice";
  prompt: string;
  help: string;
  /** Answer path the chosen value is stored at. */
  answer: string;
  choices: Choice[];
  next?: string;
}

export interface InputNode extends NodeBase {
  type: "input";
  prompt: string;
  help: string;
  answer: string;
  input: InputKind;
  placeholder?: string;
  /** An empty answer is allowed (the key is left unset). */
  optional?: boolean;
  /**
   * The confirmed text is matched against the `match` patterns of the choices ahead: the answers
   * a match implies are filled in (never over answers already given), so the questions they settle
   * are skipped. A pasted error message goes straight to its diagnosis this way.
   */
  route_by_match?: boolean;
  next?: string;
}

/** A leaf: the wizard stops here and shows the summary. */
export interface EndNode extends NodeBase {
  type: "end";
  /** What the run produces: "plan", or "diagnosis:<id>" in troubleshoot mode. */
  outcome: string;
}

export type TreeNode = ChoiceNode | InputNode | EndNode;

export interface TreeFile {
  /** File stem, e.g. "operation". */
  name: string;
  path: string;
  title: string;
  description?: string;
}

/** All loaded trees, checked: every `next` resolves, no cycles, everything reachable. */
export interface TreeSet {
  files: TreeFile[];
  nodes: Record<string, TreeNode>;
  /** Entry node per mode: `plan` and `troubleshoot`. */
  entry: Record<string, string>;
}

export interface TreeError extends SourcePos {
  message: string;
}
