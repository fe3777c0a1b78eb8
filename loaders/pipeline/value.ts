/**
 * The value stage in the pipeline: whether the data can carry it (the one place that decides: the capability
 * "transactions", dated lines), the purchases read from the open database, and the stage itself (loaders/value/).
 */
import { satisfies } from "../capabilities.ts";
import type { Config } from "../config.ts";
import { addDays } from "../features/customers.ts";
import {
  analyseValue,
  notFitted,
  readPurchases,
  type CustomerValues,
  type ValueInput,
  type ValueResult,
} from "../value/index.ts";
import { dayNumber, summarise } from "../value/prepare.ts";
import type { ValueModel } from "../value/saved.ts";
import { predictValues } from "../value/score.ts";
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
  /** hears each part as it is done (read, fit, predict ...): the progress lines */
  onStep?: (part: string) => void,
): Promise<ValueResult> {
  const why = valueUnavailable(ingested);
  if (why) return notFitted(config.value, why);
  const started = performance.now();
  const input = await valueInput(ingested, segmentation, config);
  const read = Math.round(performance.now() - started);
  onStep?.("read");
  const result = analyseValue(input, config.value, {}, onStep);
  result.timings = { read, ...result.timings };
  return result;
}

/**
 * What the value models read: each customer's purchases (one a day), revenue and segment; the histories end the day
 * before the snapshot. Shared by a fit (valueStage) and a saved model's parameters (pipeline/index.ts).
 */
export async function valueInput(
  ingested: IngestResult,
  segmentation: SegmentationResult,
  config: Config,
): Promise<ValueInput> {
  return {
    purchases: await readPurchases(
      ingested.db,
      ingested.customers.map((c) => c.customer_id),
    ),
    revenue: ingested.customers.map((c) => c.monetary),
    segment: segmentation.customers.map((c) => c.segment),
    segments: segmentation.clusters.map((c) => c.name),
    period_start: ingested.period_start,
    observation_end: addDays(ingested.snapshot_date, -1),
    seed: config.clustering.seed,
  };
}

/**
 * `npm run score`: every scored customer's value under the saved models, from her purchase history up to the day
 * before the scoring data's snapshot (as the stage prepares it: one transaction per customer-day, in the model's time
 * unit), with the saved parameters. Customers without a purchase by then get no figures (null in `included`).
 */
export async function scoreValue(
  ingested: IngestResult,
  model: ValueModel,
): Promise<{ customers: CustomerValues; included: Uint8Array }> {
  const purchases = await readPurchases(
    ingested.db,
    ingested.customers.map((c) => c.customer_id),
  );
  const histories = summarise(purchases, dayNumber(addDays(ingested.snapshot_date, -1)), model.time_unit);
  return { customers: predictValues(model, histories), included: histories.included };
}

/** customers.csv's value columns (empty when the models did not run). */
export const VALUE_COLUMNS = ["p_alive", "expected_orders", "expected_order_value", "clv"] as const;

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/** The value columns of customers.csv, per customer in input order (empty where `included` is 0). */
export function valueColumns(value: { customers: CustomerValues | null; included?: Uint8Array }) {
  const c = value.customers;
  const included = value.included;
  return {
    headers: VALUE_COLUMNS,
    values: (i: number) =>
      c && (!included || included[i])
        ? [
            round(c.p_alive[i], 6),
            round(c.expected_orders[i], 4),
            round(c.expected_order_value[i], 2),
            round(c.clv[i], 2),
          ]
        : [null, null, null, null],
  };
}
