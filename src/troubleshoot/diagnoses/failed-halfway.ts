/** A migration failed partway: what stayed applied depends on the engine. */
import { historyQuery, toolFacts } from "../tools.js";
import { tableShapeQueries } from "./common.js";
import type { Diagnosis } from "./types.js";

export const failedHalfway: Diagnosis = {
  id: "failed-halfway",
  title: "A migration failed halfway",
  build(input) {
    const { engine, tool } = input;
    const pg = engine === "postgresql";
    const facts = toolFacts(tool);
    const v = input.failedVersion ?? "<failed version>";
    return {
      id: this.id,
      title: this.title,
      summary: pg
        ? "PostgreSQL rolled the failed migration's transaction back: check nothing non-transactional ran, fix the cause, run it again."
        : "MySQL committed each DDL statement that ran before the failure: find which ran, then finish or undo them by hand before re-running.",
      what: pg
        ? [
            "PostgreSQL runs DDL inside transactions. When a migration runs in one transaction (the default for most tools), a failure rolls back every statement of it: the schema is as before, and the tool has not recorded it as applied.",
            "The exceptions are statements that cannot run in a transaction and the files that the tool runs without one: CREATE/DROP INDEX CONCURRENTLY (leaves an INVALID index), ALTER TYPE ... ADD VALUE before 12, batched backfills that commit per batch, and files marked no-transaction. Those keep whatever they finished.",
            `${facts.name}${facts.transactionalOnPostgres ? " wraps each migration in a transaction on PostgreSQL" : " does not always wrap a migration in a transaction"}: ${facts.transactionalOnPostgres ? "expect a clean rollback unless the file opted out" : "check which statements ran"}.`,
          ]
        : [
            "MySQL cannot roll back DDL: every CREATE, ALTER and DROP commits implicitly, before and after it runs. A migration with several DDL statements that fails at the third leaves the first two applied, even if the tool opened a transaction.",
            "Re-running the migration then fails on the first statement (error 1060 Duplicate column name, 1061 Duplicate key name, 1050 Table already exists), because its work is already there.",
            `${facts.name} may also have recorded the migration as failed or dirty, or not at all; its history and the schema now disagree.`,
          ],
      confirm: [...tableShapeQueries(input), ...historyQuery(tool, engine)],
      repair: pg
        ? [
            { text: "Read the error: it names the statement that failed and why (a lock timeout, a duplicate, a type error). Fix that cause first." },
            { text: "Confirm with the queries that nothing of the migration is left; an INVALID index from a CONCURRENTLY statement is the usual exception (drop it concurrently)." },
            { text: `Check ${facts.name}'s status, then run the migration again.`, command: facts.statusCommand },
          ]
        : [
            { text: "List the migration's statements, and with the queries above mark which of them took effect." },
            { text: "Choose a direction: finish the remaining statements by hand, or undo the applied ones by hand (reverse order). Finishing is usually safer when the first statements were additive." },
            { text: `Make ${facts.name}'s history match what you did: if you finished it, record it as applied; if you undid it, clear the failed entry.`, command: `${facts.markApplied(v)}\n# or, after undoing: ${facts.clearFailed(v)}` },
            { text: "Split the migration so each file holds one DDL statement (or make each statement idempotent with a check first) before it runs anywhere else." },
          ],
      avoid: [
        "Do not simply re-run the migration and hope: on MySQL it fails on the statements already applied; on PostgreSQL it fails the same way if the cause is not fixed.",
        "Do not edit the tool's history table before the schema is in a known state.",
        "Do not add IF NOT EXISTS everywhere to push through: it hides what was and was not applied.",
      ],
      prevent: [
        pg ? "Keep CONCURRENTLY and other non-transactional statements in their own migration." : "On MySQL, one DDL statement per migration file, so a failure leaves nothing half-done.",
        "Set a short lock timeout so a blocked statement fails fast instead of half-way through a busy hour.",
        "Rehearse migrations on a copy of production data.",
      ],
      keyCommand: pg ? facts.statusCommand : facts.markApplied(v),
    };
  },
};
