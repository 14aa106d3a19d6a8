/**
 * One encoder per place text lands in a generated file. Every byte of answer text that reaches a
 * file passes one of these: SQL identifiers and literals, SQL/Python/Ruby/JavaScript comments,
 * Python/Ruby/JavaScript string literals, YAML scalars, XML, Markdown. Pure and dependency-free.
 */
import { RESERVED_WORDS } from "./reserved-words.js";

export type SqlEngine = "postgresql" | "mysql" | "mariadb";

// Every character some host language ends a line at (Python and SQL: CR, LF; JavaScript also
// U+2028/U+2029; YAML 1.1 and some editors U+0085), and the invisible ones that reorder or hide
// text (C0/C1 controls, bidi overrides: "Trojan Source").
const LINE_BREAKS = /\r\n|[\n\r\u000b\u000c\u0085\u2028\u2029]/g;
const INVISIBLE = /[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;
const hex4 = (c: string) => c.charCodeAt(0).toString(16).padStart(4, "0");

/** Text on one line: line breaks become a visible ` ⏎ `, tabs a space, invisible characters `<U+XXXX>`. */
export function oneLine(text: unknown): string {
  return String(text)
    .replace(LINE_BREAKS, " \u23ce ")
    .replace(/\t/g, " ")
    .replace(INVISIBLE, (c) => `<U+${hex4(c).toUpperCase()}>`);
}

/**
 * The text of a line comment (`--`, `#`, `//`) or of any one-line header field. One line, so nothing
 * after it runs as code; and never a tool directive (`-- +goose Down`, `-- migrate:down`, `--changeset`).
 */
export function commentText(text: unknown): string {
  const line = oneLine(text);
  return /^\s*(\+|migrate:|changeset\b|rollback\b|liquibase\b|#|!)/i.test(line) ? `\u00b7 ${line}` : line;
}

/** A whole SQL line comment: `-- text`. */
export const sqlComment = (text: unknown) => `-- ${commentText(text)}`;
/** A whole Python or Ruby line comment: `# text`. */
export const hashComment = (text: unknown) => `# ${commentText(text)}`;
/** A whole JavaScript or Go line comment: `// text`. */
export const slashComment = (text: unknown) => `// ${commentText(text)}`;

// ---- SQL ----

/** Whether a name can go unquoted on both engines: lower-case letters, digits, `_`, and not a reserved word of either. */
export const isPlainIdent = (name: string) => /^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED_WORDS.has(name);

/** A SQL identifier for the engine, quoted when it is not plain: `"order"`, `"createdAt"`, `` `rank` ``. */
export function sqlIdent(engine: SqlEngine, name: string): string {
  if (isPlainIdent(name)) return name;
  return engine !== "postgresql" ? "`" + name.replace(/`/g, "``") + "`" : '"' + name.replace(/"/g, '""') + '"';
}

/** A possibly schema-qualified name: `billing."Order"`. */
export function sqlTable(engine: SqlEngine, name: string): string {
  return splitQualified(name)
    .map((part) => sqlIdent(engine, part))
    .join(".");
}

/** `billing.orders` -> ["billing", "orders"]; `orders` -> ["orders"]. Names cannot contain dots (the answers schema). */
export const splitQualified = (name: string) => name.split(".");
/** The unqualified part of a possibly schema-qualified name. */
export const bareName = (name: string) => splitQualified(name).slice(-1)[0];
/** The schema part with its dot (`billing.`), or "" for an unqualified name. */
export const schemaPrefix = (name: string) => (name.includes(".") ? splitQualified(name).slice(0, -1).join(".") + "." : "");

/**
 * A SQL string literal. PostgreSQL: `'...'`, or `E'...'` with doubled backslashes when the text has
 * one, which reads the same whatever `standard_conforming_strings` is. MySQL: quotes doubled and
 * backslashes escaped, which cannot break out with or without NO_BACKSLASH_ESCAPES.
 */
export function sqlLiteral(engine: SqlEngine, text: string): string {
  if (text.includes("\u0000")) throw new Error("a SQL string cannot contain a NUL character");
  const quoted = text.replace(/'/g, "''");
  if (!text.includes("\\")) return `'${quoted}'`;
  return engine !== "postgresql" ? `'${quoted.replace(/\\/g, "\\\\")}'` : `E'${quoted.replace(/\\/g, "\\\\")}'`;
}

/** A PostgreSQL dollar-quoted body whose tag does not occur in it: `$$...$$` (or `$tag$`), else `$tag1$...$tag1$`. */
export function dollarQuoted(body: string, preferred = ""): string {
  let tag = preferred;
  for (let n = 0; body.includes(`$${tag}$`); n++) tag = `${preferred || "mw"}${n || ""}`;
  return `$${tag}$${body}$${tag}$`;
}

/** Re-quote the body between the first and the last `$$` of a statement with a tag its body does not contain. */
export function dollarBody(sql: string): string {
  const a = sql.indexOf("$$");
  const b = sql.lastIndexOf("$$");
  if (a < 0 || b <= a) return sql;
  return sql.slice(0, a) + dollarQuoted(sql.slice(a + 2, b)) + sql.slice(b + 2);
}

/** A message for PL/pgSQL `RAISE ... '<fmt>'`: a literal whose `%` are not format placeholders. */
export const raiseMessage = (text: string) => sqlLiteral("postgresql", oneLine(text).replace(/%/g, "%%"));

// ---- host-language string literals ----

const escapeInvisible = (s: string, esc: (code: string) => string) =>
  s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, (c) =>
    esc(hex4(c)),
  );
// Lone surrogates cannot be written as UTF-8; escaped, the literal still holds the same string.
const escapeLoneSurrogates = (s: string, esc: (code: string) => string) =>
  s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => esc(hex4(c)));

/** Lines of a text, each keeping its line break, for literals written one line per source line. */
const linePieces = (s: string) => s.match(/[^\n]*\n|[^\n]+$/g) ?? [""];

function pyPiece(s: string): string {
  let body = s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");
  body = escapeLoneSurrogates(escapeInvisible(body, (h) => `\\u${h}`), (h) => `\\u${h}`);
  return `"${body}"`;
}

/**
 * A Python string literal. One line: `"..."`; several: adjacent literals in parentheses, one per
 * line, so the text reads as written and nothing in it can end the literal.
 */
export function pyString(s: string, pad = "    "): string {
  const pieces = linePieces(s);
  if (pieces.length === 1) return pyPiece(s);
  return "(\n" + pieces.map((p) => pad + "    " + pyPiece(p)).join("\n") + "\n" + pad + ")";
}

/** Text inside a Python docstring (`"""..."""`): one line, with `\` and `"` escaped. */
export const pyDocText = (text: unknown) => commentText(text).replace(/\\/g, "\\\\").replace(/"/g, '\\"');

function rbPiece(s: string): string {
  let body = s
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/#/g, "\\#")
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t");
  body = escapeLoneSurrogates(escapeInvisible(body, (h) => `\\u${h}`), (h) => `\\u${h}`);
  return `"${body}"`;
}

/**
 * A Ruby double-quoted string literal (`#` escaped, so nothing interpolates). Several lines: one
 * literal per line joined with `\` continuations, which Ruby concatenates.
 */
export function rubyString(s: string, pad = "    "): string {
  const pieces = linePieces(s);
  if (pieces.length === 1) return rbPiece(s);
  return pieces.map((p, i) => (i === 0 ? "" : pad + "  ") + rbPiece(p)).join(" \\\n");
}

/** A JavaScript template literal (multi-line text stays readable): `` ` ``, `\` and `${` escaped, invisible characters as `\u`. */
export function jsString(s: string): string {
  let body = s.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${").replace(/\r/g, "\\r");
  body = escapeLoneSurrogates(escapeInvisible(body, (h) => `\\u${h}`), (h) => `\\u${h}`);
  return "`" + body + "`";
}

/** A JavaScript (or JSON, or Go) double-quoted string literal on one line. */
export function jsQuoted(s: string): string {
  return escapeLoneSurrogates(JSON.stringify(s).replace(/[\u2028\u2029\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, (c) => `\\u${hex4(c)}`), (h) => `\\u${h}`);
}

// ---- shell ----

/**
 * One POSIX shell word that the shell passes on unchanged: bare when it holds only characters no
 * shell treats specially, else single-quoted (`'` as `'\''`), so `$()`, backticks, `;`, globs and
 * spaces stay literal. Line breaks and invisible characters would make a pasted command run in
 * pieces or hide text: such a word is written as bash's `$'...'` with escapes instead.
 */
export function shellArg(s: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  if (!/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/.test(s)) return `'${s.replace(/'/g, "'\\''")}'`;
  const escaped = [...s]
    .map((c) => {
      if (c === "\\") return "\\\\";
      if (c === "'") return "\\'";
      if (c === "\n") return "\\n";
      if (c === "\t") return "\\t";
      if (c === "\r") return "\\r";
      const code = c.codePointAt(0)!;
      if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `\\x${code.toString(16).padStart(2, "0")}`;
      if (/[\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/.test(c)) return `\\u${hex4(c)}`;
      return c;
    })
    .join("");
  return `$'${escaped}'`;
}

// ---- data and documents ----

/** A YAML double-quoted scalar: JSON's escapes plus the characters YAML forbids raw. */
export function yamlScalar(s: string): string {
  return jsQuoted(s).replace(/[\ufffe\uffff]/g, (c) => `\\u${hex4(c)}`);
}

/** XML text content. */
export const xmlText = (s: string) =>
  escapeLoneSurrogates(s, () => "\ufffd")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "\ufffd");

/** An XML attribute value, with its double quotes. */
export const xmlAttr = (s: string) => `"${xmlText(s).replace(/"/g, "&quot;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;").replace(/\t/g, "&#9;")}"`;

/** A Markdown code span on one line, fenced with more backticks than any run inside it. */
export function mdCode(text: unknown): string {
  const s = oneLine(text);
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  const pad = s.startsWith("`") || s.endsWith("`") || /^ .* $/.test(s) ? " " : "";
  return `${fence}${pad}${s}${pad}${fence}`;
}

/**
 * A fenced Markdown code block whose fence is longer than any run of backticks inside, so the text
 * cannot close it; `lang` is the info string (letters only).
 */
export function mdFence(text: string, lang = ""): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const f = "`".repeat(longest + 1);
  return `${f}${lang.replace(/[^A-Za-z0-9_+-]/g, "")}\n${text.replace(/^\n+|\s+$/g, "")}\n${f}`;
}

/** Inline Markdown text on one line: nothing in it opens HTML, a code span, a link or a table cell. */
export const mdText = (text: unknown) => oneLine(text).replace(/([\\`<>[\]|])/g, "\\$1");
