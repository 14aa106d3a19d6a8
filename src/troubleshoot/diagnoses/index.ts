/** The registry: one line per diagnosis. Tree end nodes name these ids (`outcome: diagnosis:<id>`). */
import { dirtyVersion } from "./dirty-version.js";
import { duplicateRows } from "./duplicate-rows.js";
import { failedHalfway } from "./failed-halfway.js";
import { fkViolation } from "./fk-violation.js";
import { historyOutOfSync } from "./history-out-of-sync.js";
import { invalidIndex } from "./invalid-index.js";
import { lockTimeoutHit } from "./lock-timeout.js";
import { longRunning } from "./long-running.js";
import { lossyRollback } from "./lossy-rollback.js";
import { missingDependency } from "./missing-dependency.js";
import { multipleHeads } from "./multiple-heads.js";
import { noDown } from "./no-down.js";
import { schemaDrift } from "./schema-drift.js";
import type { Diagnosis } from "./types.js";

export const DIAGNOSES: Record<string, Diagnosis> = Object.fromEntries(
  [
    failedHalfway,
    dirtyVersion,
    invalidIndex,
    lockTimeoutHit,
    longRunning,
    fkViolation,
    duplicateRows,
    schemaDrift,
    historyOutOfSync,
    multipleHeads,
    missingDependency,
    noDown,
    lossyRollback,
  ].map((d) => [d.id, d]),
);
