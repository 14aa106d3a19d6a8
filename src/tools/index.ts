/**
 * One module per migration tool (src/tools/<tool>.ts): the facts troubleshooting uses and how project
 * detection recognises it, read by troubleshoot/ and project/. The renderer stays in render/tools/
 * (render/ and troubleshoot/ do not import each other); adding a tool adds its module and one line here.
 */
import type { Tool } from "../answers/schema.js";
import type { ToolModule } from "./types.js";
import { rawSql } from "./raw-sql.js";
import { alembic } from "./alembic.js";
import { django } from "./django.js";
import { knex } from "./knex.js";
import { prisma } from "./prisma.js";
import { rails } from "./rails.js";
import { flyway } from "./flyway.js";
import { liquibase } from "./liquibase.js";
import { golangMigrate } from "./golang-migrate.js";
import { goose } from "./goose.js";
import { nodePgMigrate } from "./node-pg-migrate.js";
import { drizzle } from "./drizzle.js";
import { dbmate } from "./dbmate.js";
import { sqitch } from "./sqitch.js";

export const TOOL_MODULES: Record<Tool, ToolModule> = {
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

/** The order detection tries tools in: a framework's own file beats a generic folder. */
export const DETECTION_ORDER: Tool[] = ["alembic", "django", "rails", "knex", "prisma", "drizzle", "flyway", "liquibase", "sqitch", "node-pg-migrate", "dbmate", "goose", "golang-migrate"];

export type { ToolFacts, ToolModule } from "./types.js";
