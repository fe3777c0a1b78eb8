/** Small generated data sets and readers of a built site's data, for the build tests. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { generateDemo, writeDemoFiles } from "../../loaders/demo/index.ts";
import { VERSION_FILE } from "../../loaders/demo/write.ts";
import type { InsightFacts, SegmentFacts } from "../../loaders/report/facts.ts";
import type { FigureInterval } from "../../loaders/report/order-intervals.ts";

export interface SmallData {
  /** transactions.csv.gz */
  data: string;
  /** customers with at least one kept line under the default cleaning */
  customersKept: number;
}

/** A demo-generator data set at 5% scale (about 25,000 lines, 220 customers), written once per seed. */
export function generateSmall(seed = 7): SmallData {
  const dir = join(PROJECT_ROOT, "test-output", "data", `small-${seed}`);
  const data = join(dir, "transactions.csv.gz");
  // the version stamp is written last (each file whole, by rename): npm test's two lanes may both write it at once
  if (!existsSync(join(dir, VERSION_FILE))) writeDemoFiles(dir, generateDemo({ seed, scale: 0.05 }));
  // the persona file lists every customer; the default cleaning keeps all of them (each has kept purchases)
  const personas = readFileSync(join(dir, "personas.csv"), "utf8").trim().split("\n").length - 1;
  return { data, customersKept: personas };
}

/** The JSON data file `name` (e.g. "meta") as published in a built site (content-hashed under _file/data/). */
export function readSiteData(dist: string, name: string): any {
  const dir = join(dist, "_file", "data");
  const file = readdirSync(dir).find((f) => f.startsWith(`${name}.`) && f.endsWith(".json"));
  if (!file) throw new Error(`${dist}: no ${name}.json in the site`);
  return JSON.parse(readFileSync(join(dir, file), "utf8"));
}

export interface Headline {
  customers: number;
  orders: number;
  revenue: number;
  period_start: string;
  period_end: string;
  k: number;
}

/** The headline figures the executive summary shows, from a built site. */
export function readHeadline(dist: string): Headline {
  return headlineOf(readSiteData(dist, "meta"));
}

/** The headline figures of the page data `meta.json`. */
export function headlineOf(meta: any): Headline {
  return {
    customers: meta.customers,
    orders: meta.orders,
    revenue: meta.revenue,
    period_start: meta.period_start,
    period_end: meta.period_end,
    k: meta.k,
  };
}

/**
 * Hand-built narrative facts with intervals (for wording tests): every segment without them gets a return-rate
 * interval (its ratio to the rest's pooled rate) and median-order intervals (their ratio to the median order
 * overall), each the point figure times and divided by `spread`. Tests of the interval guards pass their own.
 */
export function withIntervals(facts: InsightFacts, spread = 1.1): InsightFacts {
  const units = (s: SegmentFacts) => s.items_per_order * s.orders;
  const around = (value: number, ratio: number): FigureInterval => ({
    value,
    low: value / spread,
    high: value * spread,
    ratio,
    ratio_low: ratio / spread,
    ratio_high: ratio * spread,
  });
  const segments = facts.segments.map((s) => {
    const rest = facts.segments.filter((x) => x !== s);
    const restUnits = rest.reduce((a, x) => a + units(x), 0);
    const restRate = restUnits ? rest.reduce((a, x) => a + x.return_rate * units(x), 0) / restUnits : NaN;
    const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? a / b : NaN);
    return {
      ...s,
      return_interval: s.return_interval ?? around(s.return_rate, ratio(s.return_rate, restRate)),
      order_units_interval:
        s.order_units_interval ??
        around(s.median_order_units ?? NaN, ratio(s.median_order_units, facts.median_order_units)),
      order_value_interval:
        s.order_value_interval ??
        around(s.median_order_value ?? NaN, ratio(s.median_order_value, facts.median_order_value)),
    };
  });
  return { ...facts, segments };
}
