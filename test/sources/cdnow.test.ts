/**
 * The CDNOW log (../shared/data/cdnow_sample.csv.gz): one line per purchase, no order id, no product, no country,
 * compact YYYYMMDD dates, the dollar value as the amount. Read with a config file mapping four columns; checked
 * end to end (pipeline and build) against what pandas computes (test/fixtures/cdnow/make_expected.py ->
 * expected.json). The YYYYMMDD dates are read by the date detection (sources/dates.ts).
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadConfig, PROJECT_ROOT } from "../../loaders/config.ts";
import { runPipeline } from "../../loaders/pipeline/index.ts";
import { DROP_REASONS } from "../../loaders/types.ts";
import { buildReport, NO_SHARED, SHARED } from "../support/build.ts";
import { readSiteData } from "../support/report.ts";
import { requires } from "../support/skip.ts";

const CDNOW = join(SHARED, "data", "cdnow_sample.csv.gz");
const EXPECTED = JSON.parse(readFileSync(join(PROJECT_ROOT, "test", "fixtures", "cdnow", "expected.json"), "utf8"));
const WORK = join(PROJECT_ROOT, "test-output", "cdnow");
const CONFIG = join(WORK, "cdnow.config.json");
mkdirSync(WORK, { recursive: true });
writeFileSync(
  CONFIG,
  JSON.stringify({
    data: CDNOW,
    columns: { customer_id: "customer_id", invoice_date: "date", quantity: "number_of_cds", amount: "dollar_value" },
    clustering: { bootstrap_runs: 3 },
  }),
);
after(() => rmSync(join(WORK, "out"), { recursive: true, force: true }));

describe("CDNOW log", { skip: requires(NO_SHARED) }, () => {
  it("pipeline: accounting, totals and per-customer RFM equal pandas'", async () => {
    // the figures checked are the ingest's: the segmentation alone follows it (the build below runs everything)
    const { summary, ingest } = await runPipeline(loadConfig({ file: CONFIG, env: {} }), join(WORK, "out"), {
      segmentsOnly: true,
    });
    const zero = Object.fromEntries(DROP_REASONS.map((r) => [r, 0]));
    assert.deepEqual(summary.dropped, { ...zero, nonpositive_amount: EXPECTED.nonpositive_amount });
    assert.equal(summary.rows_in, EXPECTED.rows_in);
    assert.equal(summary.rows_kept, EXPECTED.rows_kept);
    assert.equal(summary.customers, EXPECTED.customers);
    assert.equal(summary.orders, EXPECTED.orders);
    assert.equal(Math.round(summary.revenue * 100) / 100, EXPECTED.revenue);
    assert.equal(summary.period_start, EXPECTED.period_start);
    assert.equal(summary.period_end, EXPECTED.period_end);
    assert.equal(summary.snapshot_date, EXPECTED.snapshot_date);
    assert.ok(summary.notes.includes("no invoice column: each line is one order"));
    const byId = new Map(ingest.customers.map((c) => [c.customer_id, c]));
    for (const [id, want] of Object.entries(EXPECTED.sample) as [
      string,
      { recency: number; frequency: number; monetary: number; items_per_order: number },
    ][]) {
      // customer_id_normalise "numeric" writes the zero-padded ids as numbers: 0001 is customer 1
      const got = byId.get(String(Number(id)));
      assert.ok(got, `customer ${id}`);
      assert.deepEqual(
        [got.recency, got.frequency, Math.round(got.monetary * 100) / 100, got.items_per_order],
        [want.recency, want.frequency, want.monetary, want.items_per_order],
        `customer ${id}`,
      );
    }
  });

  it("build: the report shows the same headline and leaves out the product and country sections", async () => {
    const { dir } = await buildReport({ name: "cdnow", config: CONFIG });
    const meta = readSiteData(dir, "meta");
    assert.equal(meta.customers, EXPECTED.customers);
    assert.equal(meta.orders, EXPECTED.orders);
    assert.equal(meta.revenue, EXPECTED.revenue);
    assert.deepEqual([meta.available.products, meta.available.country, meta.available.invoices], [false, false, false]);
    const products = readSiteData(dir, "products");
    assert.equal(products.notes.products, "Not available: the data has no product (stock code) column.");
    assert.deepEqual(products.all.products, []);
    assert.equal(readSiteData(dir, "geography").note, "Not available: the data has no country column.");
    const insights = readSiteData(dir, "insights") as { id: string; text: string }[];
    const peak = insights.find((i) => i.id === "peak_time");
    assert.ok(!peak || !/\d\d:\d\d/.test(peak.text), `no hour claimed without times of day: ${peak?.text}`);
  });
});
