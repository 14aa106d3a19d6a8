/** Copy-and-swap: the swap by renames (with the reverse mirror for rollback), and the later drop of the old table. */
import type { RecipeContext } from "../../context.js";
import type { Check, Statement } from "../../model.js";
import { dollarBody } from "../../encode.js";
import * as estimate from "../estimate.js";
import { finishPhase, finishRetriedPhase, literal, regclass, stmt } from "../statements.js";
import { dropTrigger, lockBoth, mirrorFunction, mirrorTrigger, renameTable, triggerCheck, type CopySwap } from "./names.js";

/**
 * Reads the highest key through the primary-key index (one row, any key type); only a key that owns
 * a sequence (identity, which LIKE copied with a fresh sequence) has its sequence moved.
 */
function resetSequence(k: CopySwap): Statement {
  return stmt(
    [
      "SELECT setval(s.seq, coalesce(m.top::text::bigint, 0) + 1, false)",
      `FROM (SELECT pg_get_serial_sequence(${literal(k.t)}, ${literal(k.pkName)}) AS seq) s`,
      `LEFT JOIN LATERAL (SELECT ${k.pk} AS top FROM ${k.t} ORDER BY ${k.pk} DESC LIMIT 1) m ON true`,
      "WHERE s.seq IS NOT NULL;",
    ].join("\n"),
    "ACCESS SHARE",
    [k.table],
    { why: "An identity column got its own sequence in the copy: move it past the highest key so new rows do not collide." },
  );
}

/** Retried by the migration itself (lock-retry.ts): a lock wait that times out under traffic is tried again, not a failed phase. */
export function swapPhase(ctx: RecipeContext, k: CopySwap, changeCheck: Check) {
  const { table, schema, base, names, t, fresh, old } = k;
  return finishRetriedPhase(ctx, {
    title: `Swap ${names.fresh} in for ${table}`,
    kind: "switch",
    why:
      "In one short transaction: stop mirroring, rename the live table away and the copy into its place, and start mirroring back into the " +
      "old table so this phase can be rolled back without losing writes. The application keeps using the same table name.",
    statements: [
      lockBoth(t, fresh, [table, schema + names.fresh]),
      dropTrigger(k, names.sync, t, table),
      renameTable(k, t, names.old, table),
      renameTable(k, fresh, base, schema + names.fresh),
      resetSequence(k),
      mirrorFunction(k, names.back, old),
      mirrorTrigger(k, names.back, t, table),
    ],
    rollback: [
      lockBoth(t, old, [table, schema + names.old]),
      dropTrigger(k, names.back, t, table),
      renameTable(k, t, names.fresh, table),
      renameTable(k, old, base, schema + names.old),
      mirrorTrigger(k, names.sync, t, table),
    ],
    checks: [changeCheck, triggerCheck(names.back, table)],
    estimate: estimate.catalogOnly(ctx),
  });
}

/** Serial sequences owned by the old table's columns go to the new table, then the old table is dropped. */
function handOverSequencesAndDrop(k: CopySwap): Statement {
  return stmt(
    dollarBody([
      "DO $$",
      "DECLARE r record;",
      "BEGIN",
      "  FOR r IN SELECT d.objid::regclass AS seq, a.attname FROM pg_depend d",
      "    JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'",
      "    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid",
      `    WHERE d.refobjid = ${regclass("postgresql", k.schema + k.names.old)} AND d.deptype = 'a'`,
      "  LOOP",
      `    EXECUTE format('ALTER SEQUENCE %s OWNED BY %s.%I', r.seq, ${literal(k.t)}, r.attname);`,
      "  END LOOP;",
      `  DROP TABLE ${k.old};`,
      "END $$;",
    ].join("\n")),
    "ACCESS EXCLUSIVE",
    [k.schema + k.names.old],
    {
      why:
        "Serial sequences belong to the old table's columns and dropping it would take them (and the new table's defaults) along: " +
        "hand them to the new table, then drop the old one, in one statement.",
    },
  );
}

export function contractPhase(ctx: RecipeContext, k: CopySwap) {
  const { table, names, t } = k;
  return finishPhase(ctx, {
    title: `Drop the old table ${names.old}`,
    kind: "contract",
    why:
      "Once the new table has run in production long enough to trust it, stop mirroring back and drop the old copy. Sequences owned by " +
      "the old table's serial columns are handed to the new table first, since its column defaults still use them.",
    statements: [
      dropTrigger(k, names.back, t, table),
      stmt(`DROP FUNCTION IF EXISTS ${k.q(names.back)}();`, "none", []),
      stmt(`DROP FUNCTION IF EXISTS ${k.q(names.sync)}();`, "none", []),
      handOverSequencesAndDrop(k),
    ],
    irreversible: `Drops ${names.old}: after this, going back means restoring it from a backup.`,
    checks: [{ description: `${names.old} is gone`, sql: `SELECT to_regclass(${literal(k.old)}) IS NULL AS ok;` }],
    estimate: estimate.catalogOnly(ctx),
  });
}
