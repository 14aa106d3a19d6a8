/**
 * PostgreSQL text as lexical chunks (words, quoted strings, dollar-quoted bodies, punctuation), with
 * comments and whitespace dropped and each chunk's place in the original text kept. Two texts with
 * the same chunks are the same SQL; a slice from the first chunk's start to the last one's end is
 * the original text of a statement, inner comments included.
 */
export interface Chunk {
  text: string;
  start: number;
  end: number;
}

/** End of a '...' or "..." quote starting at `i` (doubled quotes and, for E'', backslashes escape). */
function quoteEnd(sql: string, i: number, backslash: boolean): number {
  const q = sql[i];
  let j = i + 1;
  while (j < sql.length) {
    if (backslash && sql[j] === "\\") j += 2;
    else if (sql[j] === q && sql[j + 1] === q) j += 2;
    else if (sql[j] === q) return j + 1;
    else j++;
  }
  return sql.length;
}

function commentEnd(sql: string, i: number): number {
  if (sql.startsWith("--", i)) {
    const nl = sql.indexOf("\n", i);
    return nl < 0 ? sql.length : nl + 1;
  }
  // /* */ comments nest in PostgreSQL.
  let depth = 0;
  let j = i;
  while (j < sql.length) {
    if (sql.startsWith("/*", j)) (depth++, (j += 2));
    else if (sql.startsWith("*/", j)) {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else j++;
  }
  return sql.length;
}

export function sqlChunks(sql: string): Chunk[] {
  const out: Chunk[] = [];
  let i = 0;
  const push = (end: number) => {
    out.push({ text: sql.slice(i, end), start: i, end });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) i++;
    else if (sql.startsWith("--", i) || sql.startsWith("/*", i)) i = commentEnd(sql, i);
    else if (c === "'" || c === '"') push(quoteEnd(sql, i, c === "'" && /[eE]$/.test(out[out.length - 1]?.text ?? "") && out[out.length - 1]?.end === i));
    else if (c === "$" && /^\$([A-Za-z_]\w*)?\$/.test(sql.slice(i, i + 70))) {
      const tag = /^\$([A-Za-z_]\w*)?\$/.exec(sql.slice(i, i + 70))![0];
      const close = sql.indexOf(tag, i + tag.length);
      push(close < 0 ? sql.length : close + tag.length);
    } else if (/[\w$]/.test(c)) push(i + /^[\w$]+/.exec(sql.slice(i, i + 4096))![0].length);
    else push(i + 1);
  }
  return out;
}

/** Chunks compared case-insensitively outside quotes (SQL keywords and unquoted names fold). */
export function sameChunk(a: string, b: string): boolean {
  if (a === b) return true;
  return !/^['"$]/.test(a) && a.toLowerCase() === b.toLowerCase();
}
