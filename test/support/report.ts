/** Small generated data sets and readers of a built site's data, for the build tests. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { generateDemo, writeDemoFiles } from "../../loaders/demo/index.ts";
import { VERSION_FILE } from "../../loaders/demo/write.ts";

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
  const meta = readSiteData(dist, "meta");
  return {
    customers: meta.customers,
    orders: meta.orders,
    revenue: meta.revenue,
    period_start: meta.period_start,
    period_end: meta.period_end,
    k: meta.k,
  };
}
