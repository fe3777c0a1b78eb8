/**
 * Data preparation as in the literature (lifetimes' `summary_data_from_transaction_data` and
 * `calibration_and_holdout_data`): a customer's purchases on one day are one transaction; x = transactions after the
 * first; t_x and T are measured from the first purchase (to the last one, and to the end of the period) in the
 * model's time unit; the mean value of the repeat transactions feeds the spend model.
 */

export type TimeUnit = "week" | "day" | "month";

/** days per time unit (a month is 365.25 / 12 days) */
export const UNIT_DAYS: Record<TimeUnit, number> = { week: 7, day: 1, month: 365.25 / 12 };

/** Every customer's purchase days, one entry per day: customer i's are `day[start[i]..start[i+1])`, ascending. */
export interface Purchases {
  /** customer ids, in the order of the customers they describe */
  ids: string[];
  /** length ids.length + 1 */
  start: Int32Array;
  /** days since 1970-01-01 */
  day: Int32Array;
  /** the day's revenue */
  value: Float64Array;
}

/** Days since 1970-01-01 of a YYYY-MM-DD date. @example dayNumber("1970-01-02") // 1 */
export function dayNumber(date: string): number {
  return Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) / 86_400_000;
}

/** Builds Purchases from (customer id, day, value) rows sorted by customer (in `ids` order) then day. */
export function purchasesFromRows(
  ids: string[],
  rows: { customer_id: string; day: number; value: number }[],
): Purchases {
  const index = new Map(ids.map((id, i) => [id, i]));
  const counts = new Int32Array(ids.length + 1);
  for (const row of rows) {
    const i = index.get(row.customer_id);
    if (i === undefined) throw new Error(`purchases of unknown customer ${row.customer_id}`);
    counts[i + 1]++;
  }
  const start = new Int32Array(ids.length + 1);
  for (let i = 0; i < ids.length; i++) start[i + 1] = start[i] + counts[i + 1];
  const fill = start.slice(0, ids.length);
  const day = new Int32Array(rows.length);
  const value = new Float64Array(rows.length);
  for (const row of rows) {
    const i = index.get(row.customer_id)!;
    const k = fill[i]++;
    day[k] = row.day;
    value[k] = row.value;
  }
  for (let i = 0; i < ids.length; i++)
    for (let k = start[i] + 1; k < start[i + 1]; k++)
      if (day[k] <= day[k - 1]) throw new Error(`purchases of ${ids[i]} not one per day in ascending order`);
  return { ids, start, day, value };
}

/** Per-customer summary up to a period's last day, aligned with Purchases.ids. */
export interface CustomerSummary {
  /** the customer bought on or before the last day (else x, t_x, T are 0 and she is in no fit) */
  included: Uint8Array;
  x: Float64Array;
  t_x: Float64Array;
  T: Float64Array;
  /** mean value of the repeat transactions (0 without one) */
  mean_repeat_value: Float64Array;
  /** customers included */
  customers: number;
}

/** x, t_x, T and the mean repeat value of every customer over the days up to `lastDay` (included). */
export function summarise(p: Purchases, lastDay: number, unit: TimeUnit): CustomerSummary {
  const n = p.ids.length;
  const per = UNIT_DAYS[unit];
  const out: CustomerSummary = {
    included: new Uint8Array(n),
    x: new Float64Array(n),
    t_x: new Float64Array(n),
    T: new Float64Array(n),
    mean_repeat_value: new Float64Array(n),
    customers: 0,
  };
  for (let i = 0; i < n; i++) {
    const s = p.start[i];
    let e = s;
    while (e < p.start[i + 1] && p.day[e] <= lastDay) e++;
    if (e === s) continue;
    out.included[i] = 1;
    out.customers++;
    const first = p.day[s];
    out.x[i] = e - s - 1;
    out.t_x[i] = (p.day[e - 1] - first) / per;
    out.T[i] = (lastDay - first) / per;
    let sum = 0;
    for (let k = s + 1; k < e; k++) sum += p.value[k];
    out.mean_repeat_value[i] = e - s > 1 ? sum / (e - s - 1) : 0;
  }
  return out;
}

/** Transactions (purchase days) of each customer in (from, to], both day numbers. */
export function transactionsBetween(p: Purchases, from: number, to: number): Int32Array {
  const out = new Int32Array(p.ids.length);
  for (let i = 0; i < p.ids.length; i++)
    for (let k = p.start[i]; k < p.start[i + 1]; k++) if (p.day[k] > from && p.day[k] <= to) out[i]++;
  return out;
}
