/**
 * Line and order layouts: an amount column (the line or order total) instead of quantity x unit price, lines with
 * amount <= 0 set aside as nonpositive_amount, and invoice, stock code, description, quantity and country optional.
 * Expected values are worked out by hand from the fixtures in test/fixtures/layouts/.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { join } from "node:path";
import { DEFAULT_CONFIG, PROJECT_ROOT, validateConfig, type ColumnMapping, type Config } from "../../loaders/config.ts";
import { ingest, type IngestResult } from "../../loaders/pipeline/ingest.ts";
import { DROP_REASONS } from "../../loaders/types.ts";

const fixture = (name: string) => join(PROJECT_ROOT, "test", "fixtures", "layouts", name);

function configFor(file: string, columns: ColumnMapping, cleaning: Partial<Config["cleaning"]> = {}): Config {
  const base = structuredClone(DEFAULT_CONFIG);
  return validateConfig({
    ...base,
    columns,
    cleaning: { ...base.cleaning, ...cleaning },
    data: file,
    data_source: "override",
    config_file: null,
  });
}

async function run<T>(config: Config, check: (r: IngestResult) => Promise<T> | T): Promise<T> {
  const notes: string[] = [];
  const result = await ingest(config, { onRecognised: (block) => notes.push(block) });
  try {
    return await check(result);
  } finally {
    result.close();
  }
}

/** rows_in = kept + every reason, each reason present. */
export function assertBalanced(result: Pick<IngestResult, "accounting">): void {
  const { rows_in, rows_kept, dropped } = result.accounting;
  assert.deepEqual(Object.keys(dropped), [...DROP_REASONS]);
  assert.equal(rows_in, rows_kept + Object.values(dropped).reduce((a, b) => a + b, 0));
}

const zero = Object.fromEntries(DROP_REASONS.map((r) => [r, 0]));

describe("an order log: amount, no invoice, no stock code, no country (order_log.csv)", () => {
  const config = configFor(fixture("order_log.csv"), {
    customer_id: "client",
    invoice_date: "day",
    quantity: "cds",
    amount: "total",
  });

  it("sets amounts <= 0 aside as nonpositive_amount and counts each line as one order", async () => {
    await run(config, (r) => {
      assertBalanced(r);
      assert.deepEqual(r.accounting.dropped, { ...zero, missing_customer: 1, nonpositive_amount: 2 });
      assert.equal(r.accounting.rows_kept, 3);
      assert.equal(r.orders, 3);
      assert.equal(r.revenue, 37.75);
      assert.equal(r.snapshot_date, "2011-03-03");
      assert.deepEqual(
        r.customers.map((c) => [c.customer_id, c.recency, c.frequency, c.monetary, c.items_per_order, c.country]),
        [
          ["1", 28, 2, 30.5, 1.5, "Unknown"],
          ["3", 1, 1, 7.25, 1, "Unknown"],
        ],
      );
      assert.deepEqual(r.input_columns, ["quantity", "invoice_date", "customer_id", "amount"]);
      assert.ok(r.notes.includes("no invoice column: each line is one order"), r.notes.join("; "));
      assert.ok(r.notes.some((n) => n.startsWith("no stock code column")));
      assert.ok(r.notes.some((n) => n.startsWith("no country column")));
    });
  });

  it("keeps them with the rule off (the amount is then the revenue, negative included)", async () => {
    await run(
      configFor(
        fixture("order_log.csv"),
        { customer_id: "client", invoice_date: "day", quantity: "cds", amount: "total" },
        { drop_nonpositive_amount: false },
      ),
      (r) => {
        assertBalanced(r);
        // customer 2's lines (0 and -5) net to -5: under net revenue that customer is set aside as fully_returned
        assert.equal(r.accounting.rows_kept, 3);
        assert.equal(r.accounting.dropped.fully_returned, 2);
        assert.equal(r.revenue, 37.75);
      },
    );
  });

  it("names each line's order after its line number", async () => {
    await run(config, async (r) => {
      const rows = (await r.conn!.runAndReadAll("SELECT invoice FROM transactions ORDER BY rowid")).getRowObjectsJS();
      assert.deepEqual(
        rows.map((x) => x.invoice),
        ["line 2", "line 3", "line 4", "line 5", "line 6", "line 7"],
      );
    });
  });
});

describe("an amount beside quantity and unit price (amount_lines.csv)", () => {
  it("takes the amount as revenue, keeps quantity for units and the price and cancellation rules first", async () => {
    await run(configFor(fixture("amount_lines.csv"), { amount: "LineTotal" }), (r) => {
      assertBalanced(r);
      // net revenue: C1 returns the one PLATE of A1 (amount 4 over 1 unit), so that line is set aside as returned
      assert.deepEqual(r.accounting.dropped, {
        ...zero,
        cancellation: 1,
        nonpositive_price: 1,
        nonpositive_amount: 1,
        returned: 1,
      });
      assert.equal(r.orders, 2);
      assert.equal(Math.round(r.revenue * 100) / 100, 8.7);
      assert.deepEqual(
        r.customers.map((c) => [
          c.customer_id,
          c.frequency,
          Math.round(c.monetary * 100) / 100,
          c.items_per_order,
          Math.round(c.return_rate * 1e6) / 1e6,
          c.country,
        ]),
        [
          ["10", 1, 2.7, 2, 0.333333, "France"],
          ["11", 1, 6, 3, 0, "United Kingdom"],
        ],
      );
      assert.deepEqual(r.notes, ["revenue is the amount column (the line or order total), not quantity x unit price"]);
    });
  });

  it("without the amount mapped, revenue is quantity x unit price as before", async () => {
    await run(configFor(fixture("amount_lines.csv"), {}), (r) => {
      assertBalanced(r);
      assert.deepEqual(r.accounting.dropped, { ...zero, cancellation: 1, nonpositive_price: 1, returned: 1 });
      assert.equal(r.revenue, 3 + 2 + 6); // the PLATE (4) is returned
    });
  });
});

describe("order totals only: no quantity, no price (order_totals.csv)", () => {
  it("counts each line as one unit", async () => {
    await run(
      configFor(fixture("order_totals.csv"), { customer_id: "customer", invoice_date: "ordered", amount: "value" }),
      (r) => {
        assertBalanced(r);
        assert.deepEqual(
          r.customers.map((c) => [c.customer_id, c.frequency, c.monetary, c.items_per_order]),
          [
            ["7", 2, 25, 1],
            ["8", 1, 30, 1],
          ],
        );
        assert.ok(r.notes.includes("no quantity column: each line counts as one unit"));
      },
    );
  });

  it("an amount that is not a number stops with the file, line and column", async () => {
    await assert.rejects(
      ingest(
        configFor(fixture("bad_amount.csv"), { customer_id: "customer", invoice_date: "ordered", amount: "value" }),
      ),
      { name: "InputError", message: /bad_amount\.csv: line 3: value "ten" is not a number$/ },
    );
  });

  it("without an amount, quantity and unit price are required, and the message says amount would do", async () => {
    await assert.rejects(
      ingest(configFor(fixture("order_totals.csv"), { customer_id: "customer", invoice_date: "ordered" })),
      {
        name: "InputError",
        message:
          /order_totals\.csv: missing required columns quantity, unit_price; found columns: "customer", "ordered", "value" \(.*or map amount, the line or order total\)$/,
      },
    );
  });
});
