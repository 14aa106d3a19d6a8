/**
 * Hostile and unusual answers for the generated files: text that tries to leave a comment, a string
 * literal, a heredoc or a docstring; free-text SQL that tries to be more than one expression; names
 * at and past the engines' length limits, reserved words, names whose derived names would collide.
 * Each case is run through the CLI (`plan --answers`) for every tool it applies to.
 */
import { TOOLS, type Tool } from "../../src/answers/schema.js";

export interface HostileCase {
  name: string;
  answers: Record<string, unknown>;
  /** Tools to run it with; all 14 unless given. */
  tools?: readonly Tool[];
  /** 0: files written (and parsed); 2: refused, with this first stderr line. */
  exit: 0 | 2;
  stderr?: RegExp;
}

const base = { engine: "postgresql", engine_version: "16.2", approx_rows: 5_000_000, downtime_tolerance: "none", rollback_need: "phase-level" };
const enumValue = (value: string) => ({ ...base, operation: "add_enum_value", table: "orders", details: { enum_type: "order_state", enum_value: value } });
const check = (expr: string, engine: "postgresql" | "mysql" = "postgresql") => ({
  ...base,
  ...(engine === "mysql" ? { engine, engine_version: "8.0.36" } : {}),
  operation: "add_check_constraint",
  table: "orders",
  columns: [{ name: "total", type: "numeric" }],
  details: { check: expr },
});
const backfill = (set: string, where: string, table = "orders") => ({
  ...base,
  operation: "backfill",
  table,
  columns: [{ name: "status", type: "text" }],
  details: { set, backfill_where: where },
});
const n = (prefix: string, length: number) => (prefix + "_".repeat(length)).slice(0, length - 1) + "x";

const ONE_TOOL: readonly Tool[] = ["raw-sql"];
const MYSQL_TOOLS: readonly Tool[] = TOOLS.filter((t) => t !== "sqitch" && t !== "drizzle" && t !== "node-pg-migrate");

/** Text that lands in titles, summaries, comments and string literals of every tool. */
const ENUM_TEXTS: [string, string][] = [
  ["newline then DROP TABLE", "x\nDROP TABLE users; --"],
  ["CRLF then DROP TABLE", "x\r\nDROP TABLE users; --"],
  ["bare CR", "x\rDROP TABLE users; --"],
  ["U+2028 line separator", "x\u2028DROP TABLE users; --"],
  ["U+2029 and U+0085", "x\u2029y\u0085DROP TABLE users;"],
  ["triple double quote", 'x"""\nimport os; os.system("id")\n"""'],
  ["a line reading SQL", "x\nSQL\nputs 1\n"],
  ["Ruby interpolation", "#{system('id')} #@x #$y"],
  ["JavaScript template interpolation", "${process.exit(1)} `x`"],
  ["backslashes", "a\\b\\\\c\\"],
  ["single quotes", "it's 'quoted'"],
  ["dollar quotes", "$$ $mw$ $a$"],
  ["block comment markers", "*/ /* -- #"],
  ["goose directive", "\n-- +goose Down\nDROP TABLE users;"],
  ["dbmate directive", "\n-- migrate:down\nDROP TABLE users;"],
  ["Liquibase directive", "\n--changeset evil:1\nDROP TABLE users;"],
  ["bidi override", "abc\u202edcba\u2066x\u2069"],
  ["zero-width and BOM", "a\u200bb\ufeffc"],
  ["C0 controls", "a\u0001b\u0007c\u001bd\u007f"],
  ["RAISE format percent", "100% %s %I %%"],
  ["SQLAlchemy bind parameter", "x :name y"],
  ["Knex binding marks", "x ? ?? y"],
  ["node-pg-migrate placeholder", "x {name} y"],
  ["non-ASCII", "caf\u00e9 \u2713 \u65e5\u672c \ud83d\ude80"],
  ["Markdown and HTML", "<script>x</script> `code` [a](b) | c"],
  ["YAML specials", "key: value\n- item\n&a *a !!str"],
  ["long value", "v".repeat(2000)],
];

export const CASES: HostileCase[] = [
  ...ENUM_TEXTS.map(([name, value]): HostileCase => ({ name: `enum_value: ${name}`, answers: enumValue(value), exit: 0 })),
  { name: "enum after a value with a quote and a newline", answers: { ...enumValue("new"), details: { enum_type: "order_state", enum_value: "new", after: "it's\nold" } }, exit: 0 },
  { name: "multi-line check", answers: check("total > 0\n  AND total < 1000000"), exit: 0 },
  { name: "check with a line reading SQL in a string", answers: check("total > 0 OR note <> '\nSQL\n'"), exit: 0 },
  { name: "check with a dollar-quoted string", answers: check("note <> $$x$$ AND note <> $mw$y$mw$"), exit: 0 },
  { name: "check with triple quotes in a string", answers: check(`note <> '"""' AND note <> '\`\${x}'`), exit: 0 },
  { name: "check with a backslash in a string", answers: check("note <> 'a\\b'"), exit: 0 },
  { name: "check with #{} in a string", answers: check("note <> '#{x}'"), exit: 0 },
  { name: "backfill SET over several lines", answers: backfill("status = CASE\n  WHEN total > 0 THEN 'paid'\n  ELSE '#{x}'\nEND", "status IS NULL"), exit: 0 },
  { name: "reserved-word table and column", answers: { ...base, operation: "add_index", table: "order", columns: [{ name: "collation" }] }, exit: 0 },
  {
    name: "reserved words concurrently rank lock change values",
    answers: { ...base, operation: "add_column", table: "values", columns: ["concurrently", "rank", "lock", "change"].map((c) => ({ name: c, type: "text" })) },
    exit: 0,
  },
  { name: "camelCase and $ names", answers: { ...base, operation: "rename_column", table: "Orders", columns: [{ name: "a$$b", type: "text" }], details: { new_name: "createdAt" } }, exit: 0 },
  { name: "schema-qualified reserved names", answers: { ...base, operation: "add_index", table: "user.order", columns: [{ name: "rank" }] }, exit: 0 },
  { name: "63-character table, backfill copy", answers: backfill("status = 'x'", "status IS NULL", n("t", 63)), exit: 0 },
  { name: "63-character column, change type", answers: { ...base, operation: "change_column_type", table: "orders", columns: [{ name: n("c", 63), type: "integer" }], details: { new_type: "bigint" } }, exit: 0 },
  {
    name: "63-character table, unique constraint with dedup",
    answers: { ...base, operation: "add_unique_constraint", table: n("t", 63), columns: [{ name: "email", type: "text" }], details: { dedup: "keep-oldest" } },
    exit: 0,
  },
  { name: "63-character table, drop with archive", answers: { ...base, operation: "drop_table", table: n("t", 63), rollback_need: "full" }, exit: 0 },
  {
    name: "58-character table, exclusion copy",
    answers: { ...base, operation: "add_exclusion_constraint", table: n("t", 58), details: { exclusion: "USING gist (room WITH =, during WITH &&)" } },
    tools: ["raw-sql", "alembic", "rails", "knex"],
    exit: 0,
  },
  {
    name: "MySQL 45-character column rename triggers",
    answers: { ...base, engine: "mysql", engine_version: "8.0.36", operation: "rename_column", table: "orders", columns: [{ name: n("c", 45), type: "text" }], details: { new_name: n("d", 45) } },
    tools: MYSQL_TOOLS,
    exit: 0,
  },
  {
    name: "MySQL 64-character column",
    answers: { ...base, engine: "mysql", engine_version: "8.0.36", operation: "drop_column", table: "orders", columns: [{ name: n("c", 64), type: "text" }] },
    tools: MYSQL_TOOLS,
    exit: 0,
  },
  { name: "MySQL multi-line check with quotes", answers: check("total > 0\n AND note <> 'it''s'", "mysql"), tools: MYSQL_TOOLS, exit: 0 },

  // Refused: exit 2, nothing written, the first stderr line names the field.
  ...(
    [
      ["check that ends the statement", check("total > 0); DROP TABLE users; SELECT (1"), /details\.check is more than one SQL expression/],
      ["check with a line comment", check("total > 0 -- )"), /details\.check has a comment/],
      ["check with a block comment", check("total > 0 /* x */"), /details\.check has a comment/],
      ["check with a trailing semicolon", check("total > 0;"), /details\.check/],
      ["check with a writing subquery", check("(WITH d AS (DELETE FROM users RETURNING 1) SELECT count(*) FROM d) = 0"), /details\.check may only read/],
      ["check with a locking subquery", check("(SELECT count(*) FROM users FOR UPDATE) = 0"), /details\.check/],
      ["check with an unclosed quote", check("note <> 'abc"), /details\.check is not one SQL expression/],
      ["check with an unbalanced paren", check("(total > 0"), /details\.check is not one SQL expression/],
      ["empty check", check("   "), /details\.check is empty/],
      ["check with NUL", check("total > 0\u0000"), /details\.check contains a NUL/],
      ["backfill SET with a second statement", backfill("status = 'x'; DROP TABLE users", "status IS NULL"), /details\.set/],
      ["backfill where with a second statement", backfill("status = 'x'", "status IS NULL; DELETE FROM users"), /details\.backfill_where/],
      [
        "default that runs a program",
        { ...base, operation: "add_column", table: "orders", columns: [{ name: "s", type: "text", default: "'x'; CREATE TABLE public.t(); COPY (SELECT 1) TO PROGRAM 'id'" }] },
        /columns\.0\.default/,
      ],
      [
        "index predicate with a second statement",
        { ...base, operation: "add_index", table: "orders", columns: [{ name: "s" }], details: { where: "s IS NULL; DROP TABLE users" } },
        /details\.where/,
      ],
      [
        "using with a second statement",
        { ...base, operation: "change_column_type", table: "orders", columns: [{ name: "p", type: "integer" }], details: { new_type: "bigint", using: "p::bigint); DROP TABLE users; SELECT (1" } },
        /details\.using/,
      ],
      [
        "exclusion with a second statement",
        { ...base, operation: "add_exclusion_constraint", table: "rooms", details: { exclusion: "USING gist (room WITH =); DROP TABLE users" } },
        /details\.exclusion/,
      ],
      ["MySQL check with a semicolon", check("total > 0; DROP TABLE users", "mysql"), /details\.check has a ';'/],
      ["MySQL check with a # comment", check("total > 0 # x", "mysql"), /details\.check has a comment/],
      ["MySQL check with a -- comment", check("total > 0 -- x", "mysql"), /details\.check has a comment/],
      ["MySQL check with a backslash in a string", check("note <> 'a\\' OR 1=1 OR ''='", "mysql"), /details\.check has a backslash/],
      ["MySQL check with an unclosed quote", check("note <> 'abc", "mysql"), /details\.check has an unclosed '/],
      ["MySQL check with an unbalanced paren", check("(total > 0", "mysql"), /details\.check has a '\(' that is never closed/],
      ["64-character PostgreSQL column", { ...base, operation: "drop_column", table: "orders", columns: [{ name: n("c", 64), type: "text" }] }, /columns\.0\.name: .* is 64 bytes; postgresql names are at most 63 bytes/],
      ["64-character PostgreSQL table", { ...base, operation: "drop_table", table: n("t", 64) }, /table: .* is 64 bytes/],
      [
        "65-character MySQL column",
        { ...base, engine: "mysql", engine_version: "8.0.36", operation: "drop_column", table: "orders", columns: [{ name: n("c", 65), type: "text" }] },
        /invalid answers:/,
      ],
      ["derived name equal to an input name", { ...backfill("orders_backfill_before = 'x'", "orders_backfill_before IS NULL"), columns: [{ name: "orders_backfill_before", type: "text" }] }, /names: the derived name orders_backfill_before is the same as/],
    ] as [string, Record<string, unknown>, RegExp][]
  ).map(([name, answers, stderr]): HostileCase => ({ name, answers, tools: ONE_TOOL, exit: 2, stderr })),
];
