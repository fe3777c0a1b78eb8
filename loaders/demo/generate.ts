/**
 * The demo data generator: from a seed and a scale, the invoices of one year of a UK online gift retailer,
 * in the shape of the UCI Online Retail export, dirt included (cancellations, guest orders without a
 * customer number, zero prices, postage and other non-product lines, stock adjustments, repeated lines).
 * Pure: the same options always give the same data set; nothing is read or written here.
 */
import { drawDay, drawMinute, monthIndex, PERIOD_DAYS } from "./calendar.ts";
import { ADJUSTMENT_NOTES, buildCatalogue, CATEGORIES, NON_PRODUCT, type Product } from "./catalogue.ts";
import { GUEST_COUNTRIES, HOME_COUNTRY } from "./countries.ts";
import { makeCustomers, type Customer } from "./customers.ts";
import { categorySeason, PERSONAS } from "./personas.ts";
import { cumulative, drawCumulative, Rng } from "../stats/random.ts";

/** Bump when the generator's output changes for the same seed and scale; stamped into data/demo/VERSION. */
export const GENERATOR_VERSION = 2;
export const DEFAULT_SEED = 42;
/** Account customers at scale 1. */
export const CUSTOMERS_PER_SCALE = 4400;
/** Transaction lines at scale 1, averaged over seeds (what --lines is converted with; one seed varies by ~1%). */
export const LINES_PER_SCALE = 506_000;

export interface DemoOptions {
  seed?: number;
  /** size relative to the default data set (1 = ~500,000 lines, ~4,400 customers) */
  scale?: number;
}

export type InvoiceKind = "sale" | "guest" | "cancellation" | "adjustment";

export interface Line {
  stock_code: string;
  description: string;
  quantity: number;
  /** unit price in pence */
  price: number;
}

export interface Invoice {
  kind: InvoiceKind;
  /** invoice number as written, "C" prefix for cancellations; set once all invoices are ordered in time */
  invoice_no: string;
  /** day of the period (see calendar.ts) and minute of that day */
  day: number;
  minute: number;
  customer_id: number | null;
  country: string;
  lines: Line[];
}

export interface DemoDataset {
  seed: number;
  scale: number;
  products: Product[];
  customers: Customer[];
  /** in time order, numbered */
  invoices: Invoice[];
}

/** Pack sizes account customers order in, and how often. */
const PACK_SIZES = [1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24, 36];
const PACK_CUM = cumulative([12, 10, 5, 6, 12, 4, 4, 20, 2, 2, 8, 1]);
/** Trade quantities (the spikes in the real export's quantity histogram). */
const WHOLESALE_SIZES = [48, 48, 72, 96, 96, 100, 144, 192, 200, 288];
/** Guest (dotcom) quantities: mostly single items. */
const GUEST_SIZES = [1, 2, 3, 4, 6, 10, 12];
const GUEST_CUM = cumulative([60, 20, 8, 5, 4, 2, 1]);

/** Guest orders and adjustment lines at scale 1. */
const GUEST_INVOICES = 3100;
const ADJUSTMENTS = 220;
const DISCOUNTS = 75;
const AMAZON_FEES = 30;

const LAST_DAY = PERIOD_DAYS - 1;
const LAST_MINUTE = 20 * 60 + 59;
const MONTHS = 13;

/** Precomputed tables for drawing products quickly. */
interface Shelf {
  products: readonly Product[];
  /** product indices of each category */
  byCategory: number[][];
  /** cumulative popularity within each category */
  categoryCum: Float64Array[];
  /** [persona][month index] -> category weights (taste x season) */
  taste: number[][][];
  /** [month index] -> category weights for guests */
  guestTaste: number[][];
}

function makeShelf(products: readonly Product[]): Shelf {
  const byCategory = CATEGORIES.map((_, c) => products.flatMap((p, i) => (p.category_index === c ? [i] : [])));
  const seasonal = (weights: readonly number[], m: number): number[] =>
    weights.map((w, c) => (byCategory[c].length ? w * categorySeason(CATEGORIES[c], m) : 0));
  const months = Array.from({ length: MONTHS }, (_, m) => m);
  return {
    products,
    byCategory,
    categoryCum: byCategory.map((idx) => cumulative(idx.map((i) => products[i].popularity))),
    taste: PERSONAS.map((p) => months.map((m) => seasonal(p.categories, m))),
    guestTaste: months.map((m) => seasonal([12, 12, 10, 14, 10, 8, 10, 10, 8, 10], m)),
  };
}

/** A product index drawn by category weights, then popularity within the category. */
function drawProduct(rng: Rng, shelf: Shelf, categoryWeights: readonly number[]): number {
  const c = rng.weighted(categoryWeights);
  return shelf.byCategory[c][drawCumulative(rng, shelf.categoryCum[c])];
}

/** Mutable state while generating: the invoices so far and the random streams. */
interface Builder {
  rng: Rng;
  shelf: Shelf;
  invoices: Invoice[];
}

const productLine = (p: Product, quantity: number, price: number): Line => ({
  stock_code: p.stock_code,
  description: p.description,
  quantity,
  price,
});
const fixedLine = (what: { code: string; description: string }, quantity: number, price: number): Line => ({
  stock_code: what.code,
  description: what.description,
  quantity,
  price,
});

/** Appends an exact copy of ~1% of the product lines at the end of the invoice (double-scanned items). */
function addRepeats(rng: Rng, lines: Line[]): void {
  const n = lines.length;
  for (let i = 0; i < n; i++) if (rng.chance(0.0105)) lines.push({ ...lines[i] });
}

/** Postage, carriage, bank charges, manual lines and free items that ride along on an account invoice. */
function addExtras(rng: Rng, lines: Line[], country: string, shelf: Shelf): void {
  if (country === "EIRE" || country === "Channel Islands") {
    if (rng.chance(0.45)) lines.push(fixedLine(NON_PRODUCT.CARRIAGE, 1, 5000));
  } else if (country !== HOME_COUNTRY) {
    if (rng.chance(0.55)) {
      const far = ["Australia", "Japan", "USA", "Canada", "Singapore", "Hong Kong", "Brazil", "RSA"].includes(country);
      const price = far ? 4000 : rng.chance(0.8) ? 1800 : 1500;
      lines.push(fixedLine(NON_PRODUCT.POST, rng.pick([1, 1, 1, 2, 2, 3, 4]), price));
    }
  } else if (rng.chance(0.012)) {
    lines.push(fixedLine(NON_PRODUCT.POST, 1, rng.pick([500, 1800])));
  }
  if (rng.chance(0.011)) {
    lines.push(fixedLine(NON_PRODUCT.MANUAL, rng.pick([1, 1, 1, 2, 6, 12]), rng.pick(shelf.products).price));
  }
  if (rng.chance(0.0014)) lines.push(fixedLine(NON_PRODUCT.BANK_CHARGES, 1, 1500));
  if (rng.chance(0.005)) {
    // a free item (samples, goodwill): zero price
    lines.push(productLine(rng.pick(shelf.products), rng.between(1, 12), 0));
  }
}

/** The quantity of one line of an account invoice. */
function accountQuantity(rng: Rng, customer: Customer): number {
  const persona = PERSONAS[customer.persona_index];
  if (customer.wholesale && rng.chance(0.1)) return rng.pick(WHOLESALE_SIZES);
  if (rng.chance(persona.small_quantity)) return rng.between(1, 4);
  return PACK_SIZES[drawCumulative(rng, PACK_CUM)];
}

/** One purchase invoice of an account customer, and maybe a later cancellation of part of it. */
function addSale(b: Builder, customer: Customer, day: number): void {
  const { rng, shelf } = b;
  const persona = PERSONAS[customer.persona_index];
  const month = monthIndex(day);
  const taste = shelf.taste[customer.persona_index][month];
  const christmasOff = categorySeason("Christmas", month) < 0.5;
  const count = Math.max(1, Math.min(90, Math.round(rng.logNormal(persona.lines.median, persona.lines.sigma))));
  const seen = new Set<number>();
  const lines: Line[] = [];
  for (let tries = 0; lines.length < count && tries < count * 4; tries++) {
    let index = rng.chance(persona.loyalty) ? rng.pick(customer.favourites) : drawProduct(rng, shelf, taste);
    if (christmasOff && shelf.products[index].category === "Christmas") index = drawProduct(rng, shelf, taste);
    if (seen.has(index)) continue;
    seen.add(index);
    const p = shelf.products[index];
    const quantity = accountQuantity(rng, customer);
    lines.push(productLine(p, quantity, quantity >= 48 ? p.bulk_price : p.price));
  }
  const country = customer.second_country && rng.chance(0.3) ? customer.second_country : customer.country;
  const minute = drawMinute(rng);
  const sale: Invoice = { kind: "sale", invoice_no: "", day, minute, customer_id: customer.id, country, lines };
  addExtras(rng, lines, country, shelf);
  addRepeats(rng, lines);
  b.invoices.push(sale);
  if (rng.chance(persona.cancel_rate)) addCancellation(b, sale);
}

/** A time after (day, minute), a few days later at most, on a trading day; null when past the period's end. */
function laterTime(rng: Rng, day: number, minute: number): { day: number; minute: number } | null {
  const delay = rng.chance(0.35) ? 0 : 1 + rng.geometric(0.25);
  if (delay === 0 && minute < LAST_MINUTE - 5)
    return { day, minute: Math.min(LAST_MINUTE, minute + rng.between(2, 240)) };
  const target = day + Math.max(1, delay);
  if (target > LAST_DAY) return null;
  const next = drawDay(rng, target, target + 2);
  return next > day && next <= LAST_DAY ? { day: next, minute: drawMinute(rng) } : null;
}

/** A cancellation invoice: some of the sale's product lines again, with negative quantities. */
function addCancellation(b: Builder, sale: Invoice): void {
  const { rng } = b;
  const when = laterTime(rng, sale.day, sale.minute);
  if (!when) return;
  const candidates = sale.lines.filter((l) => l.price > 0 && /^\d{5}/.test(l.stock_code));
  if (!candidates.length) return;
  const count = Math.min(candidates.length, 1 + rng.geometric(0.42));
  const picked = new Set<number>();
  while (picked.size < count) picked.add(rng.between(0, candidates.length - 1));
  const lines = [...picked]
    .sort((x, y) => x - y)
    .map((i) => {
      const l = candidates[i];
      return { ...l, quantity: -(rng.chance(0.7) ? l.quantity : rng.between(1, l.quantity)) };
    });
  if (rng.chance(0.03)) lines.push(fixedLine(NON_PRODUCT.MANUAL, -1, rng.pick(candidates).price));
  const { customer_id, country } = sale;
  b.invoices.push({ kind: "cancellation", invoice_no: "", ...when, customer_id, country, lines });
}

/** A guest (dotcom) order: no customer number, many single items at dotcom prices, dotcom postage. */
function addGuest(b: Builder): void {
  const { rng, shelf } = b;
  const day = drawDay(rng, 0, LAST_DAY);
  const taste = shelf.guestTaste[monthIndex(day)];
  const count = Math.max(1, Math.min(300, Math.round(rng.logNormal(28, 0.65))));
  const seen = new Set<number>();
  const lines: Line[] = [];
  for (let tries = 0; lines.length < count && tries < count * 4; tries++) {
    const index = drawProduct(rng, shelf, taste);
    if (seen.has(index)) continue;
    seen.add(index);
    const p = shelf.products[index];
    lines.push(productLine(p, GUEST_SIZES[drawCumulative(rng, GUEST_CUM)], p.guest_price));
  }
  if (rng.chance(0.22)) lines.push(fixedLine(NON_PRODUCT.DOT, 1, Math.round(rng.logNormal(12_000, 0.7))));
  if (rng.chance(0.02)) lines.push(fixedLine(NON_PRODUCT.MANUAL, 1, rng.pick(shelf.products).guest_price));
  addRepeats(rng, lines);
  const country = GUEST_COUNTRIES[rng.weighted(GUEST_COUNTRIES.map((c) => c.weight))].name;
  b.invoices.push({ kind: "guest", invoice_no: "", day, minute: drawMinute(rng), customer_id: null, country, lines });
}

/** A warehouse stock adjustment: one line, no customer, zero price, usually a negative quantity. */
function addAdjustment(b: Builder): void {
  const { rng, shelf } = b;
  const note = rng.pick(ADJUSTMENT_NOTES);
  const p = rng.pick(shelf.products);
  const quantity = note === "found" ? rng.between(1, 100) : -rng.pick([1, 2, 3, 5, 10, 12, 20, 24, 48, 100]);
  const day = drawDay(rng, 0, LAST_DAY);
  b.invoices.push({
    kind: "adjustment",
    invoice_no: "",
    day,
    minute: drawMinute(rng),
    customer_id: null,
    country: HOME_COUNTRY,
    lines: [{ stock_code: p.stock_code, description: note, quantity, price: 0 }],
  });
}

/** A discount given to an account customer after an order: a "C" invoice with one "D" line. */
function addDiscount(b: Builder, customers: readonly Customer[]): void {
  const { rng } = b;
  const customer = rng.pick(customers);
  const sale = { day: rng.pick(customer.order_days), minute: drawMinute(rng) };
  const when = laterTime(rng, sale.day, sale.minute) ?? sale;
  const price = Math.round(rng.logNormal(2500, 0.8));
  b.invoices.push({
    kind: "cancellation",
    invoice_no: "",
    ...when,
    customer_id: customer.id,
    country: customer.country,
    lines: [fixedLine(NON_PRODUCT.DISCOUNT, -1, price)],
  });
}

/** Amazon fees: booked against no customer, mostly as "C" invoices with huge amounts. */
function addAmazonFee(b: Builder): void {
  const { rng } = b;
  const refund = rng.chance(0.8);
  b.invoices.push({
    kind: refund ? "cancellation" : "guest",
    invoice_no: "",
    day: drawDay(rng, 0, LAST_DAY),
    minute: drawMinute(rng),
    customer_id: null,
    country: HOME_COUNTRY,
    lines: [fixedLine(NON_PRODUCT.AMAZON_FEE, refund ? -1 : 1, Math.round(rng.logNormal(400_000, 1.2)))],
  });
}

/** Orders invoices in time (stable) and numbers them, "C" before cancellation numbers. */
function numberInvoices(rng: Rng, invoices: Invoice[]): Invoice[] {
  const order = invoices.map((_, i) => i);
  order.sort((x, y) => invoices[x].day - invoices[y].day || invoices[x].minute - invoices[y].minute || x - y);
  let next = 612_346;
  return order.map((i) => {
    const inv = invoices[i];
    inv.invoice_no = inv.kind === "cancellation" ? `C${next}` : String(next);
    next += rng.chance(0.02) ? 2 : 1;
    return inv;
  });
}

/**
 * Generates the demo data set. `scale` 1 gives ~500,000 lines and ~4,400 customers over 2023-12-01 ..
 * 2024-12-09; the catalogue is the same at every scale.
 * @example
 * const small = generateDemo({ seed: 7, scale: 0.05 }); // ~25,000 lines, 220 customers
 */
export function generateDemo(options: DemoOptions = {}): DemoDataset {
  const seed = options.seed ?? DEFAULT_SEED;
  const scale = options.scale ?? 1;
  if (!Number.isInteger(seed)) throw new RangeError(`demo seed must be an integer, got ${seed}`);
  if (!(scale > 0 && scale <= 20)) throw new RangeError(`demo scale must be in (0, 20], got ${scale}`);
  const root = new Rng(seed);
  const products = buildCatalogue(root.fork("catalogue"));
  const customerCount = Math.max(PERSONAS.length, Math.round(CUSTOMERS_PER_SCALE * scale));
  const customers = makeCustomers(root.fork("customers"), customerCount, products);
  const b: Builder = { rng: root.fork("orders"), shelf: makeShelf(products), invoices: [] };
  for (const customer of customers) for (const day of customer.order_days) addSale(b, customer, day);
  const n = (base: number): number => Math.round(base * scale);
  for (let i = n(GUEST_INVOICES); i > 0; i--) addGuest(b);
  for (let i = n(ADJUSTMENTS); i > 0; i--) addAdjustment(b);
  const regulars = customers.filter((c) => c.persona === "champions" || c.persona === "loyal");
  for (let i = n(DISCOUNTS); i > 0 && regulars.length; i--) addDiscount(b, regulars);
  for (let i = n(AMAZON_FEES); i > 0; i--) addAmazonFee(b);
  return { seed, scale, products, customers, invoices: numberInvoices(root.fork("numbers"), b.invoices) };
}
