/**
 * Customer features, computed in SQL over the view `lines` (kept lines, net of returns under the net basis)
 * and the table `customer_returns` (units matched to the customer's purchases: see clean/returns.ts),
 * one row per customer; only these rows come back to JavaScript. One definition for both engines (db/dialect.ts):
 * DuckDB over a file, PostgreSQL over a table. Day arithmetic is on DATE (no time zones); sums add their terms in
 * ascending order, so both engines give the same bits; ratios are divided here, in JavaScript.
 */
import type { SqlDatabase } from "../db/database.ts";
import { DUCKDB, type SqlDialect } from "../db/dialect.ts";
import { InputError } from "../errors.ts";
import type { CustomerFeatures } from "../types.ts";

/**
 * Figures over the kept lines that carry a customer, so that revenue is the sum of the customers' monetary values
 * and orders the sum of their frequencies. Kept lines without a customer (only under `drop_missing_customer: false`)
 * are in no customer figure; they are counted apart in `without_customer`.
 */
export interface LineTotals {
  /** kept lines with a customer */
  lines: number;
  /** summed revenue */
  revenue: number;
  /** distinct invoices */
  orders: number;
  /** distinct countries */
  countries: number;
  /** YYYY-MM-DD of the first kept line with a customer */
  period_start: string;
  /** YYYY-MM-DD of the last kept line with a customer */
  period_end: string;
  /** kept lines without a customer id: lines, distinct invoices, summed revenue */
  without_customer: { lines: number; orders: number; revenue: number };
}

/** Totals and period of the kept lines; throws an InputError when no line with a customer was kept. */
export async function lineTotals(db: SqlDatabase, file: string): Promise<LineTotals> {
  const d = db.dialect;
  const sum = (x: string) => `COALESCE(${d.sum(x)}, 0)`;
  const [row] = await db.query(
    `SELECT count(customer_id)::${d.double} AS lines,
        ${sum("CASE WHEN customer_id IS NOT NULL THEN revenue END")} AS revenue,
        count(DISTINCT invoice) FILTER (WHERE customer_id IS NOT NULL)::${d.double} AS orders,
        count(DISTINCT country) FILTER (WHERE customer_id IS NOT NULL)::${d.double} AS countries,
        ${d.isoDate("(min(invoice_date) FILTER (WHERE customer_id IS NOT NULL))::DATE")} AS period_start,
        ${d.isoDate("(max(invoice_date) FILTER (WHERE customer_id IS NOT NULL))::DATE")} AS period_end,
        count(*) FILTER (WHERE customer_id IS NULL)::${d.double} AS guest_lines,
        count(DISTINCT invoice) FILTER (WHERE customer_id IS NULL)::${d.double} AS guest_orders,
        ${sum("CASE WHEN customer_id IS NULL THEN revenue END")} AS guest_revenue
       FROM lines`,
  );
  if (!row.lines)
    throw new InputError(
      row.guest_lines
        ? `${file}: no lines with a customer left after cleaning (${row.guest_lines} kept lines have no customer id)`
        : `${file}: no lines left after cleaning (see the cleaning settings)`,
    );
  return {
    lines: row.lines as number,
    revenue: row.revenue as number,
    orders: row.orders as number,
    countries: row.countries as number,
    period_start: row.period_start as string,
    period_end: row.period_end as string,
    without_customer: {
      lines: row.guest_lines as number,
      orders: row.guest_orders as number,
      revenue: row.guest_revenue as number,
    },
  };
}

/** Adds `days` to a YYYY-MM-DD date. @example addDays("2011-12-09", 1) // "2011-12-10" */
export function addDays(date: string, days: number): string {
  const t = Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/**
 * The snapshot day: the configured one, else the day after the last kept line. A configured day before the last
 * purchase is an InputError (recency would be negative).
 * @example snapshotDate(null, "2011-12-09") // "2011-12-10"
 */
export function snapshotDate(configured: string | null, periodEnd: string): string {
  if (configured === null) return addDays(periodEnd, 1);
  if (configured < periodEnd)
    throw new InputError(
      `snapshot_date ${configured} is before the last purchase (${periodEnd}); use a day on or after it, or null for the day after`,
    );
  return configured;
}

/** SQL ordering customer ids: numeric ids by value first, then the others by code point. */
export function customerOrderSql(column: string, dialect: SqlDialect = DUCKDB): string {
  const numeric = dialect.fullMatch(column, "'[0-9]+'");
  return [
    `${numeric} DESC`,
    `CASE WHEN ${numeric} THEN length(ltrim(${column}, '0')) END`,
    `CASE WHEN ${numeric} THEN ${dialect.binary(`ltrim(${column}, '0')`)} END`,
    dialect.binary(column),
  ].join(", ");
}

/**
 * The SQL computing, per customer, the sums and days CustomerFeatures are made of (`customerFeatureRow` turns them
 * into CustomerFeatures) for a snapshot day (YYYY-MM-DD), ordered by customer id (numbers by value).
 */
export function customerFeaturesSql(snapshot: string, dialect: SqlDialect = DUCKDB): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(snapshot)) throw new Error(`bad snapshot date ${snapshot}`);
  const day = `DATE '${snapshot}'`;
  const sum = dialect.sum;
  // each CTE is used once (DuckDB materialises CTEs used more than once: 10M lines would be copied)
  return `
WITH per_invoice AS (
  SELECT customer_id, invoice, min(invoice_date) AS first_at, max(invoice_date) AS last_at,
    ${sum("revenue")} AS revenue, ${sum("quantity")} AS units
  FROM lines WHERE customer_id IS NOT NULL GROUP BY customer_id, invoice),
per AS (
  SELECT customer_id, min(first_at)::DATE AS first_day, max(last_at)::DATE AS last_day,
    count(*)::INTEGER AS orders, ${sum("revenue")} AS monetary, ${sum("units")} AS units
  FROM per_invoice GROUP BY customer_id),
by_country AS (
  SELECT customer_id, ${dialect.firstBy("country", `n DESC, ${dialect.binary("country")}`)} AS country
  FROM (SELECT customer_id, country, count(*) AS n FROM lines WHERE customer_id IS NOT NULL GROUP BY customer_id, country) cc
  GROUP BY customer_id),
returned AS (SELECT customer_id, units, netted FROM customer_returns)
SELECT
  p.customer_id,
  ${dialect.days("p.last_day", day)}::INTEGER AS recency,
  p.orders AS frequency,
  p.monetary,
  ${dialect.isoDate("p.first_day")} AS first_purchase,
  ${dialect.isoDate("p.last_day")} AS last_purchase,
  ${dialect.days("p.first_day", day)}::INTEGER AS tenure,
  p.units,
  COALESCE(r.units, 0) AS returned_units,
  COALESCE(r.netted, 0) AS netted_units,
  c.country
FROM per p JOIN by_country c USING (customer_id) LEFT JOIN returned r USING (customer_id)
ORDER BY ${customerOrderSql("p.customer_id", dialect)}`;
}

/** A row of customerFeaturesSql. */
export interface CustomerSums extends Omit<CustomerFeatures, "avg_order_value" | "items_per_order" | "return_rate"> {
  units: number;
  returned_units: number;
  netted_units: number;
}

/**
 * A customer's CustomerFeatures from her sums: the ratios, divided in JavaScript so that they do not depend on the
 * engine. The return rate's base is the units bought before netting (the analysed units plus those netted off).
 */
function customerFeatureRow(
  { units, returned_units, netted_units, ...c }: CustomerSums,
  shared: (text: string) => string = (text) => text,
): CustomerFeatures {
  const bought = units + netted_units;
  return {
    customer_id: c.customer_id,
    recency: c.recency,
    frequency: c.frequency,
    monetary: c.monetary,
    first_purchase: shared(c.first_purchase),
    last_purchase: shared(c.last_purchase),
    tenure: c.tenure,
    avg_order_value: c.monetary / c.frequency,
    items_per_order: units / c.frequency,
    return_rate: bought > 0 ? returned_units / bought : 0,
    country: shared(c.country),
  };
}

/**
 * One string object for each distinct text: the customers' dates and countries repeat (a few thousand days, a few
 * dozen countries), and each row from the database brings its own copies (about 80 bytes a customer).
 */
function sharedStrings(): (text: string) => string {
  const seen = new Map<string, string>();
  return (text) => {
    const kept = seen.get(text);
    if (kept !== undefined) return kept;
    seen.set(text, text);
    return text;
  };
}

/**
 * One CustomerFeatures per customer with a kept line, in customer id order; the same to the last bit every run.
 * Read a chunk at a time: only the CustomerFeatures are kept, not the query's rows beside them.
 */
export async function customerFeatures(db: SqlDatabase, snapshot: string): Promise<CustomerFeatures[]> {
  const customers: CustomerFeatures[] = [];
  const shared = sharedStrings();
  await db.queryChunks<CustomerSums>(customerFeaturesSql(snapshot, db.dialect), (rows) => {
    for (const row of rows) customers.push(customerFeatureRow(row, shared));
  });
  return customers;
}
