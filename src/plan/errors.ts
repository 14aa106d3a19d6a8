/** Why a plan cannot be built from the answers given: one line, naming the field when there is one. */
export class PlanError extends Error {
  constructor(
    message: string,
    /** The answers field the problem is in, e.g. `details.new_name`. */
    readonly field?: string,
  ) {
    super(message);
  }
}
