/** The registry: one renderer per tool, one line each. */
import type { Tool } from "../../answers/schema.js";
import type { Plan } from "../../plan/model.js";
import { withGuards } from "../../plan/guards.js";
import type { RenderContext, ToolOutput, ToolRenderer } from "../types.js";
import { alembic } from "./alembic.js";
import { dbmate } from "./dbmate.js";
import { django } from "./django.js";
import { drizzle } from "./drizzle.js";
import { flyway } from "./flyway.js";
import { golangMigrate } from "./golang-migrate.js";
import { goose } from "./goose.js";
import { knex } from "./knex.js";
import { liquibase } from "./liquibase.js";
import { nodePgMigrate } from "./node-pg-migrate.js";
import { prisma } from "./prisma.js";
import { rails } from "./rails.js";
import { rawSql } from "./raw-sql.js";
import { sqitch } from "./sqitch.js";

export const TOOL_RENDERERS: Record<Tool, ToolRenderer> = {
  "raw-sql": rawSql,
  alembic,
  django,
  knex,
  prisma,
  rails,
  flyway,
  liquibase,
  "golang-migrate": golangMigrate,
  goose,
  "node-pg-migrate": nodePgMigrate,
  drizzle,
  dbmate,
  sqitch,
};

/** The files of the plan's tool (raw SQL when the answers name none). */
export function renderToolFiles(plan: Plan, ctx: RenderContext): ToolOutput {
  const tool: Tool = plan.answers.tool ?? "raw-sql";
  // The files carry a guard per phase (the previous phase's checks, raising); PLAN.md shows the plan's own statements.
  const guarded = { ...plan, phases: withGuards(plan.phases, plan.engine) };
  return TOOL_RENDERERS[tool].render(guarded, ctx);
}
