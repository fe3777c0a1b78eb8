/**
 * Multi-table inputs (`tables`): lines alone, orders alone, both joined on the invoice, products joined on the stock
 * code, customers on the customer id; what the joins leave without a match is kept and counted or set aside under
 * a named reason; duplicate keys, missing tables and columns, and a malformed `tables` setting stop with one line.
 * Expected values are worked out by hand from test/fixtures/tables/.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadConfig, PROJECT_ROOT } from "../../loaders/config.ts";
import { queryRows } from "../../loaders/db/sql.ts";
import { ingest, type IngestResult } from "../../loaders/pipeline/ingest.ts";
import { DROP_REASONS } from "../../loaders/types.ts";

const FIXTURES = join(PROJECT_ROOT, "test", "fixtures", "tables");
const TMP = mkdtempSync(join(tmpdir(), "segment-tables-test-"));
after(() => rmSync(TMP, { recursive: true, force: true }));
const zero = Object.fromEntries(DROP_REASONS.map((r) => [r, 0]));

const ITEMS = {
  data: join(FIXTURES, "items.csv"),
  columns: { invoice: "sale_id", stock_code: "product_id", quantity: "qty", amount: "line_total" },
};
const SALES = {
  data: join(FIXTURES, "sales.csv"),
  columns: {
    invoice: "sale_id",
    customer_id: "customer_id",
    invoice_date: "sale_date",
    amount: "order_amount",
    country: "country",
    channel: "channel",
  },
};
const PRODUCTS = {
  data: join(FIXTURES, "products.csv"),
  columns: { stock_code: "product_id", description: "name", category: "department" },
};
const CUSTOMERS = {
  data: join(FIXTURES, "customers.csv"),
  columns: { customer_id: "household_id", age_range: "age", signup_date: "signup_date" },
  demographics: ["income"],
};

let n = 0;
/** Writes `settings` as a config file and loads it as the CLI and the build do. */
function configFile(settings: unknown) {
  const file = join(TMP, `config-${++n}.json`);
  writeFileSync(file, JSON.stringify(settings));
  return { file, load: () => loadConfig({ file, env: {} }) };
}

async function run<T>(settings: unknown, check: (r: IngestResult) => Promise<T> | T): Promise<T> {
  const result = await ingest(configFile(settings).load(), { onRecognised: () => {} });
  try {
    return await check(result);
  } finally {
    result.close();
  }
}

function assertBalanced(r: IngestResult): void {
  const { rows_in, rows_kept, dropped } = r.accounting;
  assert.deepEqual(Object.keys(dropped), [...DROP_REASONS]);
  assert.equal(rows_in, rows_kept + Object.values(dropped).reduce((a, b) => a + b, 0));
}

const rows = async (r: IngestResult, sql: string) => (await r.conn!.runAndReadAll(sql)).getRowObjectsJS();

describe("a shop database: sales, sale items, products, customers", () => {
  const settings = { tables: { lines: ITEMS, orders: SALES, products: PRODUCTS, customers: CUSTOMERS } };

  it("joins the lines to their orders and products, in the lines' order, with every line accounted for", async () => {
    await run(settings, async (r) => {
      assertBalanced(r);
      assert.deepEqual(r.accounting.dropped, { ...zero, missing_order: 1, nonpositive_amount: 1 });
      assert.equal(r.accounting.rows_in, 7);
      assert.equal(r.orders, 4);
      assert.equal(r.revenue, 22);
      const lines = await rows(
        r,
        "SELECT invoice, stock_code, description, category, customer_id, channel, country, drop_reason::VARCHAR AS reason FROM transactions ORDER BY rowid",
      );
      assert.deepEqual(
        lines.map((l) => [
          l.invoice,
          l.stock_code,
          l.description,
          l.category,
          l.customer_id,
          l.channel,
          l.country,
          l.reason,
        ]),
        [
          ["S1", "P1", "RED MUG", "Kitchen", "100", "web", "France", null],
          ["S1", "P2", "BLUE PLATE", "Kitchen", "100", "web", "France", null],
          ["S2", "P1", "RED MUG", "Kitchen", "101", "store", "Germany", null],
          ["S3", "P9", null, null, "100", "web", "France", null],
          ["S4", "P2", "BLUE PLATE", "Kitchen", null, null, "Unknown", "missing_order"],
          ["S5", "P1", "RED MUG", "Kitchen", "102", "phone", "Unknown", "nonpositive_amount"],
          ["S5", "P2", "BLUE PLATE", "Kitchen", "102", "phone", "Unknown", null],
        ],
      );
      assert.deepEqual(
        r.customers.map((c) => [c.customer_id, c.frequency, c.monetary, c.items_per_order, c.first_purchase]),
        [
          ["100", 2, 12.5, 2, "2024-01-02"],
          ["101", 1, 2.5, 1, "2024-01-05"],
          ["102", 1, 7, 2, "2024-02-10"],
        ],
      );
    });
  });

  it("counts what the joins left without a match", async () => {
    await run(settings, (r) => {
      assert.deepEqual(r.tables?.counts, {
        lines_without_product: 1,
        orders_without_lines: 1,
        customers_not_in_table: 1,
        table_customers_without_orders: 1,
        table_customers: 3,
      });
      assert.deepEqual(r.notes.slice(1), [
        "1 kept lines have a product code that is not in the products table (products.csv): kept, category unknown",
        "1 orders of sales.csv have no line in items.csv: not counted as orders",
        "1 customers are not in the customers table (customers.csv): segmented, demographics unknown",
        "1 customers of the customers table have no kept order: not segmented",
      ]);
    });
  });

  it("reads the customer table with typed signup dates and the demographic columns", async () => {
    await run(settings, async (r) => {
      assert.deepEqual(r.tables?.customer_columns, ["age_range", "signup_date", "income"]);
      const info = await rows(
        r,
        "SELECT customer_id, age_range, strftime(signup_date, '%Y-%m-%d') AS signup, income FROM customer_info ORDER BY customer_id",
      );
      assert.deepEqual(
        info.map((x) => [x.customer_id, x.age_range, x.signup, x.income]),
        [
          ["100", "25-34", "2023-12-01", "high"],
          ["101", "35-44", "2024-01-05", "low"],
          ["103", "45-54", "2024-01-01", "mid"],
        ],
      );
    });
  });
});

describe("one table", () => {
  it("orders alone are an order log: one line per order, the order amount as its revenue", async () => {
    await run({ tables: { orders: SALES } }, (r) => {
      assertBalanced(r);
      assert.equal(r.accounting.rows_kept, 5);
      assert.equal(r.orders, 5);
      assert.equal(r.revenue, 31);
      assert.deepEqual(
        r.customers.map((c) => [c.customer_id, c.frequency, c.monetary]),
        [
          ["100", 2, 12.5],
          ["101", 2, 11.5],
          ["102", 1, 7],
        ],
      );
      assert.ok(r.input_columns.includes("channel"));
    });
  });

  it("lines alone, with a product table: the grocery layout (basket, household, line totals)", async () => {
    const lines = {
      data: join(FIXTURES, "transactions.csv"),
      columns: {
        invoice: "basket_id",
        customer_id: "household_id",
        stock_code: "product_id",
        quantity: "quantity",
        amount: "sales_value",
        invoice_date: "transaction_timestamp",
        store: "store_id",
      },
    };
    await run({ tables: { lines, products: PRODUCTS } }, async (r) => {
      assertBalanced(r);
      assert.deepEqual(r.accounting.dropped, { ...zero, missing_customer: 1 });
      assert.equal(r.revenue, 16.5);
      assert.equal(r.tables?.counts.lines_without_product, 1);
      assert.deepEqual(
        r.customers.map((c) => [c.customer_id, c.frequency, c.monetary]),
        [
          ["100", 2, 9.5],
          ["101", 1, 7],
        ],
      );
      assert.ok(r.input_columns.includes("store"));
      assert.deepEqual(
        await queryRows(
          r.conn!,
          "SELECT customer_id, count(DISTINCT store)::INTEGER AS stores FROM lines GROUP BY 1 ORDER BY 1",
        ),
        [
          { customer_id: "100", stores: 2 },
          { customer_id: "101", stores: 1 },
        ],
      );
    });
  });
});

describe("stops with one line", () => {
  const rejects = (settings: unknown, message: RegExp) =>
    assert.rejects(
      (async () => ingest(configFile(settings).load(), { onRecognised: () => {} }))(),
      (error: Error) => error.name === "InputError" && !error.message.includes("\n") && message.test(error.message),
    );

  it("on a duplicate key in the products, customers or orders table", async () => {
    await rejects(
      { tables: { lines: ITEMS, orders: SALES, products: { ...PRODUCTS, data: join(FIXTURES, "products_dup.csv") } } },
      /products_dup\.csv: line 4: duplicate product_id "P1" \(also on line 2\); the products table must have one row per product_id$/,
    );
    await rejects(
      {
        tables: { lines: ITEMS, orders: SALES, customers: { ...CUSTOMERS, data: join(FIXTURES, "customers_dup.csv") } },
      },
      /customers_dup\.csv: line 4: duplicate household_id "100" \(also on line 2\); the customers table must have one row per household_id$/,
    );
    await rejects(
      { tables: { lines: ITEMS, orders: { ...SALES, data: join(FIXTURES, "sales_dup.csv") } } },
      /sales_dup\.csv: line 3: duplicate sale_id "S1" \(also on line 2\); the orders table must have one row per sale_id$/,
    );
  });

  it("on a missing table file or a column not in a joined table", async () => {
    await rejects(
      { tables: { lines: ITEMS, orders: SALES, products: { ...PRODUCTS, data: join(FIXTURES, "nope.csv") } } },
      /nope\.csv: file not found$/,
    );
    await rejects(
      {
        tables: {
          lines: ITEMS,
          orders: SALES,
          products: { ...PRODUCTS, columns: { stock_code: "product_id", category: "dept" } },
        },
      },
      /products\.csv: column "dept" \(tables\.products\.columns\.category in .*config-\d+\.json\) is not in the header; found columns: "product_id", "name", "department"$/,
    );
    await rejects(
      { tables: { lines: ITEMS, orders: { ...SALES, columns: { ...SALES.columns, channel: "via" } } } },
      /sales\.csv: column "via" \(tables\.orders\.columns\.channel in .*\) is not in the header/,
    );
    await rejects(
      {
        tables: {
          lines: { ...ITEMS, columns: { invoice: "sale_id", quantity: "qty", amount: "line_total" } },
          orders: SALES,
          products: PRODUCTS,
        },
      },
      /items\.csv: missing required column stock_code; found columns: "sale_id", "product_id", "qty", "line_total" \(map them with "tables\.lines\.columns"/,
    );
  });

  it("on a bad value, naming its own table's file and line", async () => {
    await rejects(
      {
        tables: {
          lines: ITEMS,
          orders: SALES,
          customers: { ...CUSTOMERS, data: join(FIXTURES, "customers_bad_date.csv") },
        },
      },
      /customers_bad_date\.csv: line 3: signup_date "soon" is not a date/,
    );
  });

  it("on a malformed tables setting", async () => {
    const load = (settings: unknown) => () => configFile(settings).load();
    assert.throws(load({ tables: { returns: ITEMS } }), {
      message: /: setting "tables\.returns" should be one of lines, orders, products, customers$/,
    });
    assert.throws(load({ tables: { lines: { ...ITEMS, sheet: "x" } } }), {
      message: /: unknown setting "tables\.lines\.sheet"$/,
    });
    assert.throws(load({ tables: { lines: { ...ITEMS, columns: { basket: "x" } } } }), {
      message: /: setting "tables\.lines\.columns\.basket" should be one of invoice, /,
    });
    assert.throws(load({ tables: { products: { ...PRODUCTS, columns: { quantity: "q" } } } }), {
      message: /: setting "tables\.products\.columns\.quantity" should be one of stock_code, description, category$/,
    });
    assert.throws(load({ tables: { products: PRODUCTS } }), {
      message: /: setting "tables" should be an object with a lines or an orders table \(or both\)$/,
    });
    assert.throws(load({ tables: { lines: { columns: {} } } }), {
      message: /: setting "tables\.lines\.data" should be a file name$/,
    });
    assert.throws(load({ tables: { lines: { ...ITEMS, data: 3 } } }), {
      message: /: setting "tables\.lines\.data" should be a file name$/,
    });
    assert.throws(load({ tables: "lines.csv" }), { message: /: setting "tables" should be an object/ });
    assert.throws(load({ data: "x.csv", tables: { lines: ITEMS } }), {
      message: /: "tables" reads the data, so "data" \(in the config file\) cannot be set too$/,
    });
  });
});
