/**
 * The multi-table demo variant: the demo retailer's sales as a shop database exports them — `orders.csv.gz`
 * (sale_id, customer_id, sale_date, order_amount, country, channel, store_id for store orders), `order_items.csv.gz` (sale_id, product_id,
 * quantity, line_total), `products.csv.gz` (product_id, product_name, department) and `customers.csv.gz`
 * (customer_id, age_range, signup_date, household), with `shop.config.json` mapping them (the `tables` form).
 * Seeded and deterministic: the sales are generateDemo's account-customer invoices; channel, age range, household
 * and signup date are drawn per customer with a persona bias, so the report has something true to show.
 * Planted dirt, each counted by the pipeline: items of a sale missing from the orders table, items whose product
 * is missing from the products table, a free gift line (line total 0), customers of the table without orders and
 * customers with orders missing from the table.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatDay, formatTimestamp } from "./calendar.ts";
import { csvField, formatPrice } from "./csv.ts";
import { DEFAULT_SEED, generateDemo } from "./generate.ts";
import type { PersonaName } from "./personas.ts";
import { Rng } from "../stats/random.ts";
import { gzip } from "./write.ts";

export const SHOP_CONFIG_FILE = "shop.config.json";
export const CHANNELS = ["web", "store", "phone"] as const;
/** the shop's stores (ST01 ...), for the orders placed in a store */
const STORES = 5;
export const AGE_RANGES = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"] as const;
export const HOUSEHOLDS = ["single", "couple", "family"] as const;

/** Channel weights (web, store, phone) and age-range weights per persona: the planted differences. */
const BIAS: Record<PersonaName, { channel: number[]; age: number[] }> = {
  champions: { channel: [70, 20, 10], age: [5, 20, 30, 25, 15, 5] },
  loyal: { channel: [50, 40, 10], age: [5, 15, 25, 25, 20, 10] },
  at_risk: { channel: [30, 50, 20], age: [3, 10, 20, 25, 25, 17] },
  lapsed: { channel: [25, 50, 25], age: [5, 10, 15, 25, 25, 20] },
  new: { channel: [75, 20, 5], age: [25, 35, 20, 10, 6, 4] },
};

/** Planted dirt, in counts (the same at every scale, so the tests can name them). */
export const SHOP_DIRT = {
  orphan_items: 3,
  unknown_products: 2,
  free_gifts: 1,
  customers_without_orders: 5,
  customers_not_in_table: 4,
} as const;

export interface ShopFiles {
  files: Record<string, Buffer>;
  /** the counts the pipeline must find */
  expected: { orders: number; items: number; customers_in_table: number; customers_with_orders: number };
}

/**
 * The store of a customer's next store order, without a random draw (the other columns' draws stay as they were):
 * a home store by customer id, every third store order in the next store along and every fifth in the one after.
 */
function storeOf(customer: number, counts: Map<number, number>): string {
  const n = counts.get(customer) ?? 0;
  counts.set(customer, n + 1);
  const store = ((customer + (n % 5 === 4 ? 2 : n % 3 === 2 ? 1 : 0)) % STORES) + 1;
  return `ST${String(store).padStart(2, "0")}`;
}

/** The shop database for a seed and scale: file name -> bytes. Pure. */
export function generateShop(options: { seed?: number; scale?: number } = {}): ShopFiles {
  const seed = options.seed ?? DEFAULT_SEED;
  const data = generateDemo({ seed, scale: options.scale ?? 0.05 });
  const rng = new Rng(seed).fork("shop");
  const personaOf = new Map(data.customers.map((c) => [c.id, c.persona]));
  const sales = data.invoices.filter((inv) => inv.kind === "sale" && inv.customer_id !== null);
  const channelOf = new Map<number, number[]>();
  const firstDay = new Map<number, number>();
  for (const c of data.customers) channelOf.set(c.id, BIAS[c.persona].channel);
  const orders: string[] = ["sale_id,customer_id,sale_date,order_amount,country,channel,store_id"];
  const storeOrders = new Map<number, number>();
  const items: string[] = ["sale_id,product_id,quantity,line_total"];
  const dropped = new Set(data.products.slice(0, SHOP_DIRT.unknown_products).map((p) => p.stock_code));
  let giftLeft: number = SHOP_DIRT.free_gifts;
  for (const [i, sale] of sales.entries()) {
    const id = `S${String(i + 1).padStart(6, "0")}`;
    const customer = sale.customer_id as number;
    if (!firstDay.has(customer)) firstDay.set(customer, sale.day);
    let total = 0;
    for (const line of sale.lines) {
      const pence = line.quantity * line.price;
      total += pence;
      items.push(`${id},${csvField(line.stock_code)},${line.quantity},${formatPrice(pence)}`);
    }
    if (giftLeft > 0 && i % 50 === 49) {
      items.push(`${id},${csvField(data.products[data.products.length - 1].stock_code)},1,0`);
      giftLeft--;
    }
    const channel = CHANNELS[rng.weighted(channelOf.get(customer) as number[])];
    orders.push(
      `${id},${customer},${formatTimestamp(sale.day, sale.minute)},${formatPrice(total)},${csvField(sale.country)},${channel},${channel === "store" ? storeOf(customer, storeOrders) : ""}`,
    );
  }
  for (let k = 0; k < SHOP_DIRT.orphan_items; k++)
    items.push(`S9${String(k + 1).padStart(6, "0")},${csvField(data.products[k + 5].stock_code)},2,5.9`);
  const products = ["product_id,product_name,department"].concat(
    data.products
      .filter((p) => !dropped.has(p.stock_code))
      .map((p) => `${csvField(p.stock_code)},${csvField(p.description)},${csvField(p.category)}`),
  );
  const withOrders = [...firstDay.keys()].sort((a, b) => a - b);
  const left = new Set(withOrders.slice(0, SHOP_DIRT.customers_not_in_table));
  const customers = ["customer_id,age_range,signup_date,household"];
  for (const id of withOrders) {
    const persona = personaOf.get(id) as PersonaName;
    const age = AGE_RANGES[rng.weighted(BIAS[persona].age)];
    const household = HOUSEHOLDS[rng.weighted(persona === "new" ? [50, 30, 20] : [25, 35, 40])];
    const signup = (firstDay.get(id) as number) - Math.min(rng.geometric(persona === "new" ? 0.2 : 0.02), 700);
    if (!left.has(id)) customers.push(`${id},${age},${formatDay(signup)},${household}`);
  }
  for (let k = 0; k < SHOP_DIRT.customers_without_orders; k++)
    customers.push(`${90001 + k},25-34,${formatDay(10 * k)},single`);
  const text = (lines: string[]) => Buffer.from(lines.join("\n") + "\n", "utf8");
  const config = {
    tables: {
      orders: {
        data: "orders.csv.gz",
        columns: {
          invoice: "sale_id",
          customer_id: "customer_id",
          invoice_date: "sale_date",
          amount: "order_amount",
          country: "country",
          channel: "channel",
          store: "store_id",
        },
      },
      lines: {
        data: "order_items.csv.gz",
        columns: { invoice: "sale_id", stock_code: "product_id", quantity: "quantity", amount: "line_total" },
      },
      products: {
        data: "products.csv.gz",
        columns: { stock_code: "product_id", description: "product_name", category: "department" },
      },
      customers: {
        data: "customers.csv.gz",
        columns: { customer_id: "customer_id", age_range: "age_range", signup_date: "signup_date" },
        demographics: ["household"],
      },
    },
  };
  return {
    files: {
      "orders.csv.gz": gzip(text(orders)),
      "order_items.csv.gz": gzip(text(items)),
      "products.csv.gz": gzip(text(products)),
      "customers.csv.gz": gzip(text(customers)),
      [SHOP_CONFIG_FILE]: Buffer.from(JSON.stringify(config, null, 2) + "\n", "utf8"),
    },
    expected: {
      orders: sales.length,
      items: items.length - 1,
      customers_in_table: customers.length - 1,
      customers_with_orders: withOrders.length,
    },
  };
}

/** Writes the shop files into `dir` (each under a temporary name, then renamed); returns the config file's path. */
export function writeShopFiles(dir: string, shop: ShopFiles): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(shop.files)) {
    const target = join(dir, name);
    const temporary = `${target}.tmp-${process.pid}`;
    writeFileSync(temporary, bytes);
    renameSync(temporary, target);
  }
  return join(dir, SHOP_CONFIG_FILE);
}
