/**
 * Edits to a project's own files (appended plan lines, journal entries, an include), computed from the
 * content read: pure. Each edit keeps every byte the user wrote and only adds; when the file's shape
 * does not allow that safely, a ProjectError says so and nothing is written.
 */
import { parseDocument } from "yaml";
import { isDeepStrictEqual } from "node:util";
import { xmlAttr, yamlScalar } from "../plan/encode.js";
import { parseDrizzleJournal, type DrizzleJournal } from "./history.js";
import { ProjectError, type ProjectFile } from "./types.js";

const withNewline = (text: string) => (text === "" || text.endsWith("\n") ? text : text + "\n");

/** Lines appended at the end of a text file (sqitch.plan). */
export function appendLines(file: ProjectFile, lines: string[]): string {
  return withNewline(file.content) + lines.map((l) => l + "\n").join("");
}

/** drizzle-kit's journal with `entries` appended, written as drizzle-kit writes it (JSON, two spaces). */
export function appendJournalEntries(file: ProjectFile, entries: DrizzleJournal["entries"]): string {
  const journal = parseDrizzleJournal(file.path, file.content);
  journal.entries.push(...entries);
  return JSON.stringify(journal, null, 2) + (file.content.endsWith("\n") ? "\n" : "");
}

/** `include` as its own list item at the end of the YAML master's databaseChangeLog, checked by parsing the result. */
function includeYaml(master: ProjectFile, include: string): string {
  const before = parseDocument(master.content);
  const list = before.errors.length ? undefined : (before.toJS() as { databaseChangeLog?: unknown } | null)?.databaseChangeLog;
  if (!Array.isArray(list)) throw new ProjectError(`${master.path} is not a YAML changelog with a databaseChangeLog list: add the include by hand`);
  const item = /^([ \t]*)-[ \t]/m.exec(master.content.slice(master.content.search(/^databaseChangeLog\s*:/m)))?.[1] ?? "  ";
  const text =
    withNewline(master.content) +
    `${item}- include:\n${item}    file: ${yamlScalar(include)}\n${item}    relativeToChangelogFile: true\n`;
  const after = parseDocument(text);
  const got = after.errors.length ? undefined : (after.toJS() as { databaseChangeLog?: unknown[] }).databaseChangeLog;
  const expected = [...list, { include: { file: include, relativeToChangelogFile: true } }];
  if (!isDeepStrictEqual(got, expected)) {
    throw new ProjectError(`${master.path}: databaseChangeLog is not the last block of the file, so the include cannot be appended safely: add it by hand`);
  }
  return text;
}

/** `<include>` just before the closing `</databaseChangeLog>`, which must be the last element of the file. */
function includeXml(master: ProjectFile, include: string): string {
  const close = /<\/(?:[\w.-]+:)?databaseChangeLog\s*>(?:\s|<!--[\s\S]*?-->)*$/.exec(master.content);
  if (!close || (master.content.match(/<\/(?:[\w.-]+:)?databaseChangeLog\s*>/g) ?? []).length !== 1) {
    throw new ProjectError(`${master.path} does not end with one </databaseChangeLog>: add the include by hand`);
  }
  const head = master.content.slice(0, close.index);
  // Indented like the changelog's first child element.
  const indent = /\n([ \t]+)<(?![/!?])/.exec(head)?.[1] ?? "    ";
  const prefix = head.replace(/[ \t]*$/, "");
  return `${withNewline(prefix)}${indent}<include file=${xmlAttr(include)} relativeToChangelogFile="true"/>\n${master.content.slice(close.index)}`;
}

/** The master changelog with an include of `include` (a path relative to the master's folder) added at the end. */
export function includeInMaster(master: ProjectFile, format: "xml" | "yaml", include: string): string {
  return format === "xml" ? includeXml(master, include) : includeYaml(master, include);
}
