/**
 * The multi-table demo variant (loaders/demo/shop.ts, `npm run demo -- --shop`): deterministic files, and the
 * pipeline and the build on it end to end. Per-customer figures are checked against a plain recomputation from the
 * generated CSV files (no DuckDB): join the items to their sales, drop what the cleaning drops, sum per customer.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { DEFAULT_CONFIG, loadConfig, PROJECT_ROOT } from "../../loaders/config.ts";
import { generateShop, SHOP_DIRT, writeShopFiles } from "../../loaders/demo/index.ts";
import { runPipeline } from "../../loaders/pipeline/index.ts";
import { DROP_REASONS } from "../../loaders/types.ts";
import { buildReport } from "../support/build.ts";
import { readSiteData } from "../support/report.ts";

const DIR = join(PROJECT_ROOT, "test-output", "data", "shop-7");
const shop = generateShop({ seed: 7 });
const CONFIG = writeShopFiles(DIR, shop);
const OUT = join(PROJECT_ROOT, "test-output", "shop-pipeline");
after(() => rmSync(OUT, { recursive: true, force: true }));

const csv = (name: string) =>
  gunzipSync(readFileSync(join(DIR, name)))
    .toString("utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(","));

/** Per customer, from the files: items joined to sales, the default cleaning's rules; kept orders, net amount, last day, stores. */
function recompute() {
  const sales = new Map(
    csv("orders.csv.gz").map(([id, customer, date, , , , store]) => [id, { customer, day: date.slice(0, 10), store }]),
  );
  const codes = new Set(DEFAULT_CONFIG.cleaning.non_product_codes.map((c) => c.toUpperCase()));
  const pattern = new RegExp(DEFAULT_CONFIG.cleaning.non_product_pattern, "i");
  const per = new Map<string, { orders: Set<string>; monetary: number; last: string; stores: Set<string> }>();
  let kept = 0;
  for (const [sale, product, , total] of csv("order_items.csv.gz")) {
    const order = sales.get(sale);
    if (!order || Number(total) <= 0 || codes.has(product.toUpperCase()) || pattern.test(product)) continue;
    kept++;
    const c = per.get(order.customer) ?? {
      orders: new Set<string>(),
      monetary: 0,
      last: "",
      stores: new Set<string>(),
    };
    c.orders.add(sale);
    c.monetary += Number(total);
    if (order.day > c.last) c.last = order.day;
    if (order.store) c.stores.add(order.store);
    per.set(order.customer, c);
  }
  return { per, kept };
}

describe("demo shop generator", () => {
  it("is deterministic: the same seed gives the same bytes, another seed other data", () => {
    const again = generateShop({ seed: 7 });
    for (const [name, bytes] of Object.entries(shop.files)) assert.ok(bytes.equals(again.files[name]), name);
    assert.ok(!generateShop({ seed: 8 }).files["orders.csv.gz"].equals(shop.files["orders.csv.gz"]));
  });

  it("writes the four tables and a config in the tables form", () => {
    const config = JSON.parse(readFileSync(CONFIG, "utf8"));
    assert.deepEqual(Object.keys(config.tables), ["orders", "lines", "products", "customers"]);
    for (const t of Object.values(config.tables) as { data: string }[])
      assert.ok(existsSync(join(DIR, t.data)), t.data);
    assert.equal(csv("orders.csv.gz").length, shop.expected.orders);
    assert.equal(csv("customers.csv.gz").length, shop.expected.customers_in_table);
  });
});

describe("demo shop end to end", () => {
  it("pipeline: every line accounted for, the planted dirt found, per-customer figures as recomputed", async () => {
    // the figures checked are the ingest's: the segmentation alone follows it (the build below runs everything)
    const { summary, ingest } = await runPipeline(loadConfig({ file: CONFIG, env: {} }), OUT, { segmentsOnly: true });
    assert.equal(summary.rows_in, shop.expected.items);
    assert.deepEqual(Object.keys(summary.dropped), [...DROP_REASONS]);
    assert.equal(summary.rows_in, summary.rows_kept + Object.values(summary.dropped).reduce((a, b) => a + b, 0));
    assert.equal(summary.dropped.missing_order, SHOP_DIRT.orphan_items);
    assert.ok(summary.dropped.nonpositive_amount >= SHOP_DIRT.free_gifts);
    assert.equal(summary.tables?.orders_without_lines, 0);
    assert.equal(summary.tables?.customers_not_in_table, SHOP_DIRT.customers_not_in_table);
    assert.equal(summary.tables?.table_customers_without_orders, SHOP_DIRT.customers_without_orders);
    assert.ok((summary.tables?.lines_without_product ?? 0) > 0);

    const { per, kept } = recompute();
    assert.equal(summary.rows_kept, kept);
    assert.equal(ingest.customers.length, per.size);
    assert.equal(summary.customers, shop.expected.customers_with_orders);
    for (const c of ingest.customers) {
      const want = per.get(c.customer_id)!;
      assert.equal(c.frequency, want.orders.size, c.customer_id);
      assert.ok(
        Math.abs(c.monetary - want.monetary) < 1e-9 * want.monetary,
        `${c.customer_id}: ${c.monetary} vs ${want.monetary}`,
      );
      assert.equal(c.last_purchase, want.last, c.customer_id);
    }
  });

  it("build: channels, demographics, signup lag, stores and category preference in the report", async () => {
    const { dir } = await buildReport({ name: "shop", config: CONFIG });
    const audience = readSiteData(dir, "audience");
    assert.deepEqual(audience.available, {
      channel: true,
      demographics: ["age_range", "household"],
      signup: true,
      store: true,
    });
    // stores per customer, recomputed from the files over the kept orders
    const stores = [...recompute().per.values()].map((c) => c.stores.size);
    const count = (test: (n: number) => boolean) => stores.filter(test).length;
    const inStore = stores.filter((n) => n > 0);
    // every field recomputed here (none copied from the actual): counts, mean, median and the two shares
    const sorted = [...inStore].sort((a, b) => a - b);
    const middle = sorted.length / 2;
    const median = sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2;
    const several = count((n) => n === 2) + count((n) => n >= 3);
    assert.deepEqual(
      {
        ...audience.all.stores,
        mean: Math.round(audience.all.stores.mean * 100),
        share_one: Math.round(audience.all.stores.share_one * 1e4),
        share_several: Math.round(audience.all.stores.share_several * 1e4),
      },
      {
        in_store: inStore.length,
        no_store: count((n) => n === 0),
        one: count((n) => n === 1),
        two: count((n) => n === 2),
        three_plus: count((n) => n >= 3),
        mean: Math.round((inStore.reduce((a, b) => a + b, 0) / inStore.length) * 100),
        median,
        share_one: Math.round((count((n) => n === 1) / inStore.length) * 1e4),
        share_several: Math.round((several / inStore.length) * 1e4),
      },
    );
    assert.ok(audience.all.stores.two + audience.all.stores.three_plus > 0, "some customers use several stores");
    const channelOrders = audience.all.channels.reduce((s: number, c: { orders: number }) => s + c.orders, 0);
    assert.equal(channelOrders, readSiteData(dir, "meta").orders);
    assert.deepEqual(audience.all.channels.map((c: { channel: string }) => c.channel).sort(), [
      "phone",
      "store",
      "web",
    ]);
    const ages = audience.all.demographics.age_range as { value: string; customers: number }[];
    assert.equal(ages.find((a) => a.value === "Unknown")?.customers, SHOP_DIRT.customers_not_in_table);
    assert.equal(
      ages.reduce((s, a) => s + a.customers, 0),
      shop.expected.customers_with_orders,
    );
    assert.ok(audience.all.signup.n > 0 && audience.all.signup.median >= 0);
    const products = readSiteData(dir, "products");
    assert.equal(products.category_source, "category column");
    const k = readSiteData(dir, "meta").k;
    assert.equal(products.preference[k].segments.length, k);
    const methodology = readSiteData(dir, "methodology");
    assert.equal(methodology.cleaning.tables.customers_not_in_table, SHOP_DIRT.customers_not_in_table);
  });
});
