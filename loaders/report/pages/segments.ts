/**
 * segments.json (profiles, standardised means, cross-tab, for every k) and pca.json (the scatter).
 *
 * Standardised means: for each feature (all seven customer features, not only the clustering ones), the
 * cluster mean of the transformed feature (the clustering transform, log1p by default) minus the mean over all
 * customers, in standard deviations over all customers. 0 is the average customer.
 *
 * The scatter ships at most PCA_MAX_POINTS customers: every ceil(n / PCA_MAX_POINTS)-th customer in the
 * segmentation's input order (customer id order), which is unrelated to the features; coordinates rounded to
 * 3 decimals, no identifiers. Labels per k are one character per point (base 36).
 */
import { FEATURE_NAMES, type FeatureName } from "../../config.ts";
import type { ReportContext } from "../context.ts";
import { publishRow, rnd, segmentRows } from "../facts.ts";

export const PCA_MAX_POINTS = 2500;

/** Standardised cluster means of every feature for one labelling. */
export function standardisedMeans(
  ctx: ReportContext,
  labels: ArrayLike<number>,
  k: number,
): { features: FeatureName[]; values: number[][] } {
  const customers = ctx.ingest.customers;
  const transform =
    ctx.config.clustering.transform === "log1p" ? (x: number) => Math.log1p(Math.max(0, x)) : (x: number) => x;
  const features = FEATURE_NAMES;
  const values = Array.from({ length: k }, () => new Array<number>(features.length).fill(0));
  features.forEach((f, j) => {
    const col = customers.map((c) => transform(c[f] as number));
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

export function segmentsData(ctx: ReportContext): Record<string, unknown> {
  const byK: Record<string, unknown> = {};
  for (const [k, kd] of ctx.byK) {
    const rows = segmentRows(ctx, kd);
    byK[k] = {
      profiles: rows.map((r) => publishRow(r, k === ctx.seg.k ? ctx.slugs.get(r.name) : undefined)),
      standardised: standardisedMeans(ctx, kd.solution.labels, k),
      crosstab: kd.solution.crosstab,
      metrics: {
        silhouette: rnd(kd.solution.silhouette, 4),
        davies_bouldin: rnd(kd.solution.davies_bouldin, 4),
        calinski_harabasz: rnd(kd.solution.calinski_harabasz, 1),
      },
    };
  }
  return { features_used: ctx.seg.features.used, transform: ctx.config.clustering.transform, by_k: byK };
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
