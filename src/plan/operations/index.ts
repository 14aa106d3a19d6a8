/**
 * The registry: one line per operation recipe. Typed over every operation of the answers contract, so
 * an operation without a recipe does not compile. An engine without its module, dialect or any
 * capability does not compile either (src/engines); recipes branch on the dialect, not the engine.
 */
import type { Operation } from "../../answers/schema.js";
import type { OperationRecipes, Recipe, RecipeResult } from "../recipe.js";
import { addColumn } from "./add_column.js";
import { renameColumn } from "./rename_column.js";
import { dropColumn } from "./drop_column.js";
import { setNotNull } from "./set_not_null.js";
import { backfill } from "./backfill.js";
import { createTable } from "./create_table.js";
import { renameTable } from "./rename_table.js";
import { dropTable } from "./drop_table.js";
import { changeColumnType } from "./change_column_type.js";
import { addIndex } from "./add_index.js";
import { dropIndex } from "./drop_index.js";
import { addUniqueConstraint } from "./add_unique_constraint.js";
import { addForeignKey } from "./add_foreign_key.js";
import { addCheckConstraint } from "./add_check_constraint.js";
import { addPrimaryKey } from "./add_primary_key.js";
import { addEnumValue } from "./add_enum_value.js";
import { addExclusionConstraint } from "./add_exclusion_constraint.js";

export type { OperationRecipes, Recipe, RecipeResult };

/** Each operation's recipes by dialect (the type makes a missing operation or dialect a compile error). */
export const RECIPES: { readonly [O in Operation]: OperationRecipes<O> } = {
  add_column: addColumn,
  rename_column: renameColumn,
  drop_column: dropColumn,
  set_not_null: setNotNull,
  backfill,
  create_table: createTable,
  rename_table: renameTable,
  drop_table: dropTable,
  change_column_type: changeColumnType,
  add_index: addIndex,
  drop_index: dropIndex,
  add_unique_constraint: addUniqueConstraint,
  add_foreign_key: addForeignKey,
  add_check_constraint: addCheckConstraint,
  add_primary_key: addPrimaryKey,
  add_enum_value: addEnumValue,
  add_exclusion_constraint: addExclusionConstraint,
};
