/**
 * With a snapshot, the wizard offers tables and columns from the database as a filtered pick list (any other
 * name can still be typed), answers the size question from the table's estimate, shows the column's current
 * type before asking the new one, and for a foreign key lists the tables that can be referenced and says
 * whether the child column is indexed. Driven through the pure machine with the events keys send.
 */
import { describe, expect, it } from "vitest";
import { snapshotDefaults } from "../../src/schema/fill.js";
import { shippedTrees } from "../../src/trees/shipped.js";
import { catalogOf } from "../../src/wizard/catalog.js";
import { currentNote, currentPicks, currentQuestion, reduce, start, type WizardState } from "../../src/wizard/machine.js";
import { SNAPSHOT } from "./wizard-snapshot.js";

const trees = shippedTrees();
const begin = () => start(trees, "plan", snapshotDefaults(SNAPSHOT), catalogOf(SNAPSHOT));
const typed = (s: WizardState, text: string) => reduce(s, { type: "type", text });
const at = (s: WizardState) => currentQuestion(s)?.id;

describe("wizard pick lists from the schema", () => {
  it("picks the table from a filtered list, skips the size question, lists the columns with their types and shows the current type", () => {
    let s = reduce(begin(), { type: "pick", text: "change_column_type" });
    expect(at(s)).toBe("table");
    expect(currentPicks(s).map((p) => `${p.value} (${p.detail})`)).toEqual([
      "billing.invoices (about 120 rows)",
      "customers (about 2,000 rows)",
      "events (about 9,000,000 rows)",
      "orders (about 5,000,000 rows)",
    ]);
    s = typed(s, "ord");
    expect(currentPicks(s).map((p) => p.value)).toEqual(["orders"]);
    s = reduce(s, { type: "move", by: 1 });
    expect(s.pickIndex).toBe(0);
    s = reduce(s, { type: "confirm" });
    expect(s.answers.table).toBe("orders");
    // The size question is answered by the estimate: the next question is the column.
    expect(s.answers.approx_rows).toBe(5_000_000);
    expect(at(s)).toBe("column_name");
    expect(currentPicks(s).map((p) => `${p.value} ${p.detail}`)).toEqual(["id bigint", "customer_id integer", "seller_id integer", "note varchar(200)"]);
    s = typed(s, "id");
    // Those that start with the text first, then those that contain it.
    expect(currentPicks(s).map((p) => p.value)).toEqual(["id", "customer_id", "seller_id"]);
    s = reduce(s, { type: "move", by: 1 });
    s = reduce(s, { type: "move", by: 1 });
    s = reduce(s, { type: "confirm" });
    expect(s.answers.columns?.[0]?.name).toBe("customer_id");
    expect(at(s)).toBe("new_type");
    expect(currentNote(s)).toBe("orders.customer_id is integer now (read from the database).");
    expect(currentPicks(s)).toEqual([]);
    // Back undoes the size answer with the table.
    let back = reduce(reduce(s, { type: "back" }), { type: "back" });
    expect(at(back)).toBe("table");
    expect(back.answers.approx_rows).toBeUndefined();
    // The field comes back with "orders"; cleared, another table is typed in full.
    back = reduce(typed(reduce(back, { type: "text", action: { kind: "erase-to-start" } }), "events"), { type: "confirm" });
    expect(back.answers.approx_rows).toBe(9_000_000);
  });

  it("still takes a name the list does not have, and moving back up returns to the typed text", () => {
    let s = reduce(begin(), { type: "pick", text: "add_index" });
    s = typed(s, "audit_log");
    expect(currentPicks(s)).toEqual([]);
    s = reduce(s, { type: "confirm" });
    expect(s.answers.table).toBe("audit_log");
    // Not in the snapshot: no estimate, so the size question is still asked.
    const asked: string[] = [];
    for (let i = 0; i < 8 && s.screen === "question"; i++) {
      asked.push(at(s)!);
      s = reduce(currentQuestion(s)!.type === "input" ? typed(s, "note") : s, { type: "confirm" });
    }
    expect(asked).toContain("table_size");
    let t = reduce(begin(), { type: "pick", text: "add_index" });
    t = typed(t, "c");
    t = reduce(t, { type: "move", by: 1 });
    t = reduce(t, { type: "move", by: -1 });
    expect(t.pickIndex).toBe(-1);
    t = reduce(typed(t, "ustomers"), { type: "confirm" });
    expect(t.answers.table).toBe("customers");
  });

  it("a new column or table is typed: no list is offered", () => {
    let s = reduce(begin(), { type: "pick", text: "add_column" });
    s = reduce(typed(s, "orders"), { type: "confirm" });
    expect(at(s)).toBe("new_column_name");
    expect(currentPicks(s)).toEqual([]);
    const created = reduce(begin(), { type: "pick", text: "create_table" });
    expect(at(created)).toBe("new_table");
    expect(currentPicks(created)).toEqual([]);
  });

  it("add foreign key lists the tables with a key to reference and says whether the child column is indexed", () => {
    const upTo = (column: string) => {
      let s = reduce(begin(), { type: "pick", text: "add_foreign_key" });
      s = reduce(typed(s, "orders"), { type: "confirm" });
      s = reduce(typed(s, column), { type: "confirm" });
      while (at(s) !== "ref_table" && s.screen === "question") s = reduce(s, { type: "confirm" });
      return s;
    };
    let s = upTo("customer_id");
    expect(currentPicks(s).map((p) => `${p.value}: ${p.detail}`)).toEqual([
      "billing.invoices: key id · about 120 rows",
      "customers: key id, email · about 2,000 rows",
      "orders: key id · about 5,000,000 rows",
    ]);
    expect(currentNote(s)).toBe("orders.customer_id is integer and already indexed (orders_customer_idx): lookups from the parent stay fast.");
    expect(currentNote(upTo("seller_id"))).toBe("orders.seller_id is integer and has no index yet: the plan builds one concurrently first.");
    s = reduce(reduce(typed(s, "cust"), { type: "move", by: 1 }), { type: "confirm" });
    expect(s.answers.details?.ref_table).toBe("customers");
    expect(at(s)).toBe("ref_column");
    expect(currentPicks(s).map((p) => p.value)).toEqual(["id", "email"]);
  });
});
