/**
 * The value stage in the pipeline: whether the data can carry it (the one place that decides: the capability
 * "transactions", dated lines), the purchases read from the open database, and the stage itself (loaders/value/).
 */
import { satisfies } from "../capabilities.ts";
import type { Config } from "../config.ts";
import { addDays } from "../features/customers.ts";
import { analyseValue, notFitted, readPurchases, type ValueResult } from "../value/index.ts";
import type { IngestResult } from "./ingest.ts";
import type { SegmentationResult } from "./types.ts";

/** Why the data cannot carry the value models before any fit, or null when it has dated transactions. */
export function valueUnavailable(ingested: IngestResult): string | null {
  if (!satisfies(ingested.capabilities, ["transactions"]))
    return "a customer-level table has no purchase history: the value models need every purchase with its date";
  return null;
}

/** Runs the value stage on the ingested lines and the segmentation. */
export async function valueStage(
  ingested: IngestResult,
  segmentation: SegmentationResult,
  config: Config,
): Promise<ValueResult> {
  const why = valueUnavailable(ingested);
  if (why) return notFitted(config.value, why);
  const ids = ingested.customers.map((c) => c.customer_id);
  const started = performance.now();
  const purchases = await readPurchases(ingested.db, ids);
  const read = Math.round(performance.now() - started);
  const result = analyseValue(
    {
      purchases,
      revenue: ingested.customers.map((c) => c.monetary),
      segment: segmentation.customers.map((c) => c.segment),
      segments: segmentation.clusters.map((c) => c.name),
      period_start: ingested.period_start,
      observation_end: addDays(ingested.snapshot_date, -1),
      seed: config.clustering.seed,
    },
    config.value,
  );
  result.timings = { read, ...result.timings };
  return result;
}

/** customers.csv's value columns (empty when the models did not run). */
export const VALUE_COLUMNS = ["p_alive", "expected_orders", "expected_order_value", "clv"] as const;

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/** The value columns of customers.csv, per customer in input order. */
export function valueColumns(value: ValueResult) {
  const c = value.customers;
  return {
    headers: VALUE_COLUMNS,
    values: (i: number) =>
      c
        ? [
            round(c.p_alive[i], 6),
            round(c.expected_orders[i], 4),
            round(c.expected_order_value[i], 2),
            round(c.clv[i], 2),
          ]
        : [null, null, null, null],
  };
}
