import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import {
  DEFAULT_CONFIG,
  PROJECT_ROOT,
  validateConfig,
  type CleaningConfig,
  type Config,
} from "../../loaders/config.ts";
import { ingest, type IngestResult } from "../../loaders/pipeline/ingest.ts";
import { DROP_REASONS } from "../../loaders/types.ts";

const FIXTURES = join(PROJECT_ROOT, "test", "fixtures", "ingest");
const fixture = (name: string) => join(FIXTURES, name);
const TMP = mkdtempSync(join(tmpdir(), "segment-ingest-test-"));
after(() => rmSync(TMP, { recursive: true, force: true }));

type Patch = Partial<Omit<Config, "cleaning">> & { cleaning?: Partial<CleaningConfig> };

/** The default configuration (no config file) for `file`, with `patch` applied. */
function configFor(file: string, patch: Patch = {}): Config {
  const base = structuredClone(DEFAULT_CONFIG);
  const { cleaning, ...rest } = patch;
  return validateConfig({
    ...base,
    ...rest,
    cleaning: { ...base.cleaning, ...cleaning },
    data: file,
    data_source: "override",
    config_file: null,
  });
}

async function run<T>(file: string, patch: Patch, check: (result: IngestResult) => Promise<T> | T): Promise<T> {
  const result = await ingest(configFor(file, patch));
  try {
    return await check(result);
  } finally {
    result.close();
  }
}

async function rows(result: IngestResult, sql: string): Promise<Record<string, unknown>[]> {
  return (await result.conn!.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

function assertBalanced(result: IngestResult): void {
  const { rows_in, rows_kept, dropped } = result.accounting;
  assert.deepEqual(Object.keys(dropped), [...DROP_REASONS]);
  assert.equal(rows_in, rows_kept + Object.values(dropped).reduce((a, b) => a + b, 0));
}

describe("cleaning accounting (reasons.csv)", () => {
  it("counts every reason, first matching reason wins", async () => {
    await run(fixture("reasons.csv"), {}, async (result) => {
      assertBalanced(result);
      const { returns, revenue_without_customer, ...lines } = result.accounting;
      assert.deepEqual(lines, {
        rows_in: 14,
        rows_kept: 6,
        dropped: {
          implausible_date: 0,
          cancellation: 3,
          missing_order: 0,
          missing_customer: 1,
          nonpositive_quantity: 1,
          nonpositive_price: 1,
          nonpositive_amount: 0,
          non_product_code: 2,
          duplicate: 0,
          returned: 0,
          fully_returned: 0,
        },
        duplicate_lines: 1,
        customer_ids: { rule: "numeric", lines_rewritten: 1, customers_merged: 1, spellings_merged: 1 }, // 13047.0 = 13047
        duplicate_lines_analysed: 1,
      });
      // neither return has an earlier purchase: 2 x £4.65 of a code 17850 never bought, a £27.50 discount
      assert.deepEqual(
        { lines: returns.return_lines, unmatched: returns.unmatched_lines, units: returns.unmatched_units },
        { lines: 2, unmatched: 2, units: 3 },
      );
      assert.equal(returns.unmatched_value, 2 * 4.65 + 27.5);
      assert.equal(returns.returned_revenue, 0);
      // the only purchase without a customer has a price of 0
      assert.deepEqual(revenue_without_customer, { lines: 0, revenue: 0 });
      const reasons = await rows(result, "SELECT drop_reason::VARCHAR AS r FROM transactions ORDER BY rowid");
      assert.deepEqual(
        reasons.map((r) => r.r),
        [
          null,
          null,
          "cancellation",
          "cancellation",
          "cancellation",
          "missing_customer",
          "nonpositive_quantity",
          "nonpositive_price",
          "non_product_code",
          "non_product_code",
          null,
          null,
          null,
          null,
        ],
      );
    });
  });

  it("drops exact repeats (first kept) under drop_duplicates", async () => {
    await run(fixture("reasons.csv"), { cleaning: { drop_duplicates: true } }, async (result) => {
      assertBalanced(result);
      assert.equal(result.accounting.dropped.duplicate, 1);
      assert.equal(result.accounting.rows_kept, 5);
      const dup = await rows(result, "SELECT rowid::INTEGER AS row FROM transactions WHERE drop_reason = 'duplicate'");
      assert.deepEqual(dup, [{ row: 11 }]);
    });
  });

  it("counts 0 for switched-off rules and keeps those lines", async () => {
    const off = {
      drop_cancellations: false,
      drop_missing_customer: false,
      drop_nonpositive_quantity: false,
      drop_nonpositive_price: false,
      drop_non_product_codes: false,
    };
    await run(fixture("reasons.csv"), { cleaning: off }, (result) => {
      assertBalanced(result);
      assert.equal(result.accounting.rows_kept, 14);
      assert.ok(Object.values(result.accounting.dropped).every((n) => n === 0));
    });
    // with cancellations kept, the next rule catches them (negative quantities)
    await run(fixture("reasons.csv"), { cleaning: { drop_cancellations: false } }, (result) => {
      assertBalanced(result);
      assert.equal(result.accounting.dropped.cancellation, 0);
      assert.equal(result.accounting.dropped.missing_customer, 2);
      assert.equal(result.accounting.dropped.nonpositive_quantity, 3);
    });
  });

  it("keeps typed lines and cancellation returns in DuckDB", async () => {
    await run(fixture("reasons.csv"), {}, async (result) => {
      const types = await rows(
        result,
        "SELECT column_name AS c, data_type AS t FROM information_schema.columns WHERE table_name = 'lines' ORDER BY ordinal_position",
      );
      assert.deepEqual(
        types.map((r) => `${r.c} ${r.t}`),
        [
          "invoice VARCHAR",
          "stock_code VARCHAR",
          "description VARCHAR",
          "quantity DOUBLE",
          "unit_price DOUBLE",
          "amount DOUBLE",
          "revenue DOUBLE",
          "invoice_date TIMESTAMP",
          "customer_id VARCHAR",
          "country VARCHAR",
          "channel VARCHAR",
          "category VARCHAR",
          "store VARCHAR",
        ],
      );
      const returns = await rows(result, "SELECT invoice, quantity, customer_id FROM returns ORDER BY invoice");
      assert.deepEqual(returns, [
        { invoice: "C536379", quantity: -1, customer_id: "14527" },
        { invoice: "C536383", quantity: -2, customer_id: "17850" },
      ]);
      const quoted = await rows(result, "SELECT DISTINCT description FROM lines WHERE stock_code = '22728'");
      assert.deepEqual(quoted, [{ description: "ALARM CLOCK BAKELIKE PINK, LARGE" }]);
      assert.deepEqual(await rows(result, "SELECT DISTINCT customer_id FROM lines WHERE invoice = '536600'"), [
        { customer_id: "13047" },
      ]);
      assert.ok(Math.abs(result.revenue - 238.59) < 1e-9, String(result.revenue));
      assert.equal(result.orders, 4);
      assert.equal(result.countries, 3);
      assert.equal(result.period_start, "2010-12-01");
      assert.equal(result.period_end, "2010-12-09");
      assert.equal(result.snapshot_date, "2010-12-10");
      assert.equal(result.source, fixture("reasons.csv"));
      assert.deepEqual(Object.keys(result.timings), ["open", "read", "clean", "features"]);
    });
  });
});

describe("layouts and formats", () => {
  it("recognises Online Retail II column names; customer ids lose a trailing .0", async () => {
    await run(fixture("online_retail_ii.csv"), {}, (result) => {
      assertBalanced(result);
      assert.deepEqual(result.accounting.dropped, {
        implausible_date: 0,
        cancellation: 1,
        missing_order: 0,
        missing_customer: 2,
        nonpositive_quantity: 0,
        nonpositive_price: 0,
        nonpositive_amount: 0,
        non_product_code: 1,
        duplicate: 0,
        returned: 0,
        fully_returned: 0,
      });
      assert.equal(result.accounting.rows_kept, 4);
      // numeric ids sort by value
      assert.deepEqual(
        result.customers.map((c) => c.customer_id),
        ["9", "10", "13085"],
      );
    });
  });

  it("reads a UTF-8 BOM and CRLF line ends", async () => {
    await run(fixture("bom_crlf.csv"), {}, async (result) => {
      assert.equal(result.accounting.rows_kept, 2);
      const countries = await rows(result, "SELECT DISTINCT country FROM lines");
      assert.deepEqual(countries, [{ country: "United Kingdom" }]);
      assert.equal(result.customers[0].monetary, 6 * 2.55 + 6 * 1.85);
    });
  });

  it("reads TSV (by extension), with a comma inside a field", async () => {
    await run(fixture("tabs.tsv"), {}, async (result) => {
      assert.equal(result.accounting.rows_kept, 3);
      assert.deepEqual(await rows(result, "SELECT description FROM lines WHERE invoice = '489434'"), [
        { description: "15CM CHRISTMAS GLASS BALL, 20 LIGHTS" },
      ]);
      assert.deepEqual(
        result.customers.map((c) => [c.customer_id, c.country]),
        [
          ["13078", "France"],
          ["13085", "United Kingdom"],
        ],
      );
    });
  });

  it("reads gzipped CSV and TSV, by content whatever the name", async () => {
    const csv = readFileSync(fixture("reasons.csv"));
    const gz = join(TMP, "reasons.csv.gz");
    writeFileSync(gz, gzipSync(csv));
    const misnamed = join(TMP, "reasons-gzipped.csv");
    copyFileSync(gz, misnamed);
    const tsvGz = join(TMP, "tabs.tsv.gz");
    writeFileSync(tsvGz, gzipSync(readFileSync(fixture("tabs.tsv"))));
    const plain = await run(fixture("reasons.csv"), {}, (r) => r.customers);
    assert.deepEqual(await run(gz, {}, (r) => r.customers), plain);
    assert.deepEqual(await run(misnamed, {}, (r) => r.customers), plain);
    assert.equal(await run(tsvGz, {}, (r) => r.accounting.rows_kept), 3);
  });

  it("parses US spreadsheet dates month first", async () => {
    await run(fixture("us_dates.csv"), {}, async (result) => {
      assert.equal(result.date_order, "month-first");
      const dates = await rows(
        result,
        "SELECT strftime(invoice_date, '%Y-%m-%d %H:%M:%S') AS d FROM lines ORDER BY invoice",
      );
      assert.deepEqual(
        dates.map((r) => r.d),
        ["2010-12-01 08:26:00", "2010-12-01 08:28:00", "2011-01-05 14:30:00", "2011-02-03 21:05:00"],
      );
      assert.equal(result.snapshot_date, "2011-02-04");
    });
  });

  it("reads slash dates day first when only that parses", async () => {
    await run(fixture("day_first_dates.csv"), {}, async (result) => {
      assert.equal(result.date_order, "day-first");
      const dates = await rows(
        result,
        "SELECT strftime(invoice_date, '%Y-%m-%d %H:%M') AS d FROM lines ORDER BY invoice",
      );
      assert.deepEqual(
        dates.map((r) => r.d),
        ["2010-12-01 08:26", "2010-12-05 08:28", "2010-12-13 14:30"],
      );
    });
  });

  it("parses the ISO forms as naive local times", async () => {
    await run(fixture("iso_dates.csv"), {}, async (result) => {
      const dates = await rows(
        result,
        "SELECT strftime(invoice_date, '%Y-%m-%d %H:%M:%S') AS d FROM lines ORDER BY invoice",
      );
      assert.deepEqual(
        dates.map((r) => r.d),
        [
          "2010-12-01 08:26:00",
          "2010-12-01 08:26:00",
          "2010-12-01 08:26:00",
          "2010-12-01 00:00:00",
          "2010-12-03 23:59:59",
        ],
      );
      // the last purchase's day, not its time, counts: 23:59 on the 3rd is one day before the snapshot
      assert.deepEqual(
        result.customers.map((c) => [c.customer_id, c.recency, c.tenure]),
        [
          ["1", 3, 3],
          ["2", 1, 1],
        ],
      );
    });
  });

  it("reads a mapped semicolon layout with decimal commas and no country", async () => {
    const columns = {
      invoice: "order",
      stock_code: "sku",
      quantity: "qty",
      invoice_date: "date",
      unit_price: "price",
      customer_id: "client",
    };
    await run(fixture("semicolon_mapped.csv"), { columns }, async (result) => {
      assertBalanced(result);
      assert.deepEqual(
        await rows(result, "SELECT invoice, unit_price, revenue, description, country FROM lines ORDER BY invoice"),
        [
          { invoice: "A1", unit_price: 1.5, revenue: 3, description: null, country: "Unknown" },
          { invoice: "A2", unit_price: 4, revenue: 4, description: null, country: "Unknown" },
        ],
      );
      assert.deepEqual(
        result.customers.map((c) => c.customer_id),
        ["c-10", "c-9"],
      );
    });
  });
});
