/** `plan --database-url URL` / `--schema FILE`: read the snapshot (drivers load lazily) or explain in one line why not. */
import { CliError, EXIT } from "./common.js";
import type { PlanOptions } from "./plan-command.js";
import type { SchemaSnapshot } from "../schema/model.js";

export async function snapshotFor(opts: Pick<PlanOptions, "databaseUrl" | "schema">): Promise<SchemaSnapshot> {
  if (opts.databaseUrl && opts.schema) throw new CliError("pass either --database-url or --schema, not both", EXIT.usage);
  const { snapshotFromDump, snapshotFromUrl, SnapshotError } = await import("../schema/sources.js");
  try {
    return opts.databaseUrl ? await snapshotFromUrl(opts.databaseUrl) : await snapshotFromDump(opts.schema!);
  } catch (e) {
    if (e instanceof SnapshotError) throw new CliError(e.message, e.kind === "usage" ? EXIT.usage : EXIT.failure);
    throw e;
  }
}
