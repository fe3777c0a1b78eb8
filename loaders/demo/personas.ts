/**
 * The behavioural personas planted in the demo data. Each persona fixes how many orders its customers place,
 * how long ago their last order was, how big their baskets are, where they live and what they like to buy.
 * They are chosen to sit apart in log(recency), log(frequency) and log(monetary), so that K-Means on the
 * log1p-transformed, standardised RFM features finds them again, while each feature still overlaps with its
 * neighbours the way real customers do.
 */
import { PERIOD_DAYS } from "./calendar.ts";
import type { CountryMix } from "./countries.ts";
import type { Rng } from "../stats/random.ts";

export const PERSONA_NAMES = ["champions", "loyal", "at_risk", "lapsed", "new"] as const;
export type PersonaName = (typeof PERSONA_NAMES)[number];

export interface Persona {
  name: PersonaName;
  /** one line for people reading the personas file */
  description: string;
  /** share of the account customers */
  share: number;
  /** number of purchase invoices of one customer */
  drawOrders(rng: Rng): number;
  /** days from the last purchase to the end of the period (0 = bought on the last day) */
  drawRecency(rng: Rng): number;
  /** the day of the first purchase, given the last one (only used for customers with 2+ orders) */
  drawFirstDay(rng: Rng, lastDay: number): number;
  /** median and log-spread of the number of lines per invoice */
  lines: { median: number; sigma: number };
  /** probability that a line's quantity is drawn from the small-basket range 1..4 instead of the pack sizes */
  small_quantity: number;
  /** share of customers who are trade buyers with occasional wholesale quantities (48, 96, 144 ...) */
  wholesale: number;
  /** probability that a purchase is (partly) cancelled later */
  cancel_rate: number;
  /** how often a line repeats one of the customer's favourite products */
  loyalty: number;
  country: CountryMix & { boost?: Record<string, number> };
  /** relative preference for each category, in CATEGORIES order */
  categories: number[];
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
const LAST = PERIOD_DAYS - 1;

/** A whole number drawn log-normally around `median`, kept in [min, max]. */
function countAround(rng: Rng, median: number, sigma: number, min: number, max: number): number {
  return clamp(Math.round(rng.logNormal(median, sigma)), min, max);
}

/** Log-uniform in [lo, hi]: as many customers 5-10 days back as 20-40 days back. */
function logUniform(rng: Rng, lo: number, hi: number): number {
  return Math.round(Math.exp(rng.uniform(Math.log(lo), Math.log(hi))));
}

export const PERSONAS: readonly Persona[] = [
  {
    name: "champions",
    description: "Trade and enthusiast buyers: ordered in the last days, 20-40 orders a year, the highest spend.",
    share: 0.1,
    drawOrders: (rng) => countAround(rng, 25, 0.25, 15, 60),
    drawRecency: (rng) => rng.between(0, 9),
    drawFirstDay: (rng) => rng.between(0, 45),
    lines: { median: 15, sigma: 0.45 },
    small_quantity: 0.1,
    wholesale: 0.35,
    cancel_rate: 0.15,
    loyalty: 0.65,
    country: { home_share: 0.84, europe_tilt: 1.3, boost: { EIRE: 10, Netherlands: 4, Australia: 2 } },
    categories: [17, 16, 8, 10, 8, 7, 10, 8, 6, 10],
  },
  {
    name: "loyal",
    description: "Regular customers: a purchase every month or two, the last one a few weeks ago, good spend.",
    share: 0.24,
    drawOrders: (rng) => countAround(rng, 7.5, 0.28, 4, 15),
    drawRecency: (rng) => logUniform(rng, 6, 50),
    drawFirstDay: (rng, last) => rng.between(0, Math.max(0, Math.min(200, last - 90))),
    lines: { median: 13, sigma: 0.45 },
    small_quantity: 0.2,
    wholesale: 0.15,
    cancel_rate: 0.13,
    loyalty: 0.55,
    country: { home_share: 0.9, europe_tilt: 1.1 },
    categories: [16, 18, 10, 10, 8, 8, 8, 6, 6, 10],
  },
  {
    name: "at_risk",
    description: "Used to buy several times (3-8 orders), but the last order was 4-8 months ago.",
    share: 0.2,
    drawOrders: (rng) => countAround(rng, 4.5, 0.25, 3, 9),
    drawRecency: (rng) => rng.between(125, 245),
    drawFirstDay: (rng, last) => rng.between(0, Math.max(0, Math.min(110, last - 60))),
    lines: { median: 11, sigma: 0.45 },
    small_quantity: 0.25,
    wholesale: 0.12,
    cancel_rate: 0.12,
    loyalty: 0.5,
    country: { home_share: 0.9, europe_tilt: 1.0 },
    categories: [14, 14, 12, 10, 12, 10, 8, 4, 8, 8],
  },
  {
    name: "lapsed",
    description: "One or two small orders long ago (7-12 months) and nothing since.",
    share: 0.3,
    drawOrders: (rng) => (rng.chance(0.3) ? 2 : 1),
    drawRecency: (rng) => rng.between(215, LAST),
    drawFirstDay: (rng, last) => rng.between(Math.max(0, last - 60), last),
    lines: { median: 9, sigma: 0.5 },
    small_quantity: 0.45,
    wholesale: 0.03,
    cancel_rate: 0.07,
    loyalty: 0.3,
    country: { home_share: 0.93, europe_tilt: 0.9 },
    categories: [10, 10, 16, 16, 12, 6, 8, 8, 10, 4],
  },
  {
    name: "new",
    description: "First bought in the last month: one or two orders so far, mostly gifts and Christmas.",
    share: 0.16,
    drawOrders: (rng) => (rng.chance(0.25) ? 2 : 1),
    drawRecency: (rng) => rng.between(0, 27),
    drawFirstDay: (rng, last) => rng.between(Math.max(LAST - 30, last - 20), last),
    lines: { median: 10, sigma: 0.5 },
    small_quantity: 0.4,
    wholesale: 0.05,
    cancel_rate: 0.05,
    loyalty: 0.3,
    country: { home_share: 0.91, europe_tilt: 0.8 },
    categories: [10, 8, 10, 18, 10, 4, 6, 20, 8, 6],
  },
];

/** Seasonal multiplier of a category's weight by month index (0 = Dec 2023 .. 12 = Dec 2024). */
export function categorySeason(category: string, monthIndex: number): number {
  const month = ((monthIndex + 11) % 12) + 1;
  if (category === "Christmas") return [0.15, 0.1, 0.1, 0.1, 0.15, 0.2, 0.4, 0.9, 1.8, 2.2, 2.2, 1.2][month - 1];
  if (category === "Garden") return month >= 3 && month <= 7 ? 1.7 : month === 12 || month <= 1 ? 0.5 : 1;
  if (category === "Party") return month >= 5 && month <= 8 ? 1.4 : 1;
  return 1;
}
