/**
 * Customer features, computed in DuckDB SQL over the view `lines` (kept lines, net of returns under the net basis)
 * and the table `customer_returns` (units matched to the customer's purchases: see clean/returns.ts),
 * one row per customer; only these rows come back to JavaScript. Day arithmetic is on DATE (no time zones).
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { singleThreaded } from "../db/database.ts";
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
export async function lineTotals(conn: DuckDBConnection, file: string): Promise<LineTotals> {
  const row = (
    await singleThreaded(conn, () =>
      conn.runAndReadAll(
        `SELECT count(customer_id)::DOUBLE AS lines,
        COALESCE(fsum(revenue) FILTER (WHERE customer_id IS NOT NULL), 0) AS revenue,
        count(DISTINCT invoice) FILTER (WHERE customer_id IS NOT NULL)::DOUBLE AS orders,
        count(DISTINCT country) FILTER (WHERE customer_id IS NOT NULL)::DOUBLE AS countries,
        strftime(min(invoice_date) FILTER (WHERE customer_id IS NOT NULL)::DATE, '%Y-%m-%d') AS period_start,
        strftime(max(invoice_date) FILTER (WHERE customer_id IS NOT NULL)::DATE, '%Y-%m-%d') AS period_end,
        count(*) FILTER (WHERE customer_id IS NULL)::DOUBLE AS guest_lines,
        count(DISTINCT invoice) FILTER (WHERE customer_id IS NULL)::DOUBLE AS guest_orders,
        COALESCE(fsum(revenue) FILTER (WHERE customer_id IS NULL), 0) AS guest_revenue
       FROM lines`,
      ),
    )
  ).getRowObjectsJS()[0];
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

/** The SQL computing CustomerFeatures for a snapshot day (YYYY-MM-DD), ordered by customer id (numbers by value). */
export function customerFeaturesSql(snapshot: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(snapshot)) throw new Error(`bad snapshot date ${snapshot}`);
  const day = `DATE '${snapshot}'`;
  // each CTE is used once (DuckDB materialises CTEs used more than once: 10M lines would be copied)
  return `
WITH per_invoice AS (
  SELECT customer_id, invoice, min(invoice_date) AS first_at, max(invoice_date) AS last_at,
    fsum(revenue) AS revenue, fsum(quantity) AS units
  FROM lines WHERE customer_id IS NOT NULL GROUP BY customer_id, invoice),
per AS (
  SELECT customer_id, min(first_at)::DATE AS first_day, max(last_at)::DATE AS last_day,
    count(*) AS orders, fsum(revenue) AS monetary, fsum(units) AS units
  FROM per_invoice GROUP BY customer_id),
by_country AS (
  SELECT customer_id, first(country ORDER BY n DESC, country) AS country
  FROM (SELECT customer_id, country, count(*) AS n FROM lines WHERE customer_id IS NOT NULL GROUP BY customer_id, country)
  GROUP BY customer_id),
returned AS (SELECT customer_id, units, netted FROM customer_returns)
SELECT
  p.customer_id,
  date_diff('day', p.last_day, ${day})::INTEGER AS recency,
  p.orders::INTEGER AS frequency,
  p.monetary,
  strftime(p.first_day, '%Y-%m-%d') AS first_purchase,
  strftime(p.last_day, '%Y-%m-%d') AS last_purchase,
  date_diff('day', p.first_day, ${day})::INTEGER AS tenure,
  p.monetary / p.orders AS avg_order_value,
  p.units / p.orders AS items_per_order,
  CASE WHEN p.units + COALESCE(r.netted, 0) > 0 THEN COALESCE(r.units, 0) / (p.units + COALESCE(r.netted, 0)) ELSE 0 END AS return_rate,
  c.country
FROM per p JOIN by_country c USING (customer_id) LEFT JOIN returned r USING (customer_id)
ORDER BY
  regexp_full_match(p.customer_id, '[0-9]+') DESC,
  CASE WHEN regexp_full_match(p.customer_id, '[0-9]+') THEN length(ltrim(p.customer_id, '0')) END,
  CASE WHEN regexp_full_match(p.customer_id, '[0-9]+') THEN ltrim(p.customer_id, '0') END,
  p.customer_id`;
}

/** One CustomerFeatures per customer with a kept line, in customer id order; the same to the last bit every run. */
export async function customerFeatures(conn: DuckDBConnection, snapshot: string): Promise<CustomerFeatures[]> {
  const reader = await singleThreaded(conn, () => conn.runAndReadAll(customerFeaturesSql(snapshot)));
  return reader.getRowObjectsJS() as unknown as CustomerFeatures[];
}
