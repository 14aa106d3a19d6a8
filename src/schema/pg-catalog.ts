/**
 * The catalog queries of the PostgreSQL reader. Each reads pg_catalog only (no table data), in every
 * schema but the system ones, and works as a role with no privilege beyond CONNECT: the catalogs and the
 * functions used here (format_type, pg_get_*def, pg_total_relation_size) are readable by everyone.
 */

const USER_NS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;

/** Column names of a relation for an attnum array, in order (null for an expression: attnum 0). */
const attnames = (rel: string, nums: string) =>
  `ARRAY(SELECT a.attname::text FROM unnest(${nums}) WITH ORDINALITY k(num, ord) LEFT JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.num ORDER BY k.ord)`;

export const Q = {
  version: `SELECT current_setting('server_version') AS version`,

  schemas: `SELECT n.nspname AS name FROM pg_namespace n WHERE ${USER_NS} ORDER BY 1`,

  tables: `
    SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, c.reltuples::float8 AS reltuples,
           c.relpages::int8 AS relpages, pg_total_relation_size(c.oid)::int8 AS size
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND ${USER_NS}`,

  columns: `
    SELECT a.attrelid::int8 AS rel, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
           pg_get_expr(d.adbin, d.adrelid) AS expr, a.attidentity::text AS identity, a.attgenerated::text AS generated,
           CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation,
           pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) AS seq
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    LEFT JOIN pg_collation co ON co.oid = a.attcollation
    WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND ${USER_NS}
    ORDER BY a.attrelid, a.attnum`,

  indexes: `
    SELECT i.indrelid::int8 AS rel, ic.relname AS name, pg_get_indexdef(i.indexrelid) AS definition, i.indisunique AS unique,
           i.indisprimary AS primary, pg_get_expr(i.indpred, i.indrelid) AS predicate, i.indisvalid AS valid,
           con.conname AS constraint, ${attnames("i.indrelid", "i.indkey::int2[]")} AS columns
    FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
    LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x')
    WHERE ${USER_NS}`,

  constraints: `
    SELECT con.conrelid::int8 AS rel, con.conname AS name, con.contype::text AS type, pg_get_constraintdef(con.oid) AS definition,
           con.convalidated AS validated, ${attnames("con.conrelid", "con.conkey")} AS columns,
           con.confrelid::int8 AS refrel, ${attnames("con.confrelid", "con.confkey")} AS refcolumns,
           con.confdeltype::text AS ondelete, con.confupdtype::text AS onupdate
    FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
    WHERE con.conrelid <> 0 AND con.contype IN ('p', 'u', 'c', 'x', 'f') AND ${USER_NS}`,

  triggers: `
    SELECT t.tgrelid::int8 AS rel, t.tgname AS name, pg_get_triggerdef(t.oid) AS definition, t.tgenabled <> 'D' AS enabled
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE NOT t.tgisinternal AND ${USER_NS}`,

  views: `
    SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, c.relkind = 'm' AS materialized, pg_get_viewdef(c.oid, true) AS definition
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('v', 'm') AND ${USER_NS}`,

  viewDependencies: `
    SELECT DISTINCT r.ev_class::int8 AS view, d.refobjid::int8 AS rel
    FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
    WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass AND r.ev_class <> d.refobjid`,

  enums: `
    SELECT n.nspname AS schema, t.typname AS name, ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS values
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype = 'e' AND ${USER_NS}`,

  sequences: `
    SELECT n.nspname AS schema, c.relname AS name, format_type(s.seqtypid, NULL) AS type, s.seqmax::text AS max,
           (SELECT format('%s.%s.%s', dn.nspname, dc.relname, da.attname)
              FROM pg_depend d JOIN pg_class dc ON dc.oid = d.refobjid JOIN pg_namespace dn ON dn.oid = dc.relnamespace
              JOIN pg_attribute da ON da.attrelid = d.refobjid AND da.attnum = d.refobjsubid
             WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
             LIMIT 1) AS owned_by
    FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE ${USER_NS}`,

  names: `
    SELECT n.nspname AS schema, c.relname AS name, 'relation' AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_NS}
    UNION ALL SELECT n.nspname, t.typname, 'type' FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE ${USER_NS}
    UNION ALL SELECT n.nspname, con.conname, 'constraint' FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace WHERE con.contype <> 'n' AND ${USER_NS}
    UNION ALL SELECT n.nspname, p.proname, 'function' FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${USER_NS}
    UNION ALL SELECT n.nspname, t.tgname, 'trigger' FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT t.tgisinternal AND ${USER_NS}`,
} as const;

/** What each query reads, in words, in the order the reader runs them. */
export const READ_DESCRIPTIONS = [
  "server version (server_version)",
  "tables with the planner's row estimates and on-disk sizes (pg_class.reltuples, pg_total_relation_size)",
  "columns: type, nullability, default, identity, generated expression, collation, owned sequence (pg_attribute, pg_attrdef)",
  "indexes: definition, unique, primary, partial predicate, valid (pg_index)",
  "constraints: primary key, unique, check, exclusion, foreign keys in both directions with ON DELETE and validated flag (pg_constraint)",
  "triggers (pg_trigger), views and the tables they read (pg_rewrite, pg_depend)",
  "enum types and values (pg_enum), sequences with type, limit and owner (pg_sequence)",
  "every other name taken in the same schemas (relations, types, constraints, functions, triggers)",
];
