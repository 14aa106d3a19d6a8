/**
 * The ONE list of MySQL-only syntax that a MySQL plan may contain and MariaDB cannot run. When a plan
 * for engine `mysql` is run on MariaDB, a statement or check matching one of these runs as its MariaDB
 * equivalent when it has one (so the rollback still undoes the phase), else it is skipped; both are
 * counted. Nothing else is ever skipped or changed, and plans for engine `mariadb` run as written.
 */
export interface KnownDifference {
  pattern: RegExp;
  what: string;
  /** The MySQL manual page that documents the MySQL side. */
  mysqlManual: string;
  /** What MariaDB has instead (the `mariadb` engine's plans use it). */
  mariadb: string;
  /** The same statement in MariaDB's syntax, when there is one. */
  translate?: (sql: string) => string;
}

export const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    pattern: /\bALTER INDEX \S+ (IN)?VISIBLE\b/i,
    what: "ALTER TABLE ... ALTER INDEX ... INVISIBLE / VISIBLE",
    mysqlManual: "https://dev.mysql.com/doc/refman/8.0/en/invisible-indexes.html",
    mariadb: "ALTER INDEX ... IGNORED / NOT IGNORED (10.6+)",
    translate: (sql) => sql.replace(/\bINVISIBLE\b/, "IGNORED").replace(/\bVISIBLE\b/, "NOT IGNORED"),
  },
  {
    pattern: /\bADD (UNIQUE )?INDEX \S+ \([^)]*\) INVISIBLE\b/i,
    what: "ALTER TABLE ... ADD INDEX ... INVISIBLE",
    mysqlManual: "https://dev.mysql.com/doc/refman/8.0/en/invisible-indexes.html",
    mariadb: "ADD INDEX ... IGNORED (10.6+)",
    translate: (sql) => sql.replace(/\) INVISIBLE\b/, ") IGNORED"),
  },
  {
    pattern: /\bIS_VISIBLE\b/,
    what: "information_schema.STATISTICS.IS_VISIBLE",
    mysqlManual: "https://dev.mysql.com/doc/refman/8.0/en/information-schema-statistics-table.html",
    mariadb: "STATISTICS.IGNORED",
    translate: (sql) => sql.replace(/\bIS_VISIBLE = 'NO'/, "IGNORED = 'YES'").replace(/\bIS_VISIBLE = 'YES'/, "IGNORED = 'NO'"),
  },
  {
    pattern: /\bDROP CHECK\b/i,
    what: "ALTER TABLE ... DROP CHECK",
    mysqlManual: "https://dev.mysql.com/doc/refman/8.0/en/alter-table.html",
    mariadb: "ALTER TABLE ... DROP CONSTRAINT",
    translate: (sql) => sql.replace(/\bDROP CHECK\b/i, "DROP CONSTRAINT"),
  },
  {
    pattern: /\bINFORMATION_SCHEMA\.INNODB_TABLES\b/i,
    what: "INFORMATION_SCHEMA.INNODB_TABLES (TOTAL_ROW_VERSIONS)",
    mysqlManual: "https://dev.mysql.com/doc/refman/8.0/en/information-schema-innodb-tables-table.html",
    mariadb: "no row-version counter (no 64-version limit)",
  },
  {
    pattern: /\bENFORCED = 'YES'/,
    what: "information_schema.TABLE_CONSTRAINTS.ENFORCED",
    mysqlManual: "https://dev.mysql.com/doc/refman/8.0/en/information-schema-table-constraints-table.html",
    mariadb: "no ENFORCED column: CHECK constraints are always enforced",
    translate: (sql) => sql.replace(/ AND ENFORCED = 'YES'/, ""),
  },
];

export function knownDifference(sql: string): KnownDifference | undefined {
  return KNOWN_DIFFERENCES.find((d) => d.pattern.test(sql));
}

/**
 * The SQL to run on MariaDB for a statement or check of an `engine` plan: MariaDB's equivalent of a
 * known difference, null to skip one without an equivalent, else the SQL as written. Plans for
 * engine `mariadb` always run as written. `counted` tallies what was changed or skipped.
 */
export function onMariadb(sql: string, engine: string, counted?: Map<string, number>): string | null {
  const d = engine === "mysql" ? knownDifference(sql) : undefined;
  if (!d) return sql;
  const key = `${d.what} (${d.translate ? "run as MariaDB's equivalent" : "skipped"})`;
  counted?.set(key, (counted.get(key) ?? 0) + 1);
  return d.translate ? d.translate(sql) : null;
}

/** The plan as MariaDB runs it: every statement and check through `onMariadb` (for files a tool applies). */
export function planOnMariadb<P extends { engine: string; phases: { statements: { sql: string }[]; rollback?: { sql: string }[]; checks: { sql: string }[] }[] }>(
  plan: P,
  counted?: Map<string, number>,
): P {
  const each = <T extends { sql: string }>(items: T[]): T[] =>
    items.flatMap((item) => {
      const sql = onMariadb(item.sql, plan.engine, counted);
      return sql === null ? [] : [{ ...item, sql }];
    });
  return { ...plan, phases: plan.phases.map((p) => ({ ...p, statements: each(p.statements), checks: each(p.checks), ...(p.rollback ? { rollback: each(p.rollback) } : {}) })) };
}
