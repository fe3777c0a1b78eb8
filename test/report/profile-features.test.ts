/** The segment heatmap's features (report/pages/segments.ts): what the data holds, and every clustering feature. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { capabilitiesOf } from "../../loaders/capabilities.ts";
import type { ReportContext } from "../../loaders/report/context.ts";
import { profileFeatures, standardisedMeans } from "../../loaders/report/pages/segments.ts";
import type { CustomerFeatures } from "../../loaders/types.ts";

const customer = (id: string, income: number, tenure: number): CustomerFeatures => ({
  customer_id: id,
  recency: 10,
  frequency: 2,
  monetary: 100,
  first_purchase: "",
  last_purchase: "",
  tenure,
  avg_order_value: 50,
  items_per_order: 0,
  return_rate: 0,
  country: "",
  extra: { Income: income },
});

function context(held: Parameters<typeof capabilitiesOf>[0], used: string[], customers: CustomerFeatures[] = []) {
  return {
    capabilities: capabilitiesOf(held),
    seg: { features: { used } },
    config: { clustering: { transform: "none" } },
    ingest: { customers },
  } as unknown as ReportContext;
}

test("lines: the seven customer features", () => {
  const ctx = context(["transactions", "returns", "invoices"], ["recency", "frequency", "monetary"]);
  assert.deepEqual(profileFeatures(ctx), [
    "recency",
    "frequency",
    "monetary",
    "tenure",
    "avg_order_value",
    "items_per_order",
    "return_rate",
  ]);
});

test("a customer table: no units per order or return rate; its own clustering features; tenure only with signups", () => {
  const used = ["recency", "frequency", "monetary", "Income"];
  assert.deepEqual(profileFeatures(context(["customer_parts", "signup_dates"], used)), [
    "recency",
    "frequency",
    "monetary",
    "tenure",
    "avg_order_value",
    "Income",
  ]);
  assert.ok(!profileFeatures(context(["customer_parts"], used)).includes("tenure"));
});

test("a table column's standardised means: cluster mean minus overall mean, in population standard deviations", () => {
  // Income 10, 20 in cluster 0 and 30, 40 in cluster 1: mean 25, population sd sqrt(125) = 11.18
  const customers = [customer("a", 10, 1), customer("b", 20, 1), customer("c", 30, 1), customer("d", 40, 1)];
  const ctx = context(["customer_parts"], ["recency", "Income"], customers);
  const { features, values } = standardisedMeans(ctx, [0, 0, 1, 1], 2);
  const j = features.indexOf("Income");
  assert.equal(values[0][j], Number((-10 / Math.sqrt(125)).toFixed(3)));
  assert.equal(values[1][j], Number((10 / Math.sqrt(125)).toFixed(3)));
});
