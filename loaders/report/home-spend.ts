/**
 * Spend per head at home and abroad, compared like with like. The home country is the one with the most customers
 * when it holds at least half of them. Customers abroad are a different mix (on Online Retail more of them are in the
 * high-spending segments), so the overall ratio of median spend per customer (abroad / home) mixes "abroad" with
 * "which segment": the statement also gives the ratio within each segment with at least MIN_GROUP_CUSTOMERS customers
 * on both sides. Every ratio is of medians, with a seeded bootstrap 95% interval (each side resampled within itself);
 * a difference is claimed only where the interval excludes 1.
 */
import { bootstrapRatio } from "../stats/intervals.ts";
import { MIN_GROUP_CUSTOMERS } from "./limits.ts";

export interface RatioWithInterval {
  ratio: number;
  low: number;
  high: number;
}

export interface HomeSpend {
  home: string;
  home_customers: number;
  abroad_customers: number;
  home_median: number;
  abroad_median: number;
  overall: RatioWithInterval;
  /** per segment with enough customers on both sides, in segment order */
  within: ({ segment: string; home_customers: number; abroad_customers: number } & RatioWithInterval)[];
}

const RESAMPLES = 1000;

/** The comparison, or null when there is no home country or too few customers abroad. */
export function homeSpend(
  countries: readonly string[],
  monetary: ArrayLike<number>,
  labels: ArrayLike<number>,
  segmentNames: readonly string[],
  seed = 42,
): HomeSpend | null {
  const counts = new Map<string, number>();
  for (const c of countries) counts.set(c, (counts.get(c) ?? 0) + 1);
  const [home, homeCount] = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0] ?? ["", 0];
  if (!home || homeCount < countries.length / 2 || countries.length - homeCount < MIN_GROUP_CUSTOMERS) return null;
  const split = (keep: (i: number) => boolean) => {
    const at: number[] = [];
    const away: number[] = [];
    for (let i = 0; i < countries.length; i++) if (keep(i)) (countries[i] === home ? at : away).push(monetary[i]);
    return { at, away };
  };
  const all = split(() => true);
  const overall = bootstrapRatio(all.away, all.at, { seed, resamples: RESAMPLES });
  const within: HomeSpend["within"] = [];
  segmentNames.forEach((segment, j) => {
    const s = split((i) => labels[i] === j);
    if (s.at.length < MIN_GROUP_CUSTOMERS || s.away.length < MIN_GROUP_CUSTOMERS) return;
    const r = bootstrapRatio(s.away, s.at, { seed: seed + 1 + j, resamples: RESAMPLES });
    within.push({ segment, home_customers: s.at.length, abroad_customers: s.away.length, ...r });
  });
  return {
    home,
    home_customers: all.at.length,
    abroad_customers: all.away.length,
    home_median: medianOf(all.at),
    abroad_median: medianOf(all.away),
    overall,
    within,
  };
}

function medianOf(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const h = (v.length - 1) / 2;
  return (v[Math.floor(h)] + v[Math.ceil(h)]) / 2;
}
