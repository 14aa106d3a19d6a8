/** Answer paths: `table`, `details.new_name`, `columns.0.type`. Plain objects in, new objects out. */

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Returns a copy of `obj` with `value` at `path` (`undefined` removes the key); numeric segments make arrays. */
export function setPath<T extends object>(obj: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split(".");
  const isIndex = (k: string) => /^\d+$/.test(k);
  const copy: any = Array.isArray(obj) ? [...obj] : { ...obj };
  if (rest.length === 0) {
    if (value === undefined) {
      if (Array.isArray(copy)) copy.splice(Number(head), 1);
      else delete copy[head];
    } else copy[head] = value;
    return copy;
  }
  const child = copy[head];
  const base = child !== null && typeof child === "object" ? child : isIndex(rest[0]) ? [] : {};
  copy[head] = setPath(base, rest.join("."), value);
  return copy;
}
