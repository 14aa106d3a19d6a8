/** Knex runs every phase of every MySQL-family operation's plan on MariaDB, as PLAN.md prints it (see tool-phases.ts). */
import { toolPhasesSuite } from "./tool-phases.js";

toolPhasesSuite("knex");
