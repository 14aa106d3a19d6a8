/**
 * Which `details` fields each operation reads (DETAILS_OF, next to OPERATIONS in schema.ts). The answers
 * contract keeps one flat, strict `details` object (so the published JSON Schema and every valid file stay
 * as they are); in TypeScript, the answers an operation's recipe receives are narrowed to its own fields,
 * so reading a field another operation owns does not compile.
 */
import { DETAILS_OF, type Answers, type Details, type Operation, type PlanAnswers } from "./schema.js";

export { DETAILS_OF };

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
