/**
 * RFM scores 1..5 per customer.
 *
 * Method (returned as data in `RfmScoring` so the report can show it):
 * - thresholds: the 20/40/60/80 % quantiles of each dimension over all customers, type 7 (linear interpolation,
 *   as R's default, numpy and simple-statistics >= 7), unless `rfm.thresholds` in the configuration gives the
 *   four cut points for that dimension explicitly;
 * - bins are right-closed on the raw value: b(v) = number of thresholds strictly below v, 0..4, so a value equal
 *   to a threshold falls in the lower bin and equal values always get equal scores, whatever the ties;
 * - frequency and monetary: score = 1 + b(v) (more is better); recency (days since the last purchase): score =
 *   5 - b(v), so the most recent customers score 5;
 * - heavy ties (many one-order customers) can make thresholds coincide: then a score level is skipped rather than
 *   splitting equal customers arbitrarily (the R rfm package's collapsing bins, rsquaredacademy/rfm#17), and the
 *   skipped levels are reported in `empty_levels`. A score therefore always means "above this many quintile cut
 *   points", never a forced equal-count bucket.
 */
import type { RfmConfig } from "../config.ts";
import { countBelow, quantileSorted, sortedCopy } from "../stats/quantile.ts";

export type RfmDimension = "recency" | "frequency" | "monetary";
export const RFM_DIMENSIONS: RfmDimension[] = ["recency", "frequency", "monetary"];

/** How the scores were made: shown in the report beside the segment table. */
export interface RfmScoring {
  /** the four ascending cut points per dimension */
  thresholds: Record<RfmDimension, number[]>;
  /** where each dimension's thresholds came from */
  source: Record<RfmDimension, "quintiles" | "configured">;
  /** one sentence describing the method */
  method: string;
  /** score levels (1..5) that no customer received, per dimension */
  empty_levels: Record<RfmDimension, number[]>;
  /** customers per score level, index 0 = score 1 */
  level_counts: Record<RfmDimension, number[]>;
}

export interface RfmScores {
  r: Uint8Array;
  f: Uint8Array;
  m: Uint8Array;
  scoring: RfmScoring;
}

export const RFM_METHOD =
  "Thresholds are the 20/40/60/80% quantiles (type 7, linear interpolation as in numpy) unless configured; " +
  "bins are right-closed, so a value equal to a threshold takes the lower bin and equal values share a score; " +
  "frequency and monetary score 1 + (thresholds below the value), recency 5 - (thresholds below the value); " +
  "coinciding thresholds leave empty score levels instead of splitting tied customers.";

/**
 * The 20/40/60/80 % type-7 quantiles of a sample.
 * @example quintileThresholds([1, 2, 3, 4, 5, 6]) // [2, 3, 4, 5]
 */
export function quintileThresholds(values: ArrayLike<number>): number[] {
  return quintilesOfSorted(sortedCopy(values));
}

/** The 20/40/60/80 % type-7 quantiles of an ascending sample. */
export function quintilesOfSorted(sorted: ArrayLike<number>): number[] {
  return [0.2, 0.4, 0.6, 0.8].map((p) => quantileSorted(sorted, p));
}

/**
 * Score 1..5 of one value given four ascending thresholds: 1 + (thresholds strictly below v), reversed for
 * recency (`higherIsBetter = false`).
 * @example scoreValue(3, [1, 1, 3, 6], true) // 3: above the two cut points at 1, not above 3
 */
export function scoreValue(value: number, thresholds: ArrayLike<number>, higherIsBetter: boolean): number {
  const below = countBelow(thresholds, value);
  return higherIsBetter ? 1 + below : 5 - below;
}

/**
 * Scores every customer on the three dimensions; `configured` thresholds (per dimension) override quintiles.
 * `sorted` may pass ascending copies of the columns when the caller has them already (saves the sorts).
 */
export function scoreRfm(
  values: Record<RfmDimension, ArrayLike<number>>,
  configured: RfmConfig["thresholds"] = null,
  sorted?: Record<RfmDimension, ArrayLike<number>>,
): RfmScores {
  const out = {} as Record<RfmDimension, Uint8Array>;
  const scoring: RfmScoring = {
    thresholds: {} as Record<RfmDimension, number[]>,
    source: {} as Record<RfmDimension, "quintiles" | "configured">,
    method: RFM_METHOD,
    empty_levels: {} as Record<RfmDimension, number[]>,
    level_counts: {} as Record<RfmDimension, number[]>,
  };
  for (const dim of RFM_DIMENSIONS) {
    const column = values[dim];
    const explicit = configured?.[dim];
    const thresholds = explicit ? [...explicit] : sorted ? quintilesOfSorted(sorted[dim]) : quintileThresholds(column);
    const higherIsBetter = dim !== "recency";
    const scores = new Uint8Array(column.length);
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < column.length; i++) {
      const s = scoreValue(column[i], thresholds, higherIsBetter);
      scores[i] = s;
      counts[s - 1]++;
    }
    out[dim] = scores;
    scoring.thresholds[dim] = thresholds;
    scoring.source[dim] = explicit ? "configured" : "quintiles";
    scoring.level_counts[dim] = counts;
    scoring.empty_levels[dim] = counts.flatMap((c, i) => (c === 0 ? [i + 1] : []));
  }
  return { r: out.recency, f: out.frequency, m: out.monetary, scoring };
}
