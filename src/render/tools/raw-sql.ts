/**
 * Plain SQL files: `migrations/NNN_<phase>.up.sql` and `.down.sql`, numbered in order. PostgreSQL's run
 * with psql (`-1` when the whole file may share one transaction); MySQL's and MariaDB's with the `mysql`
 * client, which stops at the first error. MySQL commits each DDL statement on its own, so a file is never
 * one transaction there, and a statement with its own semicolons (a procedure) is fenced with DELIMITER.
 */
import template from "../../../templates/raw-sql/migration.sql.eta?raw";
import { isMysqlFamily } from "../../engines/index.js";
import type { Phase, Plan } from "../../plan/model.js";
import type { PhaseFiles, RenderedFile, ToolOutput, ToolRenderer } from "../types.js";
import { fileHeader, raiseIrreversibleSql, renderTemplate, snake } from "./common.js";
import { isBlock, segments, sqlPhases, terminated, type Segment } from "./steps.js";

const psql = (file: string, transactional: boolean) =>
  `psql "$DATABASE_URL" -v ON_ERROR_STOP=1${transactional ? " -1" : ""} -f ${file}`;

/** The mysql client reads host, user and password from ~/.my.cnf (or --host/--user/-p); the database is named. */
const mysqlClient = (file: string) => `mysql "$DATABASE_NAME" < ${file}`;

/** A statement as the mysql client must read it: a procedure body's semicolons would end it early. */
const mysqlText = (sql: string) => (isBlock(sql) ? `DELIMITER //\n${sql.trimEnd().replace(/;\s*$/, "")} //\nDELIMITER ;` : terminated(sql));

function sqlFile(plan: Plan, phase: Phase, path: string, direction: "up" | "down", segs: Segment[]) {
  const mysql = isMysqlFamily(plan.engine);
  const transactional = !mysql && segs.every((s) => s.transaction);
  const irreversible = direction === "down" ? phase.irreversible : undefined;
  const command = mysql ? mysqlClient(path) : psql(path, transactional);
  const content = renderTemplate(template, {
    direction: direction === "up" ? "Apply" : "Roll back",
    ...fileHeader(plan, phase, segs.flatMap((s) => s.statements)),
    mysql,
    transactional,
    command,
    irreversible,
    raise: irreversible ? raiseIrreversibleSql(irreversible, plan.engine) : "",
    blocks: segs.map((s) => ({
      wrap: !mysql && !transactional && s.transaction,
      statements: s.statements.map((st) => (mysql ? mysqlText(st.sql) : terminated(st.sql))),
    })),
  });
  return { file: { path, content }, command };
}

export const rawSql: ToolRenderer = {
  tool: "raw-sql",
  render(plan): ToolOutput {
    const files: RenderedFile[] = [];
    const phases: Record<string, PhaseFiles> = {};
    sqlPhases(plan.phases).forEach((phase, i) => {
      // Numbered like the phase ids (02-contract -> 002_contract), so PLAN.md and the files agree.
      const base = `migrations/${(/^\d+/.exec(phase.id)?.[0] ?? String(i + 1)).padStart(3, "0")}_${snake(phase.kind)}`;
      const up = sqlFile(plan, phase, `${base}.up.sql`, "up", segments(phase.statements));
      const down = sqlFile(plan, phase, `${base}.down.sql`, "down", phase.irreversible ? [] : segments(phase.rollback ?? []));
      files.push(up.file, down.file);
      phases[phase.id] = {
        files: [up.file.path, down.file.path],
        command: up.command,
        rollbackCommand: phase.irreversible ? undefined : down.command,
        notes: phase.irreversible ? [`Cannot be rolled back: ${phase.irreversible}`] : undefined,
      };
    });
    const notes = isMysqlFamily(plan.engine)
      ? [
          "Run each file with the mysql client in order (connection settings from ~/.my.cnf, or add --host/--user/-p). " +
            "MySQL commits every DDL statement on its own: a file that fails partway leaves the statements before the failure applied, " +
            "and the client stops at the failing one. Check what ran (SHOW CREATE TABLE) and continue from there.",
        ]
      : ["Run each file with psql in order; `-1` wraps a file in one transaction, so it is left out for files with non-transactional statements."];
    return { tool: "raw-sql", files, phases, notes };
  },
};
