/**
 * A diagnosis is typed data built for the user's engine, version and tool: what happened, the
 * read-only queries that confirm it, the repair in order, what not to do, and how to prevent it.
 */
import type { Engine, Tool } from "../../answers/schema.js";
import type { Check, Statement } from "../../plan/model.js";

/** What a diagnosis is built from: the answers, with the names a pasted error gave us. */
export interface DiagnosisInput {
  engine: Engine;
  /** The server as the answers (or the live server) name it: `mariadb` where MySQL's queries need MariaDB's variant. */
  product?: Engine;
  version: string;
  tool?: Tool;
  /** Names as the user spells them; a placeholder (and a note saying so) where unknown. */
  names: Names;
  /** The migration version or revision the tool reported, when the error named one. */
  failedVersion?: string;
  /** The pasted error text, if any. */
  error?: string;
}

export interface Names {
  table: string;
  columns: string[];
  indexName: string;
  constraintName: string;
  refTable: string;
  refColumn: string;
  primaryKey: string;
  /** Which of the names above are placeholders the user must replace. */
  placeholders: string[];
  /** Names read from another name by PostgreSQL's default naming (users_email_key -> table users), to be checked. */
  guessed: string[];
}

/** A read-only query (or, where only the tool can tell, a read-only tool command). */
export interface Query {
  purpose: string;
  sql?: string;
  command?: string;
  /** What a result means (e.g. "any row returned is a duplicate group"). */
  expect: string;
  /** Reads a migration tool's own table (which exists only where that tool has run). */
  history?: boolean;
}

export interface RepairStep {
  text: string;
  sql?: string;
  /** A shell command (the tool's CLI). */
  command?: string;
}

/** One phase of a repair migration, in plan-model terms (ids are assigned when the plan is built). */
export interface RepairPhase {
  title: string;
  kind: "expand" | "backfill" | "contract" | "verify";
  why: string;
  statements: Statement[];
  rollback?: Statement[];
  irreversible?: string;
  checks: Check[];
}

export interface DiagnosisReport {
  id: string;
  title: string;
  /** One line for the terminal. */
  summary: string;
  /** What happened and why, as Markdown paragraphs. */
  what: string[];
  confirm: Query[];
  repair: RepairStep[];
  avoid: string[];
  prevent: string[];
  /** The one command or statement to show in the terminal summary. */
  keyCommand: string;
  /** Where a repair migration applies: its phases. */
  repairMigration?: { slug: string; phases: RepairPhase[] };
}

export interface Diagnosis {
  id: string;
  title: string;
  build(input: DiagnosisInput): DiagnosisReport;
}
