/**
 * The model changes PLAN.md prints ("### Change the model", a diff per phase), read from its text and
 * applied to a sample project's models.py the way a user would: `-` lines removed, `+` lines added
 * in the model class or in its Meta list.
 */

/** Phase id -> the code block under "### Change the model". */
export function modelSnippets(planMd: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const section of planMd.split(/^## Phase \d+ of \d+: /m).slice(1)) {
    const id = /\*\*id:\*\* `([^`]+)`/.exec(section)?.[1];
    const block = /^### Change the model$[^]*?^(`{3,})\w*\n([^]*?)\n\1$/m.exec(section);
    if (id && block) out.set(id, block[2]);
  }
  return out;
}

/** models.py with the diff applied to the class it names. Throws on a line it cannot apply (a `#` note: no field written). */
export function applyDjangoSnippet(modelsPy: string, diff: string): string {
  const lines = modelsPy.split("\n");
  const [head, ...rest] = diff.split("\n");
  const cls = /^ (class \w+\(models\.Model\):)$/.exec(head)?.[1];
  if (!cls) throw new Error(`not a model diff: ${head}`);
  const start = lines.indexOf(cls);
  if (start < 0) throw new Error(`${cls} is not in models.py`);
  const blockEnd = () => {
    let i = start + 1;
    while (i < lines.length && (lines[i] === "" || lines[i].startsWith(" "))) i++;
    while (lines[i - 1] === "") i--;
    return i;
  };
  const find = (pred: (l: string) => boolean, from = start) => {
    const end = blockEnd();
    for (let i = from; i < end; i++) if (pred(lines[i])) return i;
    return -1;
  };
  let list: string | undefined;
  for (const line of rest) {
    if (line.startsWith("#")) throw new Error(`PLAN.md could not write this change: ${line}`);
    const field = /^([+-]) {4}(\w+) = (.*)$/.exec(line);
    const meta = /^ {9}(indexes|constraints) = \[$/.exec(line);
    const entry = /^([+-]) {12}(.*,)$/.exec(line);
    if (field) {
      const [, sign, name, def] = field;
      const at = find((l) => l.startsWith(`    ${name} = `));
      if (sign === "-") {
        if (at < 0) throw new Error(`no field ${name} to remove`);
        lines.splice(at, 1);
      } else {
        const metaAt = find((l) => l === "    class Meta:");
        lines.splice(metaAt < 0 ? blockEnd() : metaAt - 1, 0, `    ${name} = ${def}`);
      }
    } else if (meta) list = meta[1];
    else if (entry && list) {
      const [, sign, text] = entry;
      const open = find((l) => l === `        ${list} = [`);
      if (sign === "-") {
        const at = find((l) => l === `            ${text}`, open);
        if (open < 0 || at < 0) throw new Error(`no ${text} in Meta.${list}`);
        lines.splice(at, 1);
      } else if (open >= 0) lines.splice(open + 1, 0, `            ${text}`);
      else {
        const metaAt = find((l) => l === "    class Meta:");
        if (metaAt < 0) throw new Error("the model has no Meta");
        lines.splice(metaAt + 1, 0, `        ${list} = [`, `            ${text}`, "        ]");
      }
    } else if (!/^ /.test(line)) throw new Error(`a line the diff cannot hold: ${line}`);
  }
  return lines.join("\n");
}
