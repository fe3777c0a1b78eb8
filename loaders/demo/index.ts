/**
 * The built-in demo data set: a seeded, deterministic generator of one year of a UK online gift retailer's
 * transactions in the UCI Online Retail layout, with planted customer personas. `ensureDemoData` is what the
 * build calls when the configured data is the demo data.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { DEMO_DATA, PROJECT_ROOT } from "../config.ts";
import { DEFAULT_SEED, generateDemo, GENERATOR_VERSION } from "./generate.ts";
import {
  parseVersionStamp,
  PERSONAS_FILE,
  PRODUCTS_FILE,
  TRANSACTIONS_FILE,
  VERSION_FILE,
  writeDemoFiles,
} from "./write.ts";

export { DEFAULT_SEED, generateDemo, GENERATOR_VERSION, LINES_PER_SCALE, CUSTOMERS_PER_SCALE } from "./generate.ts";
export type { DemoDataset, DemoOptions, Invoice, InvoiceKind, Line } from "./generate.ts";
export { PERSONA_NAMES, PERSONAS, type PersonaName } from "./personas.ts";
export { CATEGORIES, NON_PRODUCT_CODES, type Category, type Product } from "./catalogue.ts";
export { PERIOD_START, PERIOD_END } from "./calendar.ts";
export { summarize, type DemoSummary } from "./summary.ts";
export { renderDemoFiles, writeDemoFiles, versionStamp, parseVersionStamp } from "./write.ts";
export { TRANSACTIONS_HEADER } from "./csv.ts";
export {
  generateShop,
  writeShopFiles,
  SHOP_CONFIG_FILE,
  SHOP_DIRT,
  CHANNELS,
  AGE_RANGES,
  HOUSEHOLDS,
  type ShopFiles,
} from "./shop.ts";

/** The folder the default demo data lives in (`data/demo/` under the project root). */
export const DEMO_DIR = resolve(PROJECT_ROOT, dirname(DEMO_DATA));

/**
 * Makes sure the demo files exist in `dir` and come from this generator version; (re)generates them when
 * they are missing or stamped by another version (keeping the stamp's seed and scale, else the defaults).
 * Returns the path of the transactions file.
 */
export async function ensureDemoData(dir: string = DEMO_DIR): Promise<string> {
  const transactions = join(dir, TRANSACTIONS_FILE);
  const versionPath = join(dir, VERSION_FILE);
  const stamp = existsSync(versionPath) ? parseVersionStamp(readFileSync(versionPath, "utf8")) : null;
  const complete = [TRANSACTIONS_FILE, PERSONAS_FILE, PRODUCTS_FILE].every((name) => existsSync(join(dir, name)));
  if (stamp && stamp.version === GENERATOR_VERSION && complete) return transactions;
  return writeDemoFiles(dir, generateDemo({ seed: stamp?.seed ?? DEFAULT_SEED, scale: stamp?.scale ?? 1 }));
}
