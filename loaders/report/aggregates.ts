/**
 * Line-level aggregates by segment, in DuckDB SQL over the ingest's views `lines` (kept lines) and `returns`
 * (cancellation lines with a customer), pre-aggregated once per customer by `prepareReportTables` and joined
 * with the customer -> segment table. Every function computes its aggregate for every grouping at once: each
 * customer is a member of one cluster per k (grouping k, label = cluster) and of everyone (grouping and label
 * ALL = -1), listed in `report_memberships`. Only aggregates leave here.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { categoryOf, loadCategoryTable, type CategorySource } from "./categories.ts";
import { queryRows } from "../db/sql.ts";
import { kColumn, registerAssignments, type CustomerAssignment } from "./assignments.ts";
import { descriptionWords } from "./words.ts";

/** The grouping (and label) of every customer together. */
export const ALL = -1;

/** grouping (a k, or ALL) -> label (cluster, or ALL) -> value */
export type Grouped<T> = Map<number, Map<number, T>>;

function put<T>(out: Grouped<T>, grouping: number, label: number, value: T): void {
  if (!out.has(grouping)) out.set(grouping, new Map());
  out.get(grouping)!.set(label, value);
}

function push<T>(out: Grouped<T[]>, grouping: number, label: number, value: T): void {
  if (!out.has(grouping)) out.set(grouping, new Map());
  const inner = out.get(grouping)!;
  if (!inner.has(label)) inner.set(label, []);
  inner.get(label)!.push(value);
}

/** SQL: every customer's memberships, one row per grouping, joined to the aggregated tables. */
const MEMBERS = "JOIN report_memberships USING (customer_id)";

/** Box-plot summary from SQL: 5th and 95th percentiles as whiskers. */
export interface Spread {
  n: number;
  p05: number;
  q1: number;
  median: number;
  q3: number;
  p95: number;
  mean: number;
}

/** SQL: count, the five quantiles (one list, one sort) and the mean of `x`, as columns n, q, mean. */
const spreadSql = (x: string) =>
  `count(${x})::DOUBLE AS n, quantile_cont(${x}, [0.05, 0.25, 0.5, 0.75, 0.95]) AS q, avg(${x}) AS mean`;

function spread(row: Record<string, unknown>): Spread {
  const num = (v: unknown) => (typeof v === "number" ? v : 0);
  const q = Array.isArray(row.q) ? (row.q as unknown[]) : [];
  return {
    n: num(row.n),
    p05: num(q[0]),
    q1: num(q[1]),
    median: num(q[2]),
    q3: num(q[3]),
    p95: num(q[4]),
    mean: num(row.mean),
  };
}

/**
 * Registers the customer -> segment table `report_customers` and builds the report's working tables, each
 * aggregated once so that the per-k queries only join 'report_customers' (one row per customer):
 * `report_categories` (stock code -> main description, category), `report_orders` (one row per invoice:
 * customer, time, units, value), `report_gaps` (days between a customer's consecutive orders),
 * `report_customer_products` (customer x product: lines, units, revenue), `report_returns` (returned units
 * per customer), `report_memberships` (customer, grouping, label), `report_group_products` (grouping x label x
 * product: revenue, units, customers, lines) and `report_product_words` (product x description word).
 * Returns where the categories came from.
 */
export async function prepareReportTables(
  conn: DuckDBConnection,
  ks: readonly number[],
  assignments: readonly CustomerAssignment[],
  dataFile: string,
  options: { categoryColumn?: boolean } = {},
): Promise<{ category_source: CategorySource }> {
  await registerAssignments(conn, ks, assignments);
  await conn.run(
    `CREATE OR REPLACE TABLE report_memberships AS ` +
      [`SELECT customer_id, ${ALL} AS grouping, ${ALL} AS label FROM report_customers`]
        .concat(
          ks.map(
            (k) => `SELECT customer_id, ${Math.trunc(k)} AS grouping, ${kColumn(k)} AS label FROM report_customers`,
          ),
        )
        .join(" UNION ALL "),
  );
  // product categories: the input's category column (a products table), else products.csv beside the data, else
  // description keywords
  const column = options.categoryColumn === true;
  const table = column ? null : loadCategoryTable(dataFile);
  const products = await queryRows<{ stock_code: string; description: string; category: string | null }>(
    conn,
    `SELECT stock_code, coalesce(mode(trim(description)), '') AS description, ${column ? "coalesce(mode(category), 'Unknown')" : "NULL"} AS category
     FROM lines GROUP BY stock_code`,
  );
  await conn.run(
    `CREATE OR REPLACE TABLE report_categories (stock_code VARCHAR PRIMARY KEY, description VARCHAR, category VARCHAR)`,
  );
  const appender = await conn.createAppender("report_categories");
  try {
    for (const p of products) {
      const code = String(p.stock_code ?? "");
      const description = String(p.description ?? "");
      appender.appendVarchar(code);
      appender.appendVarchar(description);
      appender.appendVarchar(
        column ? String(p.category) : (table?.get(code.trim().toUpperCase()) ?? categoryOf(description)),
      );
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  await conn.run(`CREATE OR REPLACE TABLE report_product_words (stock_code VARCHAR, word VARCHAR)`);
  const words = await conn.createAppender("report_product_words");
  try {
    for (const p of products)
      for (const word of descriptionWords(String(p.description ?? ""))) {
        words.appendVarchar(String(p.stock_code ?? ""));
        words.appendVarchar(word);
        words.endRow();
      }
    words.flushSync();
  } finally {
    words.closeSync();
  }
  await conn.run(`
    CREATE OR REPLACE TABLE report_orders AS
    SELECT invoice, customer_id, min(invoice_date) AS t, fsum(quantity) AS units, fsum(revenue) AS value,
      coalesce(min(channel), 'Unknown') AS channel, min(store) AS store
    FROM lines WHERE customer_id IS NOT NULL GROUP BY invoice, customer_id`);
  await conn.run(`
    CREATE OR REPLACE TABLE report_gaps AS
    SELECT customer_id, days, same_day FROM (
      SELECT customer_id, (epoch(t) - epoch(lag(t) OVER w)) / 86400.0 AS days, t::DATE = (lag(t) OVER w)::DATE AS same_day
      FROM report_orders WINDOW w AS (PARTITION BY customer_id ORDER BY t, invoice)) WHERE days IS NOT NULL`);
  await conn.run(`
    CREATE OR REPLACE TABLE report_customer_products AS
    SELECT customer_id, stock_code, count(*)::DOUBLE AS lines, fsum(quantity) AS units, fsum(revenue) AS revenue
    FROM lines WHERE customer_id IS NOT NULL GROUP BY customer_id, stock_code`);
  await conn.run(`
    CREATE OR REPLACE TABLE report_group_products AS
    SELECT grouping, label, stock_code, fsum(revenue) AS revenue, fsum(units) AS units, count(*)::DOUBLE AS customers, fsum(lines) AS lines
    FROM report_customer_products JOIN report_memberships USING (customer_id) GROUP BY 1, 2, 3`);
  await conn.run(`
    CREATE OR REPLACE TABLE report_returns AS SELECT customer_id, units, netted FROM customer_returns`);
  return { category_source: column ? "category column" : table ? "products.csv" : "description keywords" };
}

/** Per label and channel: orders and revenue (an order's channel is the first, alphabetically, of its lines'). */
export async function channelMix(
  conn: DuckDBConnection,
): Promise<Grouped<{ channel: string; orders: number; revenue: number }[]>> {
  const rows = await queryRows<Row & { channel: string; orders: number; revenue: number }>(
    conn,
    `SELECT grouping, label, channel, count(*)::DOUBLE AS orders, fsum(value) AS revenue
     FROM report_orders ${MEMBERS} GROUP BY 1, 2, 3 ORDER BY 1, 2, orders DESC, channel`,
  );
  const out: Grouped<{ channel: string; orders: number; revenue: number }[]> = new Map();
  for (const r of rows) push(out, r.grouping, r.label, { channel: r.channel, orders: r.orders, revenue: r.revenue });
  return out;
}

/** Customers by how many different stores they ordered in, and those who never ordered in a store. */
export interface StoreCounts {
  /** customers with at least one order in a store */
  in_store: number;
  /** customers all of whose orders have no store (web, phone ...) */
  no_store: number;
  /** customers who ordered in exactly 1, 2, and 3 or more stores */
  one: number;
  two: number;
  three_plus: number;
  /** mean and median number of stores over the customers with a store order */
  mean: number;
  median: number;
}

/** Per label: stores per customer (an order's store is the first, alphabetically, of its lines'). */
export async function storesPerCustomer(conn: DuckDBConnection): Promise<Grouped<StoreCounts>> {
  const rows = await queryRows<Row & StoreCounts>(
    conn,
    `WITH per AS (SELECT customer_id, count(DISTINCT store)::DOUBLE AS stores FROM report_orders GROUP BY customer_id)
     SELECT grouping, label,
       count(*) FILTER (WHERE stores > 0)::DOUBLE AS in_store, count(*) FILTER (WHERE stores = 0)::DOUBLE AS no_store,
       count(*) FILTER (WHERE stores = 1)::DOUBLE AS one, count(*) FILTER (WHERE stores = 2)::DOUBLE AS two,
       count(*) FILTER (WHERE stores >= 3)::DOUBLE AS three_plus,
       coalesce(avg(stores) FILTER (WHERE stores > 0), 0) AS mean,
       coalesce(quantile_cont(stores, 0.5) FILTER (WHERE stores > 0), 0) AS median
     FROM per ${MEMBERS} GROUP BY 1, 2`,
  );
  const out: Grouped<StoreCounts> = new Map();
  for (const { grouping, label, ...counts } of rows) put(out, grouping, label, counts);
  return out;
}

/** A demographic attribute's value and its customers. */
export interface AttributeCount {
  value: string;
  customers: number;
}

/**
 * Per label: customers by the value of each attribute of the customer table `customer_info` ("Unknown" for a
 * customer not in it or with the value empty), values in natural order ("18-24" before "25-34", "Unknown" last).
 */
export async function demographicMix(
  conn: DuckDBConnection,
  attributes: readonly string[],
): Promise<Grouped<Record<string, AttributeCount[]>>> {
  const out: Grouped<Record<string, AttributeCount[]>> = new Map();
  for (const attribute of attributes) {
    const column = JSON.stringify(attribute);
    const rows = await queryRows<Row & AttributeCount>(
      conn,
      `SELECT m.grouping, m.label, coalesce(i.${column}::VARCHAR, 'Unknown') AS value, count(*)::DOUBLE AS customers
       FROM report_customers c JOIN report_memberships m USING (customer_id) LEFT JOIN customer_info i USING (customer_id)
       GROUP BY 1, 2, 3 ORDER BY 1, 2, value = 'Unknown', try_cast(regexp_extract(value, '^[0-9]+') AS INTEGER) NULLS LAST, value`,
    );
    for (const r of rows) {
      let inner = out.get(r.grouping)?.get(r.label);
      if (!inner) put(out, r.grouping, r.label, (inner = {}));
      (inner[attribute] ??= []).push({ value: r.value, customers: r.customers });
    }
  }
  return out;
}

/**
 * Per label: the spread of whole days from a customer's signup date (customer table) to their first kept order,
 * over the customers with a signup date on or before it; `before` counts those whose first order precedes the signup
 * date (left out of the spread: the signup date was recorded later).
 */
export async function signupLag(conn: DuckDBConnection): Promise<Grouped<Spread & { before: number }>> {
  const rows = await queryRows<Row>(
    conn,
    `WITH lag AS (
       SELECT customer_id, date_diff('day', i.signup_date, min(o.t)::DATE)::DOUBLE AS days
       FROM report_orders o JOIN customer_info i USING (customer_id) WHERE i.signup_date IS NOT NULL GROUP BY customer_id, i.signup_date)
     SELECT grouping, label, ${spreadSql("CASE WHEN days >= 0 THEN days END")}, count(*) FILTER (WHERE days < 0)::DOUBLE AS before
     FROM lag ${MEMBERS} GROUP BY 1, 2`,
  );
  const out: Grouped<Spread & { before: number }> = new Map();
  for (const row of rows) put(out, row.grouping, row.label, { ...spread(row), before: row.before as number });
  return out;
}

/** Per label: orders, units, revenue, returned units, and the spread of units and value per order. */
export interface OrderStats {
  orders: number;
  /** units of the analysed lines (net of returns under the net basis) */
  units: number;
  revenue: number;
  /** units returned (matched to purchases) */
  returned_units: number;
  /** units bought, before netting: the base of the return rate */
  bought_units: number;
  /** the customer who returned the most units (ties: the smaller id): returned and bought units, to tell a segment's habit from one customer's return */
  top_returner: { returned_units: number; bought_units: number };
  order_units: Spread;
  order_value: Spread;
}

type Row = Record<string, unknown> & { grouping: number; label: number };

export async function orderStats(conn: DuckDBConnection): Promise<Grouped<OrderStats>> {
  const rows = await queryRows<Row>(
    conn,
    `SELECT grouping, label, count(*)::DOUBLE AS orders, fsum(units) AS units, fsum(value) AS revenue,
            ${spreadSql("units").replace(/AS (\w+)/g, "AS u_$1")}, ${spreadSql("value").replace(/AS (\w+)/g, "AS v_$1")}
     FROM report_orders ${MEMBERS} GROUP BY 1, 2`,
  );
  const returned = await queryRows<Row & { units: number; netted: number }>(
    conn,
    `SELECT grouping, label, fsum(units) AS units, fsum(netted) AS netted FROM report_returns ${MEMBERS} GROUP BY 1, 2`,
  );
  const back = new Map(returned.map((r) => [`${r.grouping}/${r.label}`, r]));
  const tops = await queryRows<Row & { returned: number; bought: number }>(
    conn,
    `WITH per AS (
       SELECT r.customer_id, r.units AS returned, coalesce(o.units, 0) + r.netted AS bought
       FROM report_returns r LEFT JOIN (SELECT customer_id, fsum(units) AS units FROM report_orders GROUP BY 1) o USING (customer_id)
       WHERE r.units > 0)
     SELECT grouping, label, first(returned ORDER BY returned DESC, customer_id) AS returned,
            first(bought ORDER BY returned DESC, customer_id) AS bought
     FROM per ${MEMBERS} GROUP BY 1, 2`,
  );
  const top = new Map(tops.map((r) => [`${r.grouping}/${r.label}`, r]));
  const pick = (row: Record<string, unknown>, prefix: string) =>
    spread(
      Object.fromEntries(
        Object.entries(row)
          .filter(([k]) => k.startsWith(prefix))
          .map(([k, v]) => [k.slice(prefix.length), v]),
      ),
    );
  const out: Grouped<OrderStats> = new Map();
  for (const row of rows)
    put(out, row.grouping, row.label, {
      orders: row.orders as number,
      units: row.units as number,
      revenue: row.revenue as number,
      returned_units: back.get(`${row.grouping}/${row.label}`)?.units ?? 0,
      bought_units: (row.units as number) + (back.get(`${row.grouping}/${row.label}`)?.netted ?? 0),
      top_returner: {
        returned_units: top.get(`${row.grouping}/${row.label}`)?.returned ?? 0,
        bought_units: top.get(`${row.grouping}/${row.label}`)?.bought ?? 0,
      },
      order_units: pick(row, "u_"),
      order_value: pick(row, "v_"),
    });
  return out;
}

/** Gaps between orders of a label: their spread, the customers they come from, and how many are same-day repeats. */
export type Intervals = Spread & { customers: number; same_day: number };

/**
 * Per label: the spread of days between a customer's consecutive orders, pooled over the customers with 2+ orders
 * (each gap counts once, so frequent buyers supply most of them), with the number of gaps between two orders on
 * the same calendar day.
 */
export async function purchaseIntervals(conn: DuckDBConnection): Promise<Grouped<Intervals>> {
  const rows = await queryRows<Row>(
    conn,
    `SELECT grouping, label, count(DISTINCT customer_id)::DOUBLE AS customers, count(*) FILTER (WHERE same_day)::DOUBLE AS same_day,
       ${spreadSql("days")}
     FROM report_gaps ${MEMBERS} GROUP BY 1, 2`,
  );
  const out: Grouped<Intervals> = new Map();
  for (const row of rows)
    put(out, row.grouping, row.label, {
      ...spread(row),
      customers: row.customers as number,
      same_day: row.same_day as number,
    });
  return out;
}

export interface MonthRevenue {
  month: string;
  revenue: number;
  orders: number;
}

/** Per label: revenue and orders by calendar month ("YYYY-MM"), in month order. */
export async function monthlyRevenue(conn: DuckDBConnection): Promise<Grouped<MonthRevenue[]>> {
  const rows = await queryRows<Row & MonthRevenue>(
    conn,
    `SELECT grouping, label, strftime(t, '%Y-%m') AS month, fsum(value) AS revenue, count(*)::DOUBLE AS orders
     FROM report_orders ${MEMBERS} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
  const out: Grouped<MonthRevenue[]> = new Map();
  for (const r of rows) push(out, r.grouping, r.label, { month: r.month, revenue: r.revenue, orders: r.orders });
  return out;
}

export interface WeekHour {
  /** ISO weekday, 1 = Monday */
  dow: number;
  hour: number;
  orders: number;
  revenue: number;
}

/** Per label: orders and revenue by ISO weekday and hour of the order's first line. */
export async function weeklyPattern(conn: DuckDBConnection): Promise<Grouped<WeekHour[]>> {
  const rows = await queryRows<Row & WeekHour>(
    conn,
    `SELECT grouping, label, isodow(t)::INTEGER AS dow, hour(t)::INTEGER AS hour, count(*)::DOUBLE AS orders, fsum(value) AS revenue
     FROM report_orders ${MEMBERS} GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
  );
  const out: Grouped<WeekHour[]> = new Map();
  for (const r of rows)
    push(out, r.grouping, r.label, { dow: r.dow, hour: r.hour, orders: r.orders, revenue: r.revenue });
  return out;
}

/** Per label and country (the customer's main country): customers, and revenue of their kept lines. */
export async function countryMix(
  conn: DuckDBConnection,
): Promise<Grouped<Map<string, { customers: number; revenue: number }>>> {
  const rows = await queryRows<Row & { country: string; customers: number; revenue: number }>(
    conn,
    `SELECT m.grouping, m.label, c.country, count(*)::DOUBLE AS customers, fsum(coalesce(r.revenue, 0)) AS revenue
     FROM report_customers c JOIN report_memberships m USING (customer_id)
     LEFT JOIN (SELECT customer_id, fsum(value) AS revenue FROM report_orders GROUP BY customer_id) r USING (customer_id)
     GROUP BY 1, 2, 3`,
  );
  const out: Grouped<Map<string, { customers: number; revenue: number }>> = new Map();
  for (const r of rows) {
    let inner = out.get(r.grouping)?.get(r.label);
    if (!inner) put(out, r.grouping, r.label, (inner = new Map()));
    inner.set(String(r.country ?? ""), { customers: r.customers, revenue: r.revenue });
  }
  return out;
}

export interface TopProduct {
  description: string;
  category: string;
  revenue: number;
  units: number;
  customers: number;
  /** share of the label's revenue */
  share: number;
}

/** Per label: the `limit` products with the most revenue (no stock codes: descriptions identify them). */
export async function topProducts(conn: DuckDBConnection, limit = 10): Promise<Grouped<TopProduct[]>> {
  const rows = await queryRows<Row & TopProduct>(
    conn,
    `WITH ranked AS (
       SELECT *, revenue / nullif(sum(revenue) OVER (PARTITION BY grouping, label), 0) AS share,
              row_number() OVER (PARTITION BY grouping, label ORDER BY revenue DESC, stock_code) AS rank
       FROM report_group_products)
     SELECT grouping, label, coalesce(c.description, '') AS description, coalesce(c.category, 'Other') AS category,
            revenue, units, customers, share
     FROM ranked LEFT JOIN report_categories c USING (stock_code) WHERE rank <= ${Math.trunc(limit)}
     ORDER BY grouping, label, rank`,
  );
  const out: Grouped<TopProduct[]> = new Map();
  for (const { grouping, label, ...p } of rows)
    push(out, grouping, label, {
      description: p.description || "(no description)",
      category: p.category,
      revenue: p.revenue,
      units: p.units,
      customers: p.customers,
      share: p.share ?? 0,
    });
  return out;
}

export interface CategoryRevenue {
  category: string;
  revenue: number;
  share: number;
}

/** Per label: revenue by product category, largest first, with shares. */
export async function categoryRevenue(conn: DuckDBConnection): Promise<Grouped<CategoryRevenue[]>> {
  const rows = await queryRows<Row & CategoryRevenue>(
    conn,
    `SELECT grouping, label, category, revenue, revenue / nullif(sum(revenue) OVER (PARTITION BY grouping, label), 0) AS share FROM (
       SELECT grouping, label, coalesce(p.category, 'Other') AS category, fsum(g.revenue) AS revenue
       FROM report_group_products g LEFT JOIN report_categories p USING (stock_code)
       GROUP BY 1, 2, 3)
     ORDER BY grouping, label, revenue DESC, category`,
  );
  const out: Grouped<CategoryRevenue[]> = new Map();
  for (const r of rows)
    push(out, r.grouping, r.label, { category: r.category, revenue: r.revenue, share: r.share ?? 0 });
  return out;
}

/**
 * Per label: the `limit` most frequent description words (see words.ts), each product's order lines counted
 * under the words of its main (most common) description; most frequent first, ties alphabetical. The weight
 * is the share of the label's order lines whose product has the word (rounded to 5 decimals).
 */
export async function wordFrequencies(conn: DuckDBConnection, limit = 60): Promise<Grouped<[string, number][]>> {
  const rows = await queryRows<Row & { word: string; share: number }>(
    conn,
    `WITH totals AS (SELECT grouping, label, fsum(lines) AS total FROM report_group_products GROUP BY 1, 2),
     counts AS (
       SELECT grouping, label, word, fsum(lines) AS lines
       FROM report_group_products JOIN report_product_words USING (stock_code)
       GROUP BY 1, 2, 3
       QUALIFY row_number() OVER (PARTITION BY grouping, label ORDER BY fsum(lines) DESC, word) <= ${Math.trunc(limit)})
     SELECT grouping, label, word, round(lines / total, 5) AS share
     FROM counts JOIN totals USING (grouping, label)
     ORDER BY grouping, label, lines DESC, word`,
  );
  const out: Grouped<[string, number][]> = new Map();
  for (const r of rows) push(out, r.grouping, r.label, [r.word, r.share] as [string, number]);
  return out;
}
