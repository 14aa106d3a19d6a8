/** The pick list on screen, driven by keys: type to filter, ↓ to focus, Enter to take it; the column list shows types. */
import { cleanup, render } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { snapshotDefaults } from "../../src/schema/fill.js";
import { shippedTrees } from "../../src/trees/shipped.js";
import { App, type AppProps } from "../../src/ui/App.js";
import { catalogOf } from "../../src/wizard/catalog.js";
import { KEYS, press, type } from "../ui/helpers.js";
import { SNAPSHOT } from "./wizard-snapshot.js";

afterEach(() => cleanup());

describe("wizard pick list on screen", () => {
  it("filters the tables as the name is typed, takes the focused one with Enter, then lists the columns with their types", async () => {
    const onFinish = vi.fn<AppProps["onFinish"]>(async () => ({ files: [], nextSteps: [] }));
    const screen = render(<App trees={shippedTrees()} mode="plan" prefill={snapshotDefaults(SNAPSHOT)} catalog={catalogOf(SNAPSHOT)} onFinish={onFinish} />);
    const frame = () => screen.lastFrame() ?? "";
    await press(screen, "change_column_type\r");
    expect(frame()).toContain("from the database (↑/↓ pick, or type any name):");
    expect(frame()).toContain("billing.invoices  about 120 rows");
    await type(screen, "or");
    expect(frame()).not.toContain("customers");
    await press(screen, KEYS.down);
    expect(frame()).toContain("❯ orders  about 5,000,000 rows");
    await press(screen, KEYS.enter);
    expect(frame()).toContain("Which column?");
    expect(frame()).toContain("customer_id  integer");
    await type(screen, "cust");
    await press(screen, KEYS.down, KEYS.enter);
    expect(frame()).toContain("orders.customer_id is integer now (read from the database).");
    expect(onFinish).not.toHaveBeenCalled();
  });
});
