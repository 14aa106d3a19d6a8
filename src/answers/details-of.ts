/**
 * Which `details` fields each operation reads. The answers contract keeps one flat, strict `details` object
 * (so the published JSON Schema and every valid file stay as they are); in TypeScript, the answers an
 * operation's recipe receives are narrowed to its own fields, so reading a field another operation owns
 * does not compile.
 */
import type { Answers, Details, Operation, PlanAnswers } from "./schema.js";

/** The `details` fields each operation reads, as the recipes read them. */
export const DETAILS_OF = {
  add_column: ["primary_key"],
  drop_column: ["primary_key"],
  rename_column: ["new_name", "primary_key"],
  change_column_type: ["new_type", "using", "primary_key"],
  set_not_null: ["set", "backfill_where", "primary_key"],
  add_index: ["index_name", "unique", "method", "where"],
  // the definition, to rebuild the index on rollback
  drop_index: ["index_name", "unique", "method", "where"],
  add_unique_constraint: ["constraint_name", "index_name", "dedup", "primary_key", "referenced_by"],
  add_foreign_key: ["ref_table", "ref_column", "on_delete", "constraint_name"],
  add_check_constraint: ["check", "constraint_name"],
  add_primary_key: ["constraint_name"],
  add_exclusion_constraint: ["exclusion", "constraint_name", "primary_key"],
  create_table: ["primary_key"],
  drop_table: ["referenced_by", "primary_key"],
  rename_table: ["new_name"],
  add_enum_value: ["enum_type", "enum_value", "before", "after"],
  backfill: ["set", "backfill_where", "primary_key"],
} as const satisfies { readonly [O in Operation]: readonly (keyof Details)[] };

/** The details an operation reads. */
export type DetailsOf<O extends Operation> = Pick<Details, (typeof DETAILS_OF)[O][number]>;

/** T without the keys K, keeping its index signature (the built-in Omit loses the known keys of an indexed type). */
type Without<T, K extends PropertyKey> = { [P in keyof T as P extends K ? never : P]: T[P] };

/** Plan answers for one operation (a union over all of them when O is not narrowed): its details only. */
export type OperationAnswers<O extends Operation = Operation> = O extends Operation
  ? Without<PlanAnswers, "operation" | "details"> & { operation: O; details?: DetailsOf<O> }
  : never;

/**
 * The validated answers as the union keyed by operation. The runtime object is unchanged: `details` may hold
 * fields the operation does not read (valid files stay valid); the type only hides them from its recipe.
 */
export const operationAnswers = (answers: PlanAnswers): OperationAnswers => answers as OperationAnswers;

/**
 * A one-line note naming the details fields the answers give that their operation does not read (a file
 * with them stays valid: the contract's details are shared by all operations), or undefined.
 */
export function unusedDetailsNote(answers: Answers): string | undefined {
  if (!answers.operation || !answers.details) return undefined;
  const used: readonly string[] = DETAILS_OF[answers.operation];
  const unused = Object.keys(answers.details).filter((key) => !used.includes(key));
  if (unused.length === 0) return undefined;
  const many = unused.length > 1;
  return `${unused.map((key) => `details.${key}`).join(", ")} ${many ? "are" : "is"} not used by ${answers.operation} (the plan ignores ${many ? "them" : "it"})`;
}
