/**
 * segments.json (profiles, standardised means, cross-tab, for every k) and pca.json (the scatter).
 *
 * Standardised means: for each feature the data holds (the built-in customer features whose needs it meets, not
 * only the clustering ones, then every other clustering feature, e.g. a customer table's Income), the cluster
 * mean of the transformed feature (the clustering's transform of that feature: log1p when it is skewed) minus the mean over all customers,
 * in standard deviations over all customers. 0 is the average customer.
 *
 * The scatter ships at most PCA_MAX_POINTS customers: every ceil(n / PCA_MAX_POINTS)-th customer in the
 * segmentation's input order (customer id order), which is unrelated to the features; coordinates rounded to
 * 3 decimals, no identifiers. Labels per k are one character per point (base 36).
 */
import { satisfies, type Needs } from "../../capabilities.ts";
import { chooseTransform, featureValue } from "../../cluster/features.ts";
import type { FeatureTransform } from "../../cluster/settings.ts";
import { FEATURE_NAMES, type FeatureName } from "../../config.ts";
import type { ReportContext } from "../context.ts";
import { publishRow, returnIntervals, rnd, segmentRows } from "../facts.ts";
import { groupRatios, sortedMedianInterval } from "../../stats/intervals.ts";

export const PCA_MAX_POINTS = 2500;

/** What a built-in feature needs from the data to mean anything (else it is 0 for every customer). */
const FEATURE_NEEDS: Partial<Record<FeatureName, Needs>> = {
  tenure: [["transactions", "signup_dates"]],
  items_per_order: ["transactions"],
  return_rate: ["returns"],
};

/** The heatmap's features: the built-in ones the data holds, then the other clustering features. */
export function profileFeatures(ctx: ReportContext): FeatureName[] {
  const builtin = FEATURE_NAMES.filter((f) => satisfies(ctx.capabilities, FEATURE_NEEDS[f]));
  const own = ctx.seg.features.used.filter((f) => !(FEATURE_NAMES as string[]).includes(f));
  return [...builtin, ...own];
}

/**
 * The transform a profile feature is shown on: the one the clustering gave it; a feature the clustering did not use
 * gets what the configured rule would give it ("auto": by its skewness).
 */
export function featureTransform(ctx: ReportContext, feature: FeatureName): FeatureTransform {
  const skew = ctx.seg.features.skew?.find((s) => s.feature === feature);
  if (skew) return skew.transform;
  const { transform, skew_threshold } = ctx.config.clustering;
  if (transform !== "auto") return transform;
  const col = ctx.ingest.customers.map((c) => Number(featureValue(c, feature)));
  return chooseTransform(col, transform, skew_threshold);
}

/** Standardised cluster means of every feature for one labelling. */
export function standardisedMeans(
  ctx: ReportContext,
  labels: ArrayLike<number>,
  k: number,
): { features: FeatureName[]; values: number[][] } {
  const customers = ctx.ingest.customers;
  const features = profileFeatures(ctx);
  const values = Array.from({ length: k }, () => new Array<number>(features.length).fill(0));
  features.forEach((f, j) => {
    const transform =
      featureTransform(ctx, f) === "log1p" ? (x: number) => Math.log1p(Math.max(0, x)) : (x: number) => x;
    const col = customers.map((c) => transform(Number(featureValue(c, f))));
    const n = col.length;
    const mean = col.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(col.reduce((s, v) => s + (v - mean) ** 2, 0) / n) || 1;
    const sums = new Array<number>(k).fill(0);
    const counts = new Array<number>(k).fill(0);
    for (let i = 0; i < n; i++) {
      sums[labels[i]] += col[i];
      counts[labels[i]]++;
    }
    for (let c = 0; c < k; c++) values[c][j] = rnd(counts[c] ? (sums[c] / counts[c] - mean) / sd : 0, 3) ?? 0;
  });
  return { features: [...features], values };
}

/** Bootstrap resamples behind the spend intervals of the profiles. */
export const SPEND_RESAMPLES = 400;

/**
 * Per cluster: the median spend per customer with a seeded bootstrap 95% interval, and the ratio of that median to
 * the median of every other customer with its interval (the figure a value word in a name is held against).
 */
export function spendIntervals(
  monetary: ArrayLike<number>,
  labels: ArrayLike<number>,
  names: readonly string[],
): { name: string; median: number; low: number; high: number; ratio: number; ratio_low: number; ratio_high: number }[] {
  const ratios = groupRatios(monetary, labels);
  return names.map((name, j) => {
    const members: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === j) members.push(monetary[i]);
    // sorted once: the median and its interval both read it
    const sorted = Float64Array.from(members).sort();
    const median = sortedMedianInterval(sorted, { seed: 42 + j, resamples: SPEND_RESAMPLES });
    const ratio = ratios(j, { seed: 42 + j, resamples: SPEND_RESAMPLES });
    const mid = (sorted.length - 1) / 2;
    return {
      name,
      median: rnd((sorted[Math.floor(mid)] + sorted[Math.ceil(mid)]) / 2, 2) ?? 0,
      low: rnd(median.low, 2) ?? 0,
      high: rnd(median.high, 2) ?? 0,
      ratio: rnd(ratio.ratio, 3) ?? 0,
      ratio_low: rnd(ratio.low, 3) ?? 0,
      ratio_high: rnd(ratio.high, 3) ?? 0,
    };
  });
}

export function segmentsData(ctx: ReportContext): Record<string, unknown> {
  const byK: Record<string, unknown> = {};
  for (const [k, kd] of ctx.byK) {
    const rows = segmentRows(ctx, kd);
    const returns = returnIntervals(ctx, kd);
    byK[k] = {
      profiles: rows.map((r) => ({
        ...publishRow(r, k === ctx.seg.k ? ctx.slugs.get(r.name) : undefined),
        // the typical order (a few large orders pull the means up) and the return rate's bootstrap interval
        median_order_value: ctx.available.lines ? rnd(kd.agg.orders.get(r.cluster)?.order_value.median) : null,
        median_order_units: ctx.available.lines ? rnd(kd.agg.orders.get(r.cluster)?.order_units.median, 1) : null,
        return_low: rnd(returns?.clusters[r.cluster].low, 5),
        return_high: rnd(returns?.clusters[r.cluster].high, 5),
      })),
      standardised: standardisedMeans(ctx, kd.solution.labels, k),
      spend: spendIntervals(
        Float64Array.from(ctx.ingest.customers, (c) => c.monetary),
        kd.solution.labels,
        kd.solution.names,
      ),
      crosstab: kd.solution.crosstab,
      metrics: {
        silhouette: rnd(kd.solution.silhouette, 4),
        davies_bouldin: rnd(kd.solution.davies_bouldin, 4),
        calinski_harabasz: rnd(kd.solution.calinski_harabasz, 1),
      },
    };
  }
  const transformed = profileFeatures(ctx).filter((f) => featureTransform(ctx, f) === "log1p");
  return {
    features_used: ctx.seg.features.used,
    transform: ctx.config.clustering.transform,
    log1p: transformed,
    by_k: byK,
  };
}

export function pcaData(ctx: ReportContext): Record<string, unknown> {
  const { points, explained_variance, loadings, features } = ctx.seg.pca;
  const n = points.length / 2;
  const step = Math.max(1, Math.ceil(n / PCA_MAX_POINTS));
  const picked: number[] = [];
  for (let i = 0; i < n; i += step) picked.push(i);
  const labels: Record<string, string> = {};
  const names: Record<string, string[]> = {};
  for (const [k, kd] of ctx.byK) {
    labels[k] = picked.map((i) => kd.solution.labels[i].toString(36)).join("");
    names[k] = kd.solution.names;
  }
  return {
    explained: explained_variance.map((v) => rnd(v, 4)),
    loadings: loadings.slice(0, 2).map((row) => row.map((v) => rnd(v, 3))),
    features,
    total: n,
    shown: picked.length,
    step,
    points: picked.map((i) => [rnd(points[2 * i], 3), rnd(points[2 * i + 1], 3)]),
    labels,
    names,
  };
}
