/**
 * The page data on a small synthetic shop: aggregates only (no customer identifier in any file) unless
 * `report.publish_customer_list` is on, then the customer list and nothing more; headline figures taken as
 * they are from the ingest and the segmentation; every data file small.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { loadConfig, type Config } from "../../loaders/config.ts";
import { ingest, type IngestResult } from "../../loaders/pipeline/ingest.ts";
import { csvField } from "../../loaders/output/csv.ts";
import { buildPageData } from "../../loaders/report/page-data.ts";
import { segmentCustomers, type SegmentationResult } from "../../loaders/pipeline/segment.ts";

const CUSTOMERS = 90;
/** distinctive 7-digit ids, unlikely to equal any count or amount */
const ids = Array.from({ length: CUSTOMERS }, (_, i) => String(9_100_001 + i * 7));

/** mulberry32, so the shop is the same on every run */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A shop with three kinds of customers (frequent, occasional, lapsed) over six months. */
function writeShop(dir: string): string {
  const rand = random(42);
  const products = [
    ["85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 2.55],
    ["22423", "REGENCY CAKESTAND 3 TIER", 10.95],
    ["47566", "PARTY BUNTING", 4.65],
    ["20725", "LUNCH BAG RED RETROSPOT", 1.65],
    ["84879", "ASSORTED COLOUR BIRD ORNAMENT", 1.69],
  ] as const;
  const countries = ["United Kingdom", "United Kingdom", "United Kingdom", "Germany", "France", "Norway"];
  const lines = ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"];
  let invoice = 600000;
  ids.forEach((id, c) => {
    const kind = c % 3;
    const orders =
      kind === 0 ? 8 + Math.floor(rand() * 6) : kind === 1 ? 1 + Math.floor(rand() * 3) : 2 + Math.floor(rand() * 2);
    const country = countries[c % countries.length];
    for (let o = 0; o < orders; o++) {
      const day = kind === 2 ? Math.floor(rand() * 60) : Math.floor(rand() * 180);
      const date = new Date(Date.UTC(2024, 0, 1) + day * 86_400_000 + (9 + Math.floor(rand() * 8)) * 3_600_000);
      const stamp = date.toISOString().slice(0, 16).replace("T", " ") + ":00";
      invoice++;
      for (let l = 0; l < 1 + Math.floor(rand() * 3); l++) {
        const [code, description, price] = products[Math.floor(rand() * products.length)];
        const quantity = (kind === 0 ? 6 : 2) * (1 + Math.floor(rand() * 4));
        lines.push([invoice, code, description, quantity, stamp, price, id, country].map(csvField).join(","));
      }
      if (kind === 0 && o === 0)
        lines.push([`C${invoice}`, "22423", "REGENCY CAKESTAND 3 TIER", -1, stamp, 10.95, id, country].join(","));
    }
  });
  const file = join(dir, "shop.csv");
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

describe("page data of a small shop", () => {
  let config: Config;
  let ingested: IngestResult;
  let seg: SegmentationResult;
  let files: Record<string, unknown>;

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), "segment-report-privacy-"));
    config = loadConfig({
      file: null,
      env: {},
      data: writeShop(dir),
      overrides: { clustering: { k_max: 4, restarts: 3, bootstrap_runs: 2 } },
    });
    ingested = await ingest(config);
    seg = await segmentCustomers(ingested.customers, config.rfm, config.clustering);
    files = await buildPageData(ingested, seg, config);
  });

  after(() => ingested?.close());

  test("no file holds a customer identifier by default, and there is no customer list", () => {
    assert.ok(!("customer_segments.csv" in files), "customer_segments.csv is not emitted");
    assert.equal(ingested.customers.length, CUSTOMERS);
    for (const [name, content] of Object.entries(files)) {
      const text = typeof content === "string" ? content : JSON.stringify(content);
      const found = ids.filter((id) => new RegExp(`(?<!\\d)${id}(?!\\d)`).test(text));
      assert.deepEqual(found, [], `${name} holds customer ids`);
    }
  });

  test("the expected files, each small", () => {
    for (const name of [
      "meta.json",
      "insights.json",
      "overview.json",
      "segments.json",
      "pca.json",
      "rfm.json",
      "behaviour.json",
      "geography.json",
      "products.json",
      "methodology.json",
      "strategy.json",
    ])
      assert.ok(name in files, name);
    const segmentFiles = Object.keys(files).filter((name) => name.startsWith("segment/"));
    assert.equal(segmentFiles.length, seg.k, "one file per segment of the chosen k");
    for (const [name, content] of Object.entries(files)) {
      const size = JSON.stringify(content).length;
      assert.ok(size < 300_000, `${name}: ${size} characters`);
    }
  });

  test("headline figures equal those counted here from the shop's own lines", () => {
    // independent of the pipeline: read back the CSV written above. Orders are the purchase invoices; revenue is
    // quantity x price less each cancelled unit that has a purchase of the same product by the same customer at or
    // before its time (a return with no purchase to match reduces nothing)
    const rows = readFileSync(config.data, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => {
        const [invoice, code, , quantity, stamp, price, customer] = line.split(",");
        return { invoice, code, quantity: Number(quantity), stamp, price: Number(price), customer };
      });
    const purchases = rows.filter((r) => !r.invoice.startsWith("C"));
    let revenue = purchases.reduce((sum, r) => sum + r.quantity * r.price, 0);
    for (const r of rows.filter((x) => x.invoice.startsWith("C")))
      if (purchases.some((p) => p.customer === r.customer && p.code === r.code && p.stamp <= r.stamp))
        revenue += r.quantity * r.price;
    const meta = files["meta.json"] as Record<string, number>;
    assert.equal(meta.customers, new Set(purchases.map((r) => r.customer)).size);
    assert.equal(meta.orders, new Set(purchases.map((r) => r.invoice)).size);
    assert.ok(Math.abs(meta.revenue - revenue) < 0.005, `revenue ${meta.revenue}, counted here ${revenue.toFixed(2)}`);
  });

  test("headline figures are the pipeline's own", () => {
    const meta = files["meta.json"] as Record<string, unknown>;
    assert.equal(meta.customers, ingested.customers.length);
    assert.equal(meta.orders, ingested.orders);
    assert.equal(meta.revenue, Math.round(ingested.revenue * 100) / 100);
    assert.equal(meta.period_start, ingested.period_start);
    assert.equal(meta.period_end, ingested.period_end);
    assert.equal(meta.snapshot_date, ingested.snapshot_date);
    assert.equal(meta.k, seg.k);
    const overview = files["overview.json"] as {
      by_k: Record<string, { customers: number }[]>;
      cleaning: { rows_in: number };
    };
    const rows = overview.by_k[String(seg.k)];
    assert.equal(
      rows.reduce((s, r) => s + r.customers, 0),
      ingested.customers.length,
      "segment sizes add up to the customers",
    );
    assert.equal(overview.cleaning.rows_in, ingested.accounting.rows_in);
  });

  test("publish_customer_list adds the per-customer list, one row per customer", async () => {
    const published = await buildPageData(ingested, seg, {
      ...config,
      report: { ...config.report, publish_customer_list: true },
    });
    const csv = published["customer_segments.csv"];
    assert.equal(typeof csv, "string");
    const lines = (csv as string).trim().split("\n");
    assert.equal(lines[0], "customer_id,segment,cluster,rfm_segment,rfm_cell,r_score,f_score,m_score");
    assert.equal(lines.length - 1, CUSTOMERS);
    assert.deepEqual(new Set(lines.slice(1).map((l) => l.split(",")[0])), new Set(ids));
    assert.equal((published["meta.json"] as { customer_list: boolean }).customer_list, true);
  });

  test("csv fields are quoted and formula-like text is defused", () => {
    assert.equal(csvField('a "b", c'), '"a ""b"", c"');
    assert.equal(csvField("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    assert.equal(csvField(12), "12");
  });
});
