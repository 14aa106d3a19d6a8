/** Validation of free-text answers, run on every keystroke so the error shows while typing. */
import { parseRowCount, parseVersion } from "../answers/forms.js";
import { IDENTIFIER, SQL_TYPE } from "../answers/names.js";
import type { InputKind } from "../trees/model.js";

export type InputResult = { ok: true; value: unknown } | { ok: false; error: string };

const MAX_NAME = 63;
const ok = (value: unknown): InputResult => ({ ok: true, value });
const fail = (error: string): InputResult => ({ ok: false, error });

function validateName(name: string, what: string): string | undefined {
  if (!IDENTIFIER.test(name)) {
    if (/^\d/.test(name)) return `A ${what} cannot start with a digit.`;
    return `A ${what} uses letters, digits and _ only (no spaces or quotes).`;
  }
  if (name.length > MAX_NAME) return `A ${what} has at most ${MAX_NAME} characters (PostgreSQL cuts longer names).`;
  return undefined;
}

/** Keywords that are valid defaults without parentheses. */
const BARE_DEFAULTS = /^(current_timestamp|current_date|current_time|localtimestamp|localtime|current_user|session_user)$/i;
const STRING_LITERAL = /^'(?:[^']|'')*'(::[A-Za-z_][A-Za-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?(\[\])*)?$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
const FUNCTION_CALL = /^[A-Za-z_][A-Za-z0-9_.]*\s*\(.*\)(::[A-Za-z_][A-Za-z0-9_ ]*)?$/s;

function validateDefault(text: string): InputResult {
  if (NUMBER.test(text)) return ok(Number(text));
  if (/^(true|false)$/i.test(text)) return ok(text.toLowerCase() === "true");
  if (/^null$/i.test(text)) return ok(null);
  if (STRING_LITERAL.test(text) || BARE_DEFAULTS.test(text)) return ok(text);
  if (FUNCTION_CALL.test(text)) {
    const balance = checkBalanced(text);
    return balance ? fail(balance) : ok(text);
  }
  if (text.startsWith("'")) return fail("Close the text with a single quote; write a quote inside it as ''.");
  if (/^[A-Za-z_][\w ]*$/.test(text)) return fail(`Text defaults need single quotes: '${text}'. For a function, add (): ${text}().`);
  return fail("Use a quoted literal ('active'), a number, true/false/null, or a function call such as now().");
}

/** Returns an error when parentheses or quotes are not balanced, else undefined. */
function checkBalanced(text: string): string | undefined {
  let depth = 0;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) {
        if (text[i + 1] === quote) i++; // a doubled quote is an escaped quote
        else quote = null;
      }
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")" && --depth < 0) return "A ) has no matching (.";
  }
  if (quote) return `A ${quote} is not closed.`;
  if (depth > 0) return `${depth} ( not closed.`;
  return undefined;
}

export function validateInput(kind: InputKind, raw: string): InputResult {
  const text = raw.trim();
  if (text === "") return fail("An answer is needed here.");
  switch (kind) {
    case "identifier": {
      const error = validateName(text, "name");
      return error ? fail(error) : ok(text);
    }
    case "table": {
      const parts = text.split(".");
      if (parts.length > 2) return fail("Write a table as table or schema.table.");
      for (const part of parts) {
        const error = validateName(part, part === parts[parts.length - 1] ? "table name" : "schema name");
        if (error) return fail(error);
      }
      return ok(text);
    }
    case "sql_type":
      return SQL_TYPE.test(text) ? ok(text) : fail("Write a SQL type such as text, varchar(255), numeric(10,2) or bigint.");
    case "sql_default":
      return validateDefault(text);
    case "sql_expression": {
      const error = checkBalanced(text);
      return error ? fail(error) : ok(text);
    }
    case "version": {
      const parsed = parseVersion(text);
      return parsed.ok ? ok(parsed.value.version) : fail(parsed.error);
    }
    case "integer": {
      const parsed = parseRowCount(text);
      return parsed.ok ? ok(parsed.value) : fail(parsed.error);
    }
    case "text":
      return ok(text);
  }
}
