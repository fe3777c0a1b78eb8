/**
 * Monthly acquisition cohorts: each customer belongs to the calendar month of their first kept purchase; month m of
 * a cohort is the m-th calendar month after it (month 0 = the first purchase month). Per cohort and month: the share
 * of the cohort's customers with a kept line in that month (`active`, 1 in month 0 by definition), and the revenue
 * of those lines per cohort member (`revenue_per_member`, on the run's revenue basis: net of matched returns under
 * "net", so a month whose purchases were all returned does not count as active). The last month is included even
 * when the data stop inside it (`partial_last_month` says so).
 *
 * Newer against older cohorts: among the cohorts (the first left out: it holds every customer already buying before
 * the data begin) with at least MIN_COHORT customers whose first RETURN_MONTHS months
 * after acquisition are all observed in full months, the older half (by month) and the newer half are compared on
 * the share of customers who bought again within those months, by a chi-square test on the 2x2 table (no continuity
 * correction; equivalent to the two-proportion z-test). A sentence is made only when p < ALPHA.
 */
import type { SqlDatabase } from "../db/database.ts";
import { chiSquareTest } from "../stats/tests.ts";

export const MIN_COHORT = 30;
export const RETURN_MONTHS = 3;
export const ALPHA = 0.05;

/** One customer's kept lines in one calendar month: the month as YYYY-MM and their summed revenue. */
export interface CustomerMonth {
  customer_id: string;
  month: string;
  revenue: number;
}

export interface Cohort {
  /** YYYY-MM of the first purchase */
  cohort: string;
  customers: number;
  /** per month since the first purchase (0, 1, ...) up to the last month of the data: share with a purchase */
  active: number[];
  /** per month: customers with a purchase */
  active_customers: number[];
  /** per month: the month's revenue of the cohort's customers / the cohort's customers */
  revenue_per_member: number[];
  /** customers with a purchase in months 1..RETURN_MONTHS (null when those months are not all observed in full) */
  returned_within: number | null;
}

export interface CohortComparison {
  older: { cohorts: string[]; customers: number; returned: number; share: number };
  newer: { cohorts: string[]; customers: number; returned: number; share: number };
  test: "chi-square, 2x2, no continuity correction";
  chi2: number;
  p: number;
  /** the sentence, or null when the difference is not beyond noise (p >= ALPHA) */
  sentence: string | null;
}

export interface CohortAnalysis {
  /** YYYY-MM of the last month with data */
  last_month: string;
  partial_last_month: boolean;
  return_months: number;
  cohorts: Cohort[];
  /** null when fewer than two cohorts qualify (MIN_COHORT customers and RETURN_MONTHS full months observed) */
  comparison: CohortComparison | null;
}

/** Months from a to b, both YYYY-MM. @example monthsBetween("2010-12", "2011-02") // 2 */
export function monthsBetween(a: string, b: string): number {
  return (+b.slice(0, 4) - +a.slice(0, 4)) * 12 + (+b.slice(5, 7) - +a.slice(5, 7));
}

/** Whether YYYY-MM-DD is the last day of its month. */
export function isMonthEnd(day: string): boolean {
  const next = new Date(Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10) + 1));
  return next.getUTCDate() === 1;
}

/** The SQL of every customer's months with kept lines and their revenue (lines view), ordered. */
export function customerMonthsSql(db: SqlDatabase): string {
  const d = db.dialect;
  return `SELECT customer_id, substr(${d.isoDate("invoice_date::DATE")}, 1, 7) AS month, ${d.sum("revenue")} AS revenue
    FROM lines WHERE customer_id IS NOT NULL GROUP BY customer_id, month ORDER BY customer_id, month`;
}

/** Every customer's months with kept lines, from the database's `lines` view. */
export async function customerMonths(db: SqlDatabase): Promise<CustomerMonth[]> {
  return db.query<CustomerMonth>(customerMonthsSql(db));
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * The cohort table from customers' months (any order). `periodEnd` (YYYY-MM-DD, the last kept line's day) gives
 * the last month and whether it is partial.
 */
export function cohortTable(rows: readonly CustomerMonth[], periodEnd: string): CohortAnalysis {
  const lastMonth = periodEnd.slice(0, 7);
  const partial = !isMonthEnd(periodEnd);
  const first = new Map<string, string>();
  for (const r of rows) {
    const f = first.get(r.customer_id);
    if (f === undefined || r.month < f) first.set(r.customer_id, r.month);
  }
  const byCohort = new Map<string, { customers: number; active: number[]; revenue: number[]; returned: Set<string> }>();
  for (const month of first.values()) {
    let c = byCohort.get(month);
    if (!c) {
      const length = monthsBetween(month, lastMonth) + 1;
      c = { customers: 0, active: new Array(length).fill(0), revenue: new Array(length).fill(0), returned: new Set() };
      byCohort.set(month, c);
    }
    c.customers++;
  }
  // revenue summed in ascending order of the amounts per cell, so the figures do not depend on the row order
  const cells = new Map<string, number[]>();
  for (const r of rows) {
    const cohort = first.get(r.customer_id) as string;
    const m = monthsBetween(cohort, r.month);
    const c = byCohort.get(cohort)!;
    c.active[m]++;
    const key = `${cohort} ${m}`;
    const list = cells.get(key);
    if (list) list.push(r.revenue);
    else cells.set(key, [r.revenue]);
    if (m >= 1 && m <= RETURN_MONTHS) c.returned.add(r.customer_id);
  }
  for (const [key, amounts] of cells) {
    const [cohort, m] = key.split(" ");
    amounts.sort((a, b) => a - b);
    byCohort.get(cohort)!.revenue[+m] = amounts.reduce((a, b) => a + b, 0);
  }
  // a cohort's first RETURN_MONTHS months are observed in full when they end before the last month, or at it when it is complete
  const fullMonths = monthsBetween("0000-01", lastMonth) - (partial ? 1 : 0);
  const cohorts: Cohort[] = [...byCohort.keys()].sort().map((cohort) => {
    const c = byCohort.get(cohort)!;
    const observed = monthsBetween("0000-01", cohort) + RETURN_MONTHS <= fullMonths;
    return {
      cohort,
      customers: c.customers,
      active: c.active.map((a) => a / c.customers),
      active_customers: c.active,
      revenue_per_member: c.revenue.map((v) => v / c.customers),
      returned_within: observed ? c.returned.size : null,
    };
  });
  return {
    last_month: lastMonth,
    partial_last_month: partial,
    return_months: RETURN_MONTHS,
    cohorts,
    comparison: compareCohorts(cohorts),
  };
}

/** Older against newer qualifying cohorts (see the module comment). */
export function compareCohorts(cohorts: readonly Cohort[]): CohortComparison | null {
  // the first cohort is left out: it also holds every customer who was already buying before the data begin
  const eligible = cohorts.slice(1).filter((c) => c.customers >= MIN_COHORT && c.returned_within !== null);
  if (eligible.length < 2) return null;
  const half = Math.floor(eligible.length / 2);
  const group = (list: readonly Cohort[]) => {
    const customers = list.reduce((a, c) => a + c.customers, 0);
    const returned = list.reduce((a, c) => a + (c.returned_within as number), 0);
    return { cohorts: list.map((c) => c.cohort), customers, returned, share: returned / customers };
  };
  const older = group(eligible.slice(0, half));
  const newer = group(eligible.slice(eligible.length - half));
  const test = chiSquareTest([
    [older.returned, older.customers - older.returned],
    [newer.returned, newer.customers - newer.returned],
  ]);
  const span = (g: typeof older) => (g.cohorts.length > 1 ? `${g.cohorts[0]} to ${g.cohorts.at(-1)}` : g.cohorts[0]);
  const sentence =
    test.p < ALPHA
      ? `Customers first buying in ${span(newer)} bought again within ${RETURN_MONTHS} months ${newer.share > older.share ? "more" : "less"} often than those first buying in ${span(older)} ` +
        `(${pct(newer.share)} of ${newer.customers.toLocaleString("en-US")} against ${pct(older.share)} of ${older.customers.toLocaleString("en-US")}; chi-square test p = ${test.p < 0.001 ? "< 0.001" : test.p.toFixed(3)}).`
      : null;
  return { older, newer, test: "chi-square, 2x2, no continuity correction", chi2: test.chi2, p: test.p, sentence };
}
