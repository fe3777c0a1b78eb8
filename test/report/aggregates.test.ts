/**
 * The line-level aggregates by segment (loaders/report/aggregates.ts) on a small hand-made file,
 * test/fixtures/aggregates/lines.csv, against pandas (test/fixtures/aggregates/make_expected.py wrote expected.json):
 * orders, units, revenue net of the one return, returned and bought units, the spread of units and value per order,
 * the days between orders, revenue by month, orders by weekday and hour, countries and the top products, for
 * every customer together and for each cluster of k = 2. The database is the ingest's (DuckDB, the net basis).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DEFAULT_CONFIG, PROJECT_ROOT, validateConfig } from "../../loaders/config.ts";
import { ingest, type IngestResult } from "../../loaders/pipeline/ingest.ts";
import {
  ALL,
  countryMix,
  monthlyRevenue,
  orderStats,
  prepareReportTables,
  purchaseIntervals,
  topProducts,
  weeklyPattern,
  type Spread,
} from "../../loaders/report/aggregates.ts";

const DIR = join(PROJECT_ROOT, "test", "fixtures", "aggregates");
const EXPECTED = JSON.parse(readFileSync(join(DIR, "expected.json"), "utf8")).groups;
/** customers 101-103 are cluster 0 of k = 2, 104-106 cluster 1 (as make_expected.py groups them) */
const LABEL: Record<string, number> = { "101": 0, "102": 0, "103": 0, "104": 1, "105": 1, "106": 1 };
const GROUPS: [string, number, number][] = [
  ["all", ALL, ALL],
  ["0", 2, 0],
  ["1", 2, 1],
];

const near = (got: number, want: number, what: string) =>
  assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${what}: ${got} vs ${want}`);
const nearSpread = (got: Spread, want: Spread, what: string) => {
  for (const key of ["n", "p05", "q1", "median", "q3", "p95", "mean"] as const)
    near(got[key], want[key], `${what} ${key}`);
};

describe("report aggregates on test/fixtures/aggregates/lines.csv (expected from pandas)", () => {
  let result: IngestResult;
  before(async () => {
    result = await ingest(
      validateConfig({
        ...structuredClone(DEFAULT_CONFIG),
        data: join(DIR, "lines.csv"),
        data_source: "override",
        config_file: null,
      }),
    );
    const countries = new Map(result.customers.map((c) => [c.customer_id, c.country]));
    await prepareReportTables(
      result.db,
      [2],
      Object.keys(LABEL).map((id) => ({
        customer_id: id,
        country: countries.get(id)!,
        rfm_segment: "x",
        labels: [LABEL[id]],
      })),
      null,
    );
  });
  after(() => result?.close());

  it("reads every line: 17 purchase lines kept, the return matched", () => {
    assert.equal(result.customers.length, 6);
    assert.equal(result.accounting.returns.matched_units, 3);
  });

  it("orders, units, revenue, returned and bought units and the top returner", async () => {
    const stats = await orderStats(result.db);
    for (const [name, grouping, label] of GROUPS) {
      const got = stats.get(grouping)!.get(label)!;
      const want = EXPECTED[name];
      assert.equal(got.orders, want.orders, `${name} orders`);
      near(got.units, want.units, `${name} units`);
      near(got.revenue, want.revenue, `${name} revenue`);
      near(got.returned_units, want.returned_units, `${name} returned`);
      near(got.bought_units, want.bought_units, `${name} bought`);
      assert.deepEqual(got.top_returner, want.top_returner, `${name} top returner`);
      nearSpread(got.order_units, want.order_units, `${name} units per order`);
      nearSpread(got.order_value, want.order_value, `${name} value per order`);
    }
  });

  it("days between orders, the customers they come from and the same-day repeats", async () => {
    const gaps = await purchaseIntervals(result.db);
    for (const [name, grouping, label] of GROUPS) {
      const got = gaps.get(grouping)!.get(label)!;
      const want = EXPECTED[name].intervals;
      nearSpread(got, want, `${name} gaps`);
      assert.equal(got.customers, want.customers, `${name} customers with gaps`);
      assert.equal(got.same_day, want.same_day, `${name} same-day`);
    }
  });

  it("revenue and orders by month, orders and revenue by weekday and hour", async () => {
    const months = await monthlyRevenue(result.db);
    const weeks = await weeklyPattern(result.db);
    for (const [name, grouping, label] of GROUPS) {
      const m = months.get(grouping)!.get(label)!;
      assert.deepEqual(
        m.map((x) => [x.month, x.orders]),
        EXPECTED[name].monthly.map((x: { month: string; orders: number }) => [x.month, x.orders]),
      );
      m.forEach((x, i) => near(x.revenue, EXPECTED[name].monthly[i].revenue, `${name} ${x.month}`));
      const w = weeks.get(grouping)!.get(label)!;
      assert.deepEqual(
        w.map((x) => [x.dow, x.hour, x.orders]),
        EXPECTED[name].weekly.map((x: { dow: number; hour: number; orders: number }) => [x.dow, x.hour, x.orders]),
      );
      w.forEach((x, i) => near(x.revenue, EXPECTED[name].weekly[i].revenue, `${name} ${x.dow} ${x.hour}`));
    }
  });

  it("customers and revenue by country; the top products with their share of the segment's revenue", async () => {
    const countries = await countryMix(result.db);
    const top = await topProducts(result.db, 3);
    for (const [name, grouping, label] of GROUPS) {
      const c = countries.get(grouping)!.get(label)!;
      const want = EXPECTED[name].countries as Record<string, { customers: number; revenue: number }>;
      assert.deepEqual([...c.keys()].sort(), Object.keys(want).sort(), `${name} countries`);
      for (const [country, w] of Object.entries(want)) {
        assert.equal(c.get(country)!.customers, w.customers, `${name} ${country}`);
        near(c.get(country)!.revenue, w.revenue, `${name} ${country} revenue`);
      }
      const t = top.get(grouping)!.get(label)!;
      const wt = EXPECTED[name].top_products as {
        description: string;
        revenue: number;
        units: number;
        customers: number;
        share: number;
      }[];
      assert.deepEqual(
        t.map((p) => [p.description, p.customers]),
        wt.map((p) => [p.description, p.customers]),
      );
      t.forEach((p, i) => {
        near(p.revenue, wt[i].revenue, `${name} ${p.description} revenue`);
        near(p.units, wt[i].units, `${name} ${p.description} units`);
        near(p.share, wt[i].share, `${name} ${p.description} share`);
      });
    }
  });
});

describe("report aggregates: units of fractional quantities keep the ordered sum", () => {
  // one line of one product per customer, quantities falling: a sum in the order read differs from the ordered one
  const quantities = Array.from(
    { length: 40 },
    (_, i) => Math.round((0.1 + (39 - i) * 0.37 + (i % 7) * 0.013) * 1000) / 1000,
  );
  let result: IngestResult;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "fractional-"));
    const lines = quantities.map(
      (q, i) =>
        `${700001 + i},P1,WEIGHED CHEESE,${q},2011-01-${String(3 + (i % 20)).padStart(2, "0")} 10:00:00,1.00,${300 + i},United Kingdom`,
    );
    writeFileSync(
      join(dir, "lines.csv"),
      ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country", ...lines].join("\n") + "\n",
    );
    result = await ingest(
      validateConfig({
        ...structuredClone(DEFAULT_CONFIG),
        data: join(dir, "lines.csv"),
        data_source: "override",
        config_file: null,
      }),
    );
    await prepareReportTables(
      result.db,
      [2],
      result.customers.map((c, i) => ({
        customer_id: c.customer_id,
        country: c.country,
        rfm_segment: "x",
        labels: [i % 2],
      })),
      null,
    );
  });
  after(async () => {
    await result?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a product's units per segment are the ascending sum of its customers' quantities, to the bit", async () => {
    const rows = await result.db.query<{ grouping: number; label: number; units: number }>(
      "SELECT grouping, label, units FROM report_group_products ORDER BY 1, 2",
    );
    const ordered = (values: number[]) => [...values].sort((a, b) => a - b).reduce((s, v) => s + v, 0);
    const read = (values: number[]) => values.reduce((s, v) => s + v, 0);
    // the test means something only where the order of the terms changes the bits
    assert.notEqual(read(quantities), ordered(quantities));
    assert.deepEqual(rows, [
      { grouping: ALL, label: ALL, units: ordered(quantities) },
      { grouping: 2, label: 0, units: ordered(quantities.filter((_, i) => i % 2 === 0)) },
      { grouping: 2, label: 1, units: ordered(quantities.filter((_, i) => i % 2 === 1)) },
    ]);
  });
});
