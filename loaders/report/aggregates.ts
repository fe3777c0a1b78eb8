/**
 * Line-level aggregates by segment, in SQL (one definition for DuckDB and PostgreSQL: db/dialect.ts) over the ingest's views `lines` (kept lines) and `returns`
 * (cancellation lines with a customer), pre-aggregated once per customer by `prepareReportTables` and joined
 * with the customer -> segment table. Every function computes its aggregate for every grouping at once: each
 * customer is a member of one cluster per k (grouping k, label = cluster) and of everyone (grouping and label
 * ALL = -1), listed in `report_memberships`. Only aggregates leave here. Sums are ordered and means are such a sum
 * over the count, so both engines give the same bits.
 */
import type { SqlDatabase } from "../db/database.ts";
import type { SqlDialect } from "../db/dialect.ts";
import { categoryOf, loadCategoryTable, type CategorySource } from "./categories.ts";
import { kColumn, registerAssignments, type CustomerAssignment } from "./assignments.ts";
import { descriptionWords } from "./words.ts";
import type { CustomerLines } from "./order-intervals.ts";

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

/** SQL: the count and the mean of `x`, as columns n and mean (the quantiles come from `quantiles`). */
const spreadSql = (d: SqlDialect, x: string) => `count(${x})::${d.double} AS n, ${d.mean(x)} AS mean`;

/** The quantiles of a Spread. */
const QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

/**
 * Per grouping and label ("grouping/label"): the QUANTILES of the non-null `x` over `from` (which has the columns
 * grouping and label), linearly interpolated between the order statistics around (n - 1) q, as pandas does. The
 * database ranks the values and returns only the few around each position; the interpolation is done here, so it
 * is one formula for both engines (theirs differ in the last bits).
 */
async function quantiles(db: SqlDatabase, x: string, from: string, withSql = ""): Promise<Map<string, number[]>> {
  const near = QUANTILES.map((q) => `abs(i - (n - 1) * ${q}) < 2`).join(" OR ");
  const rows = await db.query<{ grouping: number; label: number; i: number; n: number; v: number }>(
    `${withSql ? `WITH ${withSql}, ` : "WITH "}ranked AS (
       SELECT grouping, label, v, row_number() OVER (PARTITION BY grouping, label ORDER BY v) - 1 AS i,
              count(*) OVER (PARTITION BY grouping, label) AS n
       FROM (SELECT grouping, label, ${x} AS v FROM ${from}) vs WHERE v IS NOT NULL)
     SELECT grouping, label, i::BIGINT AS i, n::BIGINT AS n, v FROM ranked WHERE ${near}`,
  );
  const at = new Map<string, { n: number; values: Map<number, number> }>();
  for (const r of rows) {
    const key = `${r.grouping}/${r.label}`;
    let entry = at.get(key);
    if (!entry) at.set(key, (entry = { n: Number(r.n), values: new Map() }));
    entry.values.set(Number(r.i), r.v);
  }
  const out = new Map<string, number[]>();
  for (const [key, { n, values }] of at)
    out.set(
      key,
      QUANTILES.map((q) => {
        const h = (n - 1) * q;
        const lo = values.get(Math.floor(h)) as number;
        const hi = values.get(Math.ceil(h)) as number;
        return lo + (hi - lo) * (h - Math.floor(h));
      }),
    );
  return out;
}

function spread(row: Record<string, unknown>, q: readonly number[] = []): Spread {
  const num = (v: unknown) => (typeof v === "number" ? v : 0);
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
 * The sum of a column of whole numbers whose absolute values add up to less than 2^53 (counts of lines; units,
 * when every quantity is whole): every partial sum is then exact, so the plain sum has the bits of the ordered sum
 * (the dialect's `sum`) whatever the order of the rows, at a fraction of its cost.
 */
const wholeSum = (x: string) => `sum(${x})`;

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
  db: SqlDatabase,
  ks: readonly number[],
  assignments: readonly CustomerAssignment[],
  dataFile: string | null,
  options: { categoryColumn?: boolean } = {},
): Promise<{ category_source: CategorySource }> {
  const d = db.dialect;
  const sum = d.sum;
  // whole quantities (the usual case) add up exactly in any order: the sums of units need no ordering
  const [{ whole }] = await db.query<{ whole: boolean | null }>(
    `SELECT bool_and(quantity = trunc(quantity)) AND sum(abs(quantity)) < 9007199254740992 AS whole FROM lines`,
  );
  const units = whole ? wholeSum : sum;
  await registerAssignments(db, ks, assignments);
  await db.run(
    d.createTable(
      "report_memberships",
      [`SELECT customer_id, ${ALL} AS grouping, ${ALL} AS label FROM report_customers`]
        .concat(
          ks.map(
            (k) => `SELECT customer_id, ${Math.trunc(k)} AS grouping, ${kColumn(k)} AS label FROM report_customers`,
          ),
        )
        .join(" UNION ALL "),
    ),
  );
  // product categories: the input's category column (a products table), else products.csv beside the data, else
  // description keywords
  const column = options.categoryColumn === true;
  const table = column || dataFile === null ? null : loadCategoryTable(dataFile);
  // a product's description and category: its most common (ties: the first by code point)
  const most = (x: string) =>
    `(SELECT stock_code, ${d.firstBy("value", `n DESC, ${d.binary("value")}`)} AS value FROM (
       SELECT stock_code, ${x} AS value, count(*) AS n FROM lines WHERE ${x} IS NOT NULL GROUP BY 1, 2) counted GROUP BY 1)`;
  const products = await db.query<{ stock_code: string; description: string; category: string | null }>(
    `SELECT s.stock_code, coalesce(dsc.value, '') AS description, ${column ? "coalesce(cat.value, 'Unknown')" : "NULL"} AS category
     FROM (SELECT DISTINCT stock_code FROM lines) s
     LEFT JOIN ${most("trim(description)")} dsc ON dsc.stock_code IS NOT DISTINCT FROM s.stock_code
     ${column ? `LEFT JOIN ${most("category")} cat ON cat.stock_code IS NOT DISTINCT FROM s.stock_code` : ""}
     ORDER BY ${d.binary("s.stock_code")}`,
  );
  await db.load(
    "report_categories",
    [
      { name: "stock_code", type: "text" },
      { name: "description", type: "text" },
      { name: "category", type: "text" },
    ],
    products.map((p) => {
      const code = String(p.stock_code ?? "");
      const description = String(p.description ?? "");
      const category = column ? String(p.category) : (table?.get(code.trim().toUpperCase()) ?? categoryOf(description));
      return [code, description, category];
    }),
  );
  await db.load(
    "report_product_words",
    [
      { name: "stock_code", type: "text" },
      { name: "word", type: "text" },
    ],
    products.flatMap((p) =>
      descriptionWords(String(p.description ?? "")).map((word) => [String(p.stock_code ?? ""), word]),
    ),
  );
  await db.run(
    d.createTable(
      "report_orders",
      `SELECT invoice, customer_id, min(invoice_date) AS t, ${units("quantity")} AS units, ${sum("revenue")} AS value,
      coalesce(min(${d.binary("channel")}), 'Unknown') AS channel, min(${d.binary("store")}) AS store
    FROM lines WHERE customer_id IS NOT NULL GROUP BY invoice, customer_id`,
    ),
  );
  await db.run(
    d.createTable(
      "report_gaps",
      `SELECT customer_id, days, same_day FROM (
      SELECT customer_id, (${d.epoch("t")} - ${d.epoch("lag(t) OVER w")}) / 86400.0 AS days, t::DATE = (lag(t) OVER w)::DATE AS same_day
      FROM report_orders WINDOW w AS (PARTITION BY customer_id ORDER BY t, ${d.binary("invoice")})) gaps WHERE days IS NOT NULL`,
    ),
  );
  await db.run(
    d.createTable(
      "report_customer_products",
      `SELECT customer_id, stock_code, count(*)::${d.double} AS lines, ${units("quantity")} AS units, ${sum("revenue")} AS revenue
    FROM lines WHERE customer_id IS NOT NULL GROUP BY customer_id, stock_code`,
    ),
  );
  await db.run(
    d.createTable(
      "report_group_products",
      `SELECT grouping, label, stock_code, ${sum("revenue")} AS revenue, ${units("units")} AS units, count(*)::${d.double} AS customers, ${wholeSum("lines")} AS lines
    FROM report_customer_products JOIN report_memberships USING (customer_id) GROUP BY 1, 2, 3`,
    ),
  );
  await db.run(d.createTable("report_returns", `SELECT customer_id, units, netted FROM customer_returns`));
  return { category_source: column ? "category column" : table ? "products.csv" : "description keywords" };
}

/** Per label and channel: orders and revenue (an order's channel is the first, alphabetically, of its lines'). */
export async function channelMix(
  db: SqlDatabase,
): Promise<Grouped<{ channel: string; orders: number; revenue: number }[]>> {
  const d = db.dialect;
  const rows = await db.query<
    Row & { channel: string; orders: number; revenue: number }
  >(`SELECT grouping, label, channel, count(*)::${d.double} AS orders, ${d.sum("value")} AS revenue
     FROM report_orders ${MEMBERS} GROUP BY 1, 2, 3 ORDER BY 1, 2, orders DESC, ${d.binary("channel")}`);
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
export async function storesPerCustomer(db: SqlDatabase): Promise<Grouped<StoreCounts>> {
  const d = db.dialect;
  const per = `per AS (SELECT customer_id, count(DISTINCT store)::${d.double} AS stores FROM report_orders GROUP BY customer_id)`;
  const rows = await db.query<Row & Omit<StoreCounts, "median">>(
    `WITH ${per}
     SELECT grouping, label,
       count(*) FILTER (WHERE stores > 0)::${d.double} AS in_store, count(*) FILTER (WHERE stores = 0)::${d.double} AS no_store,
       count(*) FILTER (WHERE stores = 1)::${d.double} AS one, count(*) FILTER (WHERE stores = 2)::${d.double} AS two,
       count(*) FILTER (WHERE stores >= 3)::${d.double} AS three_plus,
       coalesce(${d.mean("CASE WHEN stores > 0 THEN stores END")}, 0) AS mean
     FROM per ${MEMBERS} GROUP BY 1, 2`,
  );
  const q = await quantiles(db, "CASE WHEN stores > 0 THEN stores END", `per ${MEMBERS}`, per);
  const out: Grouped<StoreCounts> = new Map();
  for (const { grouping, label, ...counts } of rows)
    put(out, grouping, label, { ...counts, median: q.get(`${grouping}/${label}`)?.[2] ?? 0 });
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
  db: SqlDatabase,
  attributes: readonly string[],
): Promise<Grouped<Record<string, AttributeCount[]>>> {
  const d = db.dialect;
  const out: Grouped<Record<string, AttributeCount[]>> = new Map();
  for (const attribute of attributes) {
    const column = JSON.stringify(attribute);
    const rows = await db.query<
      Row & AttributeCount
    >(`SELECT m.grouping, m.label, coalesce(i.${column}::VARCHAR, 'Unknown') AS value, count(*)::${d.double} AS customers
       FROM report_customers c JOIN report_memberships m USING (customer_id) LEFT JOIN customer_info i USING (customer_id)
       GROUP BY 1, 2, 3 ORDER BY 1, 2, value = 'Unknown', ${d.leadingInt("value")} NULLS LAST, ${d.binary("value")}`);
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
export async function signupLag(db: SqlDatabase): Promise<Grouped<Spread & { before: number }>> {
  const d = db.dialect;
  const lag = `lag AS (
       SELECT customer_id, ${d.days("i.signup_date", "min(o.t)::DATE")}::${d.double} AS days
       FROM report_orders o JOIN customer_info i USING (customer_id) WHERE i.signup_date IS NOT NULL GROUP BY customer_id, i.signup_date)`;
  const days = "CASE WHEN days >= 0 THEN days END";
  const rows = await db.query<Row>(`WITH ${lag}
     SELECT grouping, label, ${spreadSql(d, days)}, count(*) FILTER (WHERE days < 0)::${d.double} AS before
     FROM lag ${MEMBERS} GROUP BY 1, 2`);
  const q = await quantiles(db, days, `lag ${MEMBERS}`, lag);
  const out: Grouped<Spread & { before: number }> = new Map();
  for (const row of rows)
    put(out, row.grouping, row.label, {
      ...spread(row, q.get(`${row.grouping}/${row.label}`)),
      before: row.before as number,
    });
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

export async function orderStats(db: SqlDatabase): Promise<Grouped<OrderStats>> {
  const d = db.dialect;
  const rows =
    await db.query<Row>(`SELECT grouping, label, count(*)::${d.double} AS orders, ${d.sum("units")} AS units, ${d.sum("value")} AS revenue,
            ${spreadSql(d, "units").replace(/AS (\w+)/g, "AS u_$1")}, ${spreadSql(d, "value").replace(/AS (\w+)/g, "AS v_$1")}
     FROM report_orders ${MEMBERS} GROUP BY 1, 2`);
  const returned = await db.query<Row & { units: number; netted: number }>(
    `SELECT grouping, label, ${d.sum("units")} AS units, ${d.sum("netted")} AS netted FROM report_returns ${MEMBERS} GROUP BY 1, 2`,
  );
  const back = new Map(returned.map((r) => [`${r.grouping}/${r.label}`, r]));
  const tops = await db.query<Row & { returned: number; bought: number }>(`WITH per AS (
       SELECT r.customer_id, r.units AS returned, coalesce(o.units, 0) + r.netted AS bought
       FROM report_returns r LEFT JOIN (SELECT customer_id, ${d.sum("units")} AS units FROM report_orders GROUP BY 1) o USING (customer_id)
       WHERE r.units > 0)
     SELECT grouping, label, ${d.firstBy("returned", `returned DESC, ${d.binary("customer_id")}`)} AS returned,
            ${d.firstBy("bought", `returned DESC, ${d.binary("customer_id")}`)} AS bought
     FROM per ${MEMBERS} GROUP BY 1, 2`);
  const top = new Map(tops.map((r) => [`${r.grouping}/${r.label}`, r]));
  const q = {
    u_: await quantiles(db, "units", `report_orders ${MEMBERS}`),
    v_: await quantiles(db, "value", `report_orders ${MEMBERS}`),
  };
  const pick = (row: Row, prefix: "u_" | "v_") =>
    spread(
      Object.fromEntries(
        Object.entries(row)
          .filter(([k]) => k.startsWith(prefix))
          .map(([k, v]) => [k.slice(prefix.length), v]),
      ),
      q[prefix].get(`${row.grouping}/${row.label}`),
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
export async function purchaseIntervals(db: SqlDatabase): Promise<Grouped<Intervals>> {
  const d = db.dialect;
  const rows =
    await db.query<Row>(`SELECT grouping, label, count(DISTINCT customer_id)::${d.double} AS customers, count(*) FILTER (WHERE same_day)::${d.double} AS same_day,
       ${spreadSql(d, "days")}
     FROM report_gaps ${MEMBERS} GROUP BY 1, 2`);
  const q = await quantiles(db, "days", `report_gaps ${MEMBERS}`);
  const out: Grouped<Intervals> = new Map();
  for (const row of rows)
    put(out, row.grouping, row.label, {
      ...spread(row, q.get(`${row.grouping}/${row.label}`)),
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
export async function monthlyRevenue(db: SqlDatabase): Promise<Grouped<MonthRevenue[]>> {
  const d = db.dialect;
  const rows = await db.query<
    Row & MonthRevenue
  >(`SELECT grouping, label, ${d.yearMonth("t")} AS month, ${d.sum("value")} AS revenue, count(*)::${d.double} AS orders
     FROM report_orders ${MEMBERS} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
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
export async function weeklyPattern(db: SqlDatabase): Promise<Grouped<WeekHour[]>> {
  const d = db.dialect;
  const rows = await db.query<
    Row & WeekHour
  >(`SELECT grouping, label, ${d.isoDow("t")} AS dow, ${d.hour("t")} AS hour, count(*)::${d.double} AS orders, ${d.sum("value")} AS revenue
     FROM report_orders ${MEMBERS} GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`);
  const out: Grouped<WeekHour[]> = new Map();
  for (const r of rows)
    push(out, r.grouping, r.label, { dow: r.dow, hour: r.hour, orders: r.orders, revenue: r.revenue });
  return out;
}

/** Per label and country (the customer's main country): customers, and revenue of their kept lines. */
export async function countryMix(
  db: SqlDatabase,
): Promise<Grouped<Map<string, { customers: number; revenue: number }>>> {
  const d = db.dialect;
  const rows = await db.query<
    Row & { country: string; customers: number; revenue: number }
  >(`SELECT m.grouping, m.label, c.country, count(*)::${d.double} AS customers, ${d.sum("coalesce(r.revenue, 0)")} AS revenue
     FROM report_customers c JOIN report_memberships m USING (customer_id)
     LEFT JOIN (SELECT customer_id, ${d.sum("value")} AS revenue FROM report_orders GROUP BY customer_id) r USING (customer_id)
     GROUP BY 1, 2, 3 ORDER BY 1, 2, ${d.binary("c.country")}`);
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
export async function topProducts(db: SqlDatabase, limit = 10): Promise<Grouped<TopProduct[]>> {
  const d = db.dialect;
  // the label's total is an ordered sum (a window sum adds in whatever order the threads left the rows)
  const rows = await db.query<Row & TopProduct>(`WITH totals AS (
       SELECT grouping, label, ${d.sum("revenue")} AS total FROM report_group_products GROUP BY 1, 2),
     ranked AS (
       SELECT *, row_number() OVER (PARTITION BY grouping, label ORDER BY revenue DESC, ${d.binary("stock_code")}) AS rank
       FROM report_group_products)
     SELECT grouping, label, coalesce(c.description, '') AS description, coalesce(c.category, 'Other') AS category,
            revenue, units, customers, revenue / nullif(total, 0) AS share
     FROM ranked JOIN totals USING (grouping, label) LEFT JOIN report_categories c USING (stock_code)
     WHERE rank <= ${Math.trunc(limit)}
     ORDER BY grouping, label, rank`);
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
export async function categoryRevenue(db: SqlDatabase): Promise<Grouped<CategoryRevenue[]>> {
  const d = db.dialect;
  const rows = await db.query<Row & CategoryRevenue>(`WITH by_category AS (
       SELECT grouping, label, coalesce(p.category, 'Other') AS category, ${d.sum("g.revenue")} AS revenue
       FROM report_group_products g LEFT JOIN report_categories p USING (stock_code)
       GROUP BY 1, 2, 3),
     totals AS (SELECT grouping, label, ${d.sum("revenue")} AS total FROM by_category GROUP BY 1, 2)
     SELECT grouping, label, category, revenue, revenue / nullif(total, 0) AS share
     FROM by_category JOIN totals USING (grouping, label)
     ORDER BY grouping, label, revenue DESC, ${d.binary("category")}`);
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
export async function wordFrequencies(db: SqlDatabase, limit = 60): Promise<Grouped<[string, number][]>> {
  const d = db.dialect;
  const rows = await db.query<Row & { word: string; lines: number; total: number }>(
    `WITH totals AS (SELECT grouping, label, ${wholeSum("lines")} AS total FROM report_group_products GROUP BY 1, 2),
     counts AS (
       SELECT grouping, label, word, ${wholeSum("lines")} AS lines
       FROM report_group_products JOIN report_product_words USING (stock_code)
       GROUP BY 1, 2, 3),
     ranked AS (
       SELECT *, row_number() OVER (PARTITION BY grouping, label ORDER BY lines DESC, ${d.binary("word")}) AS rank FROM counts)
     SELECT grouping, label, word, lines, total
     FROM ranked JOIN totals USING (grouping, label) WHERE rank <= ${Math.trunc(limit)}
     ORDER BY grouping, label, rank`,
  );
  const out: Grouped<[string, number][]> = new Map();
  // the share rounded here, not in SQL (PostgreSQL rounds only exact numerics)
  for (const r of rows) push(out, r.grouping, r.label, [r.word, Math.round((r.lines / r.total) * 1e5) / 1e5]);
  return out;
}

/**
 * Per customer, in the order of `ids` (the customer table): every order's units and value (ordered by time and
 * invoice), units returned and units bought before netting. The parts of the return-rate and median-order
 * bootstraps (order-intervals.ts); used in memory only, never published. A customer of `ids` without orders has none.
 */
export async function customerLines(db: SqlDatabase, ids: readonly string[]): Promise<CustomerLines> {
  const d = db.dialect;
  const index = new Map(ids.map((id, i) => [id, i]));
  const orders = await db.query<{ customer_id: string; units: number; value: number }>(
    `SELECT customer_id, units, value FROM report_orders ORDER BY ${d.binary("customer_id")}, t, ${d.binary("invoice")}`,
  );
  const counts = new Int32Array(ids.length);
  const bought = new Float64Array(ids.length);
  for (const o of orders) {
    const i = index.get(String(o.customer_id));
    if (i === undefined) continue;
    counts[i]++;
    bought[i] += o.units;
  }
  const start = new Int32Array(ids.length + 1);
  for (let i = 0; i < ids.length; i++) start[i + 1] = start[i] + counts[i];
  const units = new Float64Array(start[ids.length]);
  const value = new Float64Array(start[ids.length]);
  const at = start.slice(0, ids.length);
  for (const o of orders) {
    const i = index.get(String(o.customer_id));
    if (i === undefined) continue;
    units[at[i]] = o.units;
    value[at[i]++] = o.value;
  }
  const returned = new Float64Array(ids.length);
  for (const r of await db.query<{ customer_id: string; units: number; netted: number }>(
    `SELECT customer_id, units, netted FROM report_returns`,
  )) {
    const i = index.get(String(r.customer_id));
    if (i === undefined) continue;
    returned[i] += r.units;
    bought[i] += r.netted;
  }
  return { returned, bought, start, units, value };
}
