/**
 * Issue 23, case 9: lines covering one day were annualised x365 ("annual revenue £11.83M" from £32k, "3,652.5
 * orders a year") and the methodology page said "recency NaN". A period shorter than MIN_ANNUAL_DAYS is not
 * annualised, and the strategy page and the glossary say so; a feature without variance has no η².
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { loadConfig } from "../../loaders/config.ts";
import { ingest, type IngestResult } from "../../loaders/pipeline/ingest.ts";
import { segmentCustomers } from "../../loaders/pipeline/segment.ts";
/** loaders/report/facts.ts MIN_ANNUAL_DAYS (a literal here, so that the test runs against code without it) */
const MIN_ANNUAL_DAYS = 90;
import { buildPageData } from "../../loaders/report/page-data.ts";

const DIR = mkdtempSync(join(tmpdir(), "segment-short-period-"));

/** `customers` customers, each with `orders(i)` orders of one line on 2011-03-0`day`, all on the one day. */
function oneDay(): { file: string; revenue: number; orders: number } {
  const lines = ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"];
  let invoice = 600000;
  let revenue = 0;
  for (let c = 0; c < 40; c++) {
    const orders = 1 + (c % 4);
    for (let o = 0; o < orders; o++) {
      const quantity = 1 + ((c * 7 + o) % 9);
      const price = 1.25 + (c % 5);
      revenue += quantity * price;
      lines.push(
        [
          invoice++,
          `P${o}`,
          "ITEM",
          quantity,
          `2011-03-07 ${String(9 + o).padStart(2, "0")}:00:00`,
          price,
          20000 + c,
          "United Kingdom",
        ].join(","),
      );
    }
  }
  const file = join(DIR, "one-day.csv");
  writeFileSync(file, lines.join("\n") + "\n");
  return { file, revenue, orders: invoice - 600000 };
}

describe("one day of lines (issue 23, case 9)", () => {
  let ingested: IngestResult;
  let files: Record<string, unknown>;
  let data: ReturnType<typeof oneDay>;

  before(async () => {
    data = oneDay();
    const config = loadConfig({
      file: null,
      env: {},
      data: data.file,
      overrides: { clustering: { k_max: 4, restarts: 3, bootstrap_runs: 2 } },
    });
    ingested = await ingest(config);
    const seg = await segmentCustomers(ingested.customers, config.rfm, config.clustering);
    files = await buildPageData(ingested, seg, config);
  });

  after(() => {
    ingested?.close();
    rmSync(DIR, { recursive: true, force: true });
  });

  test("the figures a year are the period's own, not x365, and the strategy page says why", () => {
    const s = files["strategy.json"] as {
      period_days: number;
      annual_revenue: number;
      period_note: string | null;
      segments: { customers: number; orders: number; orders_per_year: number }[];
    };
    assert.ok(s.period_days < MIN_ANNUAL_DAYS, `period of ${s.period_days} days`);
    assert.ok(
      Math.abs(s.annual_revenue - data.revenue) < 0.01,
      `annual revenue ${s.annual_revenue} of ${data.revenue}`,
    );
    for (const row of s.segments)
      assert.ok(
        Math.abs(row.orders_per_year - row.orders / row.customers) < 0.001,
        `${row.orders_per_year} orders a year for ${row.orders} orders of ${row.customers} customers`,
      );
    assert.match(
      s.period_note ?? "",
      new RegExp(
        `^The data cover \\d+ days?, too short to annualise \\(at least ${MIN_ANNUAL_DAYS} days are needed\\)`,
      ),
    );
  });

  test("the glossary's orders a year says it is not annualised, and no figure reads NaN", () => {
    const text = JSON.stringify(files["methodology.json"]);
    assert.match(text, /orders per customer over the \d+-day period, not annualised/);
    assert.ok(!/NaN|Infinity/.test(text), text.match(/.{80}(NaN|Infinity).{20}/)?.[0]);
    assert.match(text, /recency not defined \(the same value for every customer\)/);
    for (const [name, content] of Object.entries(files))
      assert.ok(!/\bNaN\b|Infinity/.test(JSON.stringify(content)), `${name} holds NaN or Infinity`);
  });
});
