/**
 * The names an ORM model would most likely use for a table and its columns: a guess the snippets
 * state (class `Order` for table `orders`, field `customerId` for column `customer_id`) and map
 * back to the database names (`db_table`, `@map`, the column's name in Drizzle).
 */
import { bareName } from "../../plan/encode.js";

/** `orders` -> `order`, `categories` -> `category`, `addresses` -> `address`, `status` stays. */
function singular(word: string): string {
  if (/ies$/i.test(word)) return word.slice(0, -3) + "y";
  if (/(ss|us|is)$/i.test(word)) return word;
  if (/(sh|ch|x|z|sses)es$/i.test(word)) return word.slice(0, -2);
  return word.replace(/s$/i, "");
}

const words = (name: string) => name.split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/).filter(Boolean);
const cap = (w: string) => w[0].toUpperCase() + w.slice(1).toLowerCase();

/** The model class for a table: `order_items` -> `OrderItem` (a Django `app_` prefix dropped). */
export function modelClassName(table: string): string {
  const w = words(bareName(table).replace(/^app_/, ""));
  if (!w.length) return "Model";
  w[w.length - 1] = singular(w[w.length - 1]);
  const name = w.map(cap).join("");
  return /^\d/.test(name) ? "T" + name : name;
}

/** A camelCase field for a column: `customer_id` -> `customerId`; a column already in camelCase keeps its name. */
export function camelField(column: string): string {
  if (/^[a-z][A-Za-z0-9]*$/.test(column)) return column;
  const w = words(column);
  if (!w.length) return "field";
  const name = w.map((x, i) => (i === 0 ? x.toLowerCase() : cap(x))).join("");
  return /^\d/.test(name) ? "f" + name : name;
}
