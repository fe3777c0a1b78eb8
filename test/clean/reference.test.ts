/**
 * Correctness gate: on ../shared/data/online_retail.csv.gz with the canonical cleaning (non-product rule off), the
 * customer features equal the pandas reference for all 4,338 customers. The reference is gross revenue (returns
 * not netted), so these checks run on the gross basis; net figures are checked in ingest-returns.test.ts.
 * Skips where ../shared is absent.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import {
  DEFAULT_CONFIG,
  PROJECT_ROOT,
  validateConfig,
  type CleaningConfig,
  type Config,
} from "../../loaders/config.ts";
import { ingest, type IngestResult } from "../../loaders/pipeline/ingest.ts";
import { requires } from "../support/skip.ts";
import type { DropReason } from "../../loaders/types.ts";

/** the cleaning account from pandas: test/fixtures/ingest/make_online_retail_counts.py */
const COUNTS = JSON.parse(
  readFileSync(join(PROJECT_ROOT, "test", "fixtures", "ingest", "online_retail_counts.json"), "utf8"),
) as {
  duplicate_lines: number;
  without_non_product_rule: { rows_kept: number; dropped: Record<string, number> };
  default: {
    rows_in: number;
    rows_kept: number;
    dropped: Record<string, number>;
    customers: number;
    duplicate_lines_analysed: number;
  };
};

const SHARED = resolve(PROJECT_ROOT, "..", "shared");
const DATA = join(SHARED, "data", "online_retail.csv.gz");
const REFERENCE = join(SHARED, "reference");
const skip =
  existsSync(DATA) && existsSync(join(REFERENCE, "online_retail_rfm.csv.gz"))
    ? false
    : `../shared is absent (${SHARED}): the reference test needs ../shared/data and ../shared/reference`;

function configFor(cleaning: Partial<CleaningConfig>): Config {
  const base = structuredClone(DEFAULT_CONFIG);
  return validateConfig({
    ...base,
    revenue: "gross",
    cleaning: { ...base.cleaning, ...cleaning },
    data: DATA,
    data_source: "override",
    config_file: null,
  });
}

async function run<T>(cleaning: Partial<CleaningConfig>, check: (result: IngestResult) => T | Promise<T>): Promise<T> {
  const result = await ingest(configFor(cleaning));
  try {
    return await check(result);
  } finally {
    result.close();
  }
}

function balanced(result: IngestResult): void {
  const { rows_in, rows_kept, dropped } = result.accounting;
  assert.equal(rows_in, rows_kept + Object.values(dropped).reduce((a, b) => a + b, 0));
}

describe("Online Retail against the pandas reference", { skip: requires(skip) }, () => {
  it("matches rows, customers, snapshot, revenue and every customer's recency, frequency and monetary", async () => {
    const summary = JSON.parse(readFileSync(join(REFERENCE, "online_retail_summary.json"), "utf8"));
    const reference = gunzipSync(readFileSync(join(REFERENCE, "online_retail_rfm.csv.gz")))
      .toString("utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.split(","));
    const invoices = gunzipSync(readFileSync(DATA))
      .toString("utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.slice(0, line.indexOf(",")));
    await run({ drop_non_product_codes: false }, async (result) => {
      balanced(result);
      // the table keeps file order (rowid + 2 = line number; the duplicate rule keeps the first occurrence)
      const stored = (await result.conn!.runAndReadAll("SELECT invoice FROM transactions ORDER BY rowid"))
        .getRowsJS()
        .map((r) => r[0]);
      assert.equal(stored.length, invoices.length);
      assert.equal(
        stored.findIndex((invoice, i) => invoice !== invoices[i]),
        -1,
        "rows out of file order",
      );
      assert.equal(result.accounting.rows_in, summary.rows_in);
      assert.equal(result.accounting.rows_in, 541_909);
      assert.equal(result.accounting.rows_kept, summary.rows_clean);
      // the drop counts, from pandas (test/fixtures/ingest/make_online_retail_counts.py)
      const expected = COUNTS.without_non_product_rule;
      assert.equal(result.accounting.rows_kept, expected.rows_kept);
      assert.deepEqual(result.accounting.dropped, {
        implausible_date: 0, // every date lies in 2010-12-01..2011-12-09
        missing_order: 0, // one file: no orders table to miss
        nonpositive_quantity: 0,
        nonpositive_amount: 0, // no amount column: revenue is quantity x unit price
        non_product_code: 0,
        duplicate: 0,
        returned: 0,
        fully_returned: 0,
        ...expected.dropped,
      });
      assert.equal(result.accounting.duplicate_lines, COUNTS.duplicate_lines);
      assert.equal(result.snapshot_date, summary.snapshot);
      assert.equal(result.period_start, "2010-12-01");
      assert.equal(result.period_end, "2011-12-09");
      assert.ok(Math.abs(result.revenue - summary.revenue) <= 1e-9 * summary.revenue, `revenue ${result.revenue}`);
      assert.equal(result.customers.length, summary.customers);
      assert.equal(result.customers.length, reference.length);
      const mismatches: string[] = [];
      reference.forEach(([id, recency, frequency, monetary], i) => {
        const c = result.customers[i];
        const m = Number(monetary);
        if (
          c.customer_id !== id ||
          c.recency !== Number(recency) ||
          c.frequency !== Number(frequency) ||
          Math.abs(c.monetary - m) > 1e-9 * Math.abs(m)
        )
          mismatches.push(
            `${id}: ${recency},${frequency},${monetary} vs ${c.customer_id}: ${c.recency},${c.frequency},${c.monetary}`,
          );
      });
      assert.deepEqual(mismatches.slice(0, 10), [], `${mismatches.length} customers differ`);
    });
  });

  it("accounts for every line with the non-product rule on (the default policy)", async () => {
    await run({}, (result) => {
      balanced(result);
      // from pandas (test/fixtures/ingest/make_online_retail_counts.py)
      const expected = COUNTS.default;
      assert.equal(result.accounting.rows_in, expected.rows_in);
      assert.equal(result.accounting.rows_kept, expected.rows_kept);
      for (const [reason, n] of Object.entries(expected.dropped))
        assert.equal(result.accounting.dropped[reason as DropReason], n, reason);
      assert.equal(result.customers.length, expected.customers);
      // of the exact repeats (5,268), the analysed lines hold 5,187: the rest were set aside for another reason
      assert.equal(result.accounting.duplicate_lines, COUNTS.duplicate_lines);
      assert.equal(result.accounting.duplicate_lines_analysed, expected.duplicate_lines_analysed);
    });
  });

  it("accounts for every line with every rule on, duplicates included", async () => {
    await run({ drop_duplicates: true }, (result) => {
      balanced(result);
      assert.ok(
        result.accounting.dropped.duplicate > 0 &&
          result.accounting.dropped.duplicate <= result.accounting.duplicate_lines!,
      );
    });
  });
});
