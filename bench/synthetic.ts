/**
 * Large synthetic transaction files for the scale runs: the demo generator's catalogue, calendar, countries and
 * CSV formatting, but streamed (constant memory at any size) and with the many-customers shape the scale runs
 * need: about one customer per `lines_per_customer` lines (~1M customers at 10M lines), orders per customer
 * heavy-tailed from 1 to 100 (P(n) ~ n^-2.5, mean ~1.9), ~5 lines per order, plus the usual dirt (guest orders
 * without a customer, cancellations, zero prices, postage lines). The demo generator itself keeps every invoice in
 * memory and has ~114 lines per customer, so its largest data set (10M lines) has only ~88,000 customers.
 *
 * Invoices are in time order and customers interleave, as in a real export. The same options always give the
 * same bytes. Files are cached by name (`synthetic-<lines>-s<seed>-<code>.csv.gz` with a `.json` beside it), where
 * <code> hashes SYNTHETIC_VERSION and the demo modules used, so a change to either makes new files.
 */
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { DAY_CUMULATIVE, drawMinute, formatTimestamp } from "../loaders/demo/calendar.ts";
import { buildCatalogue, NON_PRODUCT, type Product } from "../loaders/demo/catalogue.ts";
import { FOREIGN_COUNTRIES, HOME_COUNTRY } from "../loaders/demo/countries.ts";
import { csvField, formatPrice, TRANSACTIONS_HEADER } from "../loaders/demo/csv.ts";
import { cumulative, drawCumulative, Rng } from "../loaders/stats/random.ts";

/** Bump when the output for the same options changes (invalidates cached files). */
export const SYNTHETIC_VERSION = 1;
const MAX_ORDERS_PER_CUSTOMER = 100;
const ORDERS_EXPONENT = 2.5;
/** share of lines on guest orders (no customer number) */
const GUEST_LINE_SHARE = 0.08;
const GUEST_LINES_MEAN = 8;
const CANCEL_RATE = 0.02;
const ZERO_PRICE_RATE = 0.002;
const HOME_SHARE = 0.9;
const PACK_SIZES = [1, 2, 3, 4, 6, 8, 10, 12, 24, 48];
const PACK_CUM = cumulative([12, 10, 5, 6, 12, 4, 4, 20, 8, 2]);
const FIRST_CUSTOMER_ID = 12346;
const FIRST_INVOICE = 536365;
const MINUTES_PER_DAY = 1440;
/** lines per text chunk handed to gzip */
const CHUNK_LINES = 10_000;

export interface SyntheticOptions {
  /** data lines to write (the header not counted) */
  lines: number;
  seed: number;
  /** about one account customer per this many lines */
  lines_per_customer?: number;
}

export interface SyntheticInfo {
  version: number;
  /** generatorCode() when written */
  code?: string;
  seed: number;
  lines: number;
  /** account customers with at least one line in the file */
  customers: number;
  invoices: number;
  bytes?: number;
  generate_ms?: number;
}

/** Cumulative weights of 1..max orders per customer, P(n) proportional to n^-exponent. */
export function ordersPerCustomerCum(max = MAX_ORDERS_PER_CUSTOMER, exponent = ORDERS_EXPONENT): Float64Array {
  return cumulative(Array.from({ length: max }, (_, i) => Math.pow(i + 1, -exponent)));
}

/** Mean of the distribution given by cumulative weights over 1..n. */
export function meanOfCum(cum: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < cum.length; i++) sum += (i + 1) * (cum[i] - (i > 0 ? cum[i - 1] : 0));
  return sum / cum[cum.length - 1];
}

interface Order {
  /** index into the customer tables */
  customer: number;
  /** minute since the start of the period */
  at: number;
}

/** The planned orders of `customers` customers, in time order, customers interleaved. */
function planOrders(rng: Rng, customers: number): Order[] {
  const countCum = ordersPerCustomerCum();
  const owners: number[] = [];
  for (let c = 0; c < customers; c++) {
    const n = 1 + drawCumulative(rng, countCum);
    for (let i = 0; i < n; i++) owners.push(c);
  }
  const times = new Float64Array(owners.length);
  for (let i = 0; i < times.length; i++)
    times[i] = drawCumulative(rng, DAY_CUMULATIVE) * MINUTES_PER_DAY + drawMinute(rng);
  times.sort();
  rng.shuffle(owners);
  return owners.map((customer, i) => ({ customer, at: times[i] }));
}

/**
 * The file's text in chunks, header first, exactly `options.lines` data lines. `info` is filled in as the
 * chunks are drawn (complete once the generator is exhausted).
 */
export function* syntheticChunks(options: SyntheticOptions, info: SyntheticInfo): Generator<string> {
  const rng = new Rng(options.seed);
  const products: Product[] = buildCatalogue(rng.fork("catalogue"));
  const productCum = cumulative(products.map((p) => p.popularity));
  const draw = rng.fork("orders");
  const customers = Math.max(1, Math.round(options.lines / (options.lines_per_customer ?? 10)));
  const foreignCum = cumulative(FOREIGN_COUNTRIES.map((c) => c.weight));
  const country = Array.from({ length: customers }, () =>
    csvField(draw.chance(HOME_SHARE) ? HOME_COUNTRY : FOREIGN_COUNTRIES[drawCumulative(draw, foreignCum)].name),
  );
  const orders = planOrders(draw, customers);
  // account lines per order so that the planned orders slightly overfill the file (the last few are not written)
  const perOrder = (1.03 * options.lines * (1 - GUEST_LINE_SHARE)) / orders.length;
  const median = Math.max(1, perOrder / Math.exp(0.6 ** 2 / 2));
  const guestChance = (GUEST_LINE_SHARE * options.lines) / (GUEST_LINES_MEAN * orders.length);
  const fields = products.map((p) => `${csvField(p.stock_code)},${csvField(p.description)}`);
  const post = `${NON_PRODUCT.POST.code},${NON_PRODUCT.POST.description}`;
  const seen = new Uint8Array(customers);

  let written = 0;
  let invoice = FIRST_INVOICE;
  let parts: string[] = [TRANSACTIONS_HEADER + "\n"];
  const emit = (line: string): boolean => {
    parts.push(line);
    written++;
    return written >= options.lines;
  };
  const timestamp = (at: number): string => formatTimestamp(Math.floor(at / MINUTES_PER_DAY), at % MINUTES_PER_DAY);

  outer: for (const order of orders) {
    const when = timestamp(order.at);
    const id = FIRST_CUSTOMER_ID + order.customer;
    const tail = `,${id},${country[order.customer]}\n`;
    const count = Math.max(1, Math.min(60, Math.round(draw.logNormal(median, 0.6))));
    const bought: number[] = [];
    for (let i = 0; i < count; i++) {
      const p = drawCumulative(draw, productCum);
      const quantity = PACK_SIZES[drawCumulative(draw, PACK_CUM)];
      const price = draw.chance(ZERO_PRICE_RATE) ? 0 : products[p].price;
      bought.push(p);
      seen[order.customer] = 1;
      if (emit(`${invoice},${fields[p]},${quantity},${when},${formatPrice(price)}${tail}`)) break outer;
    }
    if (country[order.customer] !== HOME_COUNTRY && draw.chance(0.5)) {
      if (emit(`${invoice},${post},${draw.between(1, 3)},${when},18${tail}`)) break outer;
    }
    invoice++;
    if (draw.chance(CANCEL_RATE)) {
      const p = draw.pick(bought);
      const later = timestamp(Math.min(order.at + draw.between(5, 600), DAY_CUMULATIVE.length * MINUTES_PER_DAY - 1));
      if (emit(`C${invoice},${fields[p]},-${draw.between(1, 12)},${later},${formatPrice(products[p].price)}${tail}`))
        break outer;
      invoice++;
    }
    if (draw.chance(guestChance)) {
      const guestCount = Math.max(1, Math.round(draw.logNormal(GUEST_LINES_MEAN * 0.8, 0.6)));
      for (let i = 0; i < guestCount; i++) {
        const p = drawCumulative(draw, productCum);
        if (
          emit(
            `${invoice},${fields[p]},${draw.between(1, 6)},${when},${formatPrice(products[p].guest_price)},,${HOME_COUNTRY}\n`,
          )
        )
          break outer;
      }
      invoice++;
    }
    if (parts.length >= CHUNK_LINES) {
      yield parts.join("");
      parts = [];
    }
  }
  if (parts.length) yield parts.join("");
  if (written < options.lines)
    throw new Error(`synthetic: planned orders gave only ${written} of ${options.lines} lines`);
  info.lines = written;
  info.invoices = invoice - FIRST_INVOICE + 1;
  info.customers = seen.reduce((sum, s) => sum + s, 0);
}

const DEMO_MODULES = ["demo/calendar.ts", "demo/catalogue.ts", "demo/countries.ts", "demo/csv.ts", "stats/random.ts"];

/** A short hash of SYNTHETIC_VERSION and the demo modules' source: what the generated bytes depend on besides the options. */
export function generatorCode(): string {
  const loaders = join(dirname(fileURLToPath(import.meta.url)), "..", "loaders");
  const hash = createHash("sha256").update(`v${SYNTHETIC_VERSION}\n`);
  for (const file of DEMO_MODULES) hash.update(readFileSync(join(loaders, file)));
  return hash.digest("hex").slice(0, 8);
}

/** The cache file name for a size and seed. */
export function syntheticName(lines: number, seed: number): string {
  return `synthetic-${lines}-s${seed}-${generatorCode()}.csv.gz`;
}

/** Writes the gzipped file (to a temporary name first, renamed when complete). */
export async function writeSynthetic(path: string, options: SyntheticOptions): Promise<SyntheticInfo> {
  const info: SyntheticInfo = {
    version: SYNTHETIC_VERSION,
    code: generatorCode(),
    seed: options.seed,
    lines: 0,
    customers: 0,
    invoices: 0,
  };
  const start = performance.now();
  const partial = `${path}.partial`;
  await pipeline(Readable.from(syntheticChunks(options, info)), createGzip({ level: 6 }), createWriteStream(partial));
  renameSync(partial, path);
  info.bytes = statSync(path).size;
  info.generate_ms = Math.round(performance.now() - start);
  writeFileSync(`${path}.json`, JSON.stringify(info, null, 1) + "\n");
  return info;
}

/** The cached file for `lines` lines in `dir`, generated first when missing. */
export async function ensureSynthetic(
  dir: string,
  lines: number,
  seed: number,
): Promise<{ path: string; info: SyntheticInfo; generated: boolean }> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, syntheticName(lines, seed));
  if (existsSync(path) && existsSync(`${path}.json`)) {
    return { path, info: JSON.parse(readFileSync(`${path}.json`, "utf8")) as SyntheticInfo, generated: false };
  }
  return { path, info: await writeSynthetic(path, { lines, seed }), generated: true };
}

/**
 * The same lines as Parquet, typed as a database export would hold them (Quantity INTEGER, InvoiceDate TIMESTAMP,
 * UnitPrice DOUBLE, CustomerID INTEGER, the rest text), zstd-compressed, written by DuckDB from the gzipped CSV
 * (generated first when missing) to a temporary name and renamed when complete. Cached beside the CSV.
 */
export async function ensureSyntheticParquet(
  dir: string,
  lines: number,
  seed: number,
): Promise<{ path: string; info: SyntheticInfo; generated: boolean }> {
  const csv = await ensureSynthetic(dir, lines, seed);
  const path = csv.path.replace(/\.csv\.gz$/, ".parquet");
  if (existsSync(path)) return { path, info: { ...csv.info, bytes: statSync(path).size }, generated: false };
  const start = performance.now();
  const partial = `${path}.partial`;
  const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;
  const instance = await DuckDBInstance.create(":memory:", { preserve_insertion_order: "true" });
  const conn = await instance.connect();
  try {
    const columns =
      "{'InvoiceNo': 'VARCHAR', 'StockCode': 'VARCHAR', 'Description': 'VARCHAR', 'Quantity': 'INTEGER', " +
      "'InvoiceDate': 'TIMESTAMP', 'UnitPrice': 'DOUBLE', 'CustomerID': 'INTEGER', 'Country': 'VARCHAR'}";
    await conn.run(
      `COPY (SELECT * FROM read_csv(${quote(csv.path)}, header = true, delim = ',', quote = '"', escape = '"', columns = ${columns})) ` +
        `TO ${quote(partial)} (FORMAT parquet, COMPRESSION zstd)`,
    );
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  renameSync(partial, path);
  const info = { ...csv.info, bytes: statSync(path).size, generate_ms: Math.round(performance.now() - start) };
  return { path, info, generated: true };
}
