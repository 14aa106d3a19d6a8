/**
 * A phase whose checks fail must block the next phase in the files themselves, not only in
 * prose: the first statement of every later SQL phase re-runs the checks of the SQL phase before
 * it and raises with the check's description when one is false. PostgreSQL only (a DO block);
 * MySQL has no statement that raises outside a stored program.
 */
import type { Engine } from "../answers/schema.js";
import type { Check, Phase, Statement } from "./model.js";
import { raiseMessage, sqlLiteral } from "./encode.js";


/** A dollar-quote tag that the checks' SQL does not contain. */
function dollarTag(sqls: string[]): string {
  for (let i = 0; ; i++) {
    const tag = i === 0 ? "$guard$" : `$guard${i}$`;
    if (!sqls.some((s) => s.includes(tag))) return tag;
  }
}

/** The guard statement: raises `previous phase <id> is not complete: <check>` for the first false check. */
export function guardStatement(previous: Phase, checks: Check[], transaction: boolean): Statement {
  const queries = checks.map((c) => c.sql.trim().replace(/;\s*$/, ""));
  const tag = dollarTag(queries);
  const body = checks.map((c, i) =>
    [
      `  IF NOT coalesce((SELECT ok FROM (${queries[i].replace(/\n/g, "\n    ")}) AS c LIMIT 1), false) THEN`,
      `    RAISE EXCEPTION ${raiseMessage(`phase ${previous.id} is not complete: ${c.description}`)}`,
      `      USING HINT = ${sqlLiteral("postgresql", `Finish phase ${previous.id} (its checks must return ok = true) before running this one.`)};`,
      "  END IF;",
    ].join("\n"),
  );
  return {
    sql: `DO ${tag}\nBEGIN\n${body.join("\n")}\nEND\n${tag};`,
    transaction,
    lock: "ACCESS SHARE",
    rewrite: false,
    scan: true,
    guard: true,
    why: `Re-runs the checks of phase ${previous.id} and stops here, before any change, if one fails.`,
  };
}

/** The SQL phase whose checks guard `phase` (the SQL phase before it, when it has checks), or null. */
export function guardedBy(phases: Phase[], phase: Phase, engine: Engine): Phase | null {
  if (engine !== "postgresql" || !phase.statements.length) return null;
  const before = phases.slice(0, phases.indexOf(phase)).filter((p) => p.statements.length).pop();
  return before && before.checks.length ? before : null;
}

/** The phases with a guard at the start of every SQL phase that follows another SQL phase with checks. */
export function withGuards(phases: Phase[], engine: Engine): Phase[] {
  return phases.map((phase) => {
    const before = guardedBy(phases, phase, engine);
    if (!before) return phase;
    // The guard takes the transaction mode of the phase's first change, so it never forces an extra file.
    const first = phase.statements.find((s) => !s.setting) ?? phase.statements[0];
    return { ...phase, statements: [guardStatement(before, before.checks, first.transaction), ...phase.statements] };
  });
}
