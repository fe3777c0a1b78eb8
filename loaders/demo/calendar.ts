/**
 * The demo's trading calendar: the period covered, how busy each day is (weekday pattern, a seasonal ramp
 * towards November, the Christmas closure), the hours of the day orders arrive, and timestamp formatting.
 * Days are integers counted from the first day of the period; all date arithmetic is in UTC, so the output
 * does not depend on the machine's time zone or locale.
 */
import { cumulative, drawCumulative, type Rng } from "../stats/random.ts";

/** First day of the demo period (a Friday). */
export const PERIOD_START = "2023-12-01";
/** Last day of the demo period (a Monday); the natural snapshot is the day after. */
export const PERIOD_END = "2024-12-09";

const DAY_MS = 86_400_000;
const startMs = Date.parse(`${PERIOD_START}T00:00:00Z`);

/** Number of days in the period, both ends included. */
export const PERIOD_DAYS = Math.round((Date.parse(`${PERIOD_END}T00:00:00Z`) - startMs) / DAY_MS) + 1;

/** The UTC date of day `day` of the period. */
function dateOf(day: number): Date {
  return new Date(startMs + day * DAY_MS);
}

/** Day of the week of day `day` of the period: 0 = Sunday .. 6 = Saturday. */
export function weekday(day: number): number {
  return dateOf(day).getUTCDay();
}

/** Month (1-12) of day `day` of the period. */
export function monthOf(day: number): number {
  return dateOf(day).getUTCMonth() + 1;
}

/**
 * Months since the start of the period (0 = December 2023 .. 12 = December 2024), to index per-month tables.
 */
export function monthIndex(day: number): number {
  const d = dateOf(day);
  return (d.getUTCFullYear() - 2023) * 12 + d.getUTCMonth() - 11;
}

/** Closed over Christmas and New Year (24 December to 3 January), as the real retailer was. */
function closed(day: number): boolean {
  const d = dateOf(day);
  const m = d.getUTCMonth() + 1;
  const dd = d.getUTCDate();
  return (m === 12 && dd >= 24) || (m === 1 && dd <= 3);
}

/** Relative demand by month (1-12): quiet after Christmas, building from September to a November peak. */
const MONTH_DEMAND = [0, 0.8, 0.72, 0.95, 0.8, 0.95, 0.95, 0.92, 0.95, 1.35, 1.5, 1.95, 1.25];
/** Relative demand by weekday, Sunday first: no Saturday trading, a lighter Sunday and Friday. */
const WEEKDAY_DEMAND = [0.62, 0.95, 1.0, 0.95, 1.05, 0.8, 0];

/** How busy day `day` is, relative to an ordinary weekday; 0 when the shop takes no orders. */
export function dayWeight(day: number): number {
  if (day < 0 || day >= PERIOD_DAYS || closed(day)) return 0;
  return MONTH_DEMAND[monthOf(day)] * WEEKDAY_DEMAND[weekday(day)];
}

/** Cumulative day weights over the whole period, for drawing days with {@link drawDay}. */
export const DAY_CUMULATIVE: Float64Array = cumulative(Array.from({ length: PERIOD_DAYS }, (_, d) => dayWeight(d)));

/**
 * A trading day in [from, to] (clamped to the period) drawn by demand; when that window has no trading day,
 * the nearest trading day to it.
 */
export function drawDay(rng: Rng, from: number, to: number): number {
  const lo = Math.max(0, Math.min(from, to));
  const hi = Math.min(PERIOD_DAYS - 1, Math.max(from, to));
  const day = drawCumulative(rng, DAY_CUMULATIVE, Math.min(lo, PERIOD_DAYS - 1), Math.max(hi, 0) + 1);
  if (day >= 0) return day;
  for (let step = 1; step < PERIOD_DAYS; step++) {
    if (dayWeight(hi + step) > 0) return hi + step;
    if (dayWeight(lo - step) > 0) return lo - step;
  }
  return 0;
}

/** Orders by hour of day 6..20, shaped like the real shop's (busiest 10:00-15:00). */
const HOUR_WEIGHTS = [0.05, 0.4, 9, 34, 49, 58, 79, 72, 67, 78, 55, 29, 8, 3.7, 0.9];
const HOUR_CUMULATIVE = cumulative(HOUR_WEIGHTS);

/** A time of day in minutes after midnight, drawn from the shop's hourly pattern. */
export function drawMinute(rng: Rng): number {
  return (6 + drawCumulative(rng, HOUR_CUMULATIVE)) * 60 + rng.between(0, 59);
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** `YYYY-MM-DD` of day `day` of the period. */
export function formatDay(day: number): string {
  const d = dateOf(day);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** `YYYY-MM-DD HH:MM:00` for a day of the period and a minute of that day (seconds always 00, as in the export). */
export function formatTimestamp(day: number, minute: number): string {
  return `${formatDay(day)} ${pad2(Math.floor(minute / 60))}:${pad2(minute % 60)}:00`;
}
