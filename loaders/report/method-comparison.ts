/**
 * The methodology page's method comparison (issue 22): each method's compared solution with its metrics, the
 * cross-tables against the K-Means segments, Ward's dendrogram, and one guarded sentence on which method fits
 * best. The sentence names a method only when the silhouette and Davies-Bouldin agree on it, and calls the
 * methods in agreement with K-Means only when the adjusted Rand index says so (AGREE_ARI).
 */
import type { MethodEntry } from "../cluster/compare.ts";
import type { ClusterMethodName } from "../cluster/settings.ts";
import type { ReportContext } from "./context.ts";
import { formatInt, formatPercent } from "./format.ts";
import { rnd } from "./facts.ts";

/** ARI at or above which two labellings are called in agreement; below PARTLY_ARI they tell different stories. */
export const AGREE_ARI = 0.8;
export const PARTLY_ARI = 0.5;

export const METHOD_LABELS: Record<ClusterMethodName, string> = {
  kmeans: "K-Means",
  gmm: "Gaussian mixture",
  ward: "Ward hierarchical",
  dbscan: "DBSCAN",
};

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "undefined");

function entryData(e: MethodEntry) {
  return {
    method: e.method,
    label: METHOD_LABELS[e.method],
    k: e.k,
    silhouette: rnd(e.silhouette, 4),
    davies_bouldin: rnd(e.davies_bouldin, 4),
    calinski_harabasz: rnd(e.calinski_harabasz, 1),
    sizes: e.sizes,
    ari_vs_kmeans: rnd(e.ari_vs_kmeans, 4),
    chosen: e.chosen,
    covariance: e.covariance ?? null,
    bic: e.bic === undefined ? null : rnd(e.bic, 1),
    log_likelihood: e.log_likelihood === undefined ? null : rnd(e.log_likelihood, 4),
    uncertain_share: e.uncertain_share?.map((x) => rnd(x, 4)) ?? null,
    uncertain_overall: e.uncertain_overall === undefined ? null : rnd(e.uncertain_overall, 4),
    silhouette_best: e.silhouette_best
      ? { ...e.silhouette_best, silhouette: rnd(e.silhouette_best.silhouette, 4) }
      : null,
    eps: e.eps === undefined ? null : rnd(e.eps, 4),
    min_samples: e.min_samples ?? null,
    noise_share: e.noise_share === undefined ? null : rnd(e.noise_share, 4),
    small_clusters: e.small_clusters ?? null,
    dbscan_sample: e.dbscan_sample ?? null,
  };
}

/** The guarded statement (see the module comment), from the compared solutions. */
export function comparisonStatement(chosen: readonly MethodEntry[], kMax: number, kMin = 3): string {
  const valid = chosen.filter((e) => Number.isFinite(e.silhouette) && Number.isFinite(e.davies_bouldin));
  const out: string[] = [];
  if (valid.length >= 2) {
    const bySil = valid.reduce((a, b) => (b.silhouette > a.silhouette ? b : a));
    const byDb = valid.reduce((a, b) => (b.davies_bouldin < a.davies_bouldin ? b : a));
    const metric = (e: MethodEntry) =>
      `${METHOD_LABELS[e.method]} (k = ${e.k}): silhouette ${f3(e.silhouette)}, Davies-Bouldin ${f3(e.davies_bouldin)}`;
    out.push(
      bySil.method === byDb.method
        ? `On these features ${METHOD_LABELS[bySil.method]} separates the customers best: it has both the highest silhouette and the lowest Davies-Bouldin index of the compared solutions (${valid.map(metric).join("; ")}). Both measures favour compact, round groups, K-Means' own objective, so this says which partition is most clearly separated, not which story is true.`
        : `No method fits best on both measures: the highest silhouette is ${METHOD_LABELS[bySil.method]}'s and the lowest Davies-Bouldin ${METHOD_LABELS[byDb.method]}'s (${valid.map(metric).join("; ")}).`,
    );
  }
  const others = chosen.filter((e) => e.method !== "kmeans");
  const agree = others.filter((e) => e.ari_vs_kmeans >= AGREE_ARI);
  const partly = others.filter((e) => e.ari_vs_kmeans >= PARTLY_ARI && e.ari_vs_kmeans < AGREE_ARI);
  const differ = others.filter((e) => e.ari_vs_kmeans < PARTLY_ARI);
  const names = (es: MethodEntry[]) =>
    es.map((e) => `${METHOD_LABELS[e.method]} (adjusted Rand index ${f3(e.ari_vs_kmeans)})`).join(", ");
  if (agree.length === others.length && others.length)
    out.push(`All methods agree with the K-Means segments: ${names(agree)}.`);
  else {
    if (agree.length) out.push(`In agreement with the K-Means segments: ${names(agree)}.`);
    if (partly.length) out.push(`Partly in agreement (the same broad groups, different boundaries): ${names(partly)}.`);
    if (differ.length)
      out.push(
        `Telling a different story from K-Means: ${names(differ)}; the cross-tables below show where their groups cut across the segments.`,
      );
  }
  const gmm = chosen.find((e) => e.method === "gmm");
  const best = gmm?.silhouette_best;
  if (gmm && best)
    out.push(
      best.k === gmm.k && best.covariance === gmm.covariance
        ? `The mixture's BIC and its silhouette pick the same solution: ${gmm.covariance} covariance, k = ${gmm.k}.`
        : `The mixture's k comes from BIC: ${gmm.covariance} covariance, k = ${gmm.k} (silhouette ${f3(gmm.silhouette)}); the silhouette rule (its highest silhouette among k >= ${Math.min(kMin, kMax)}) would pick ${best.covariance} covariance, k = ${best.k} (silhouette ${f3(best.silhouette)}).`,
    );
  if (gmm && gmm.k === kMax)
    out.push(
      `The mixture's BIC is lowest at the largest k computed (${kMax}): it keeps rewarding more components, typically narrow ones on repeated values such as customers with one order, so its k is not a number of segments to adopt.`,
    );
  const db = chosen.find((e) => e.method === "dbscan");
  if (db && db.noise_share !== undefined) {
    const small = db.small_clusters ?? 0;
    const kept = db.k - (db.noise_share > 0 ? 1 : 0) - (small ? 1 : 0);
    out.push(
      `DBSCAN leaves ${formatPercent(db.noise_share)} of customers as noise and finds ${kept + small} dense group(s) at eps ${f3(db.eps ?? NaN)}${small ? ` (${small} of them small, shown merged as one group)` : ""}${db.dbscan_sample ? `, run on a seeded sample of ${formatInt(db.dbscan_sample)} customers with the rest joined to the nearest core customer within eps` : ""}: customer features are one continuous cloud more than separate dense groups${kept <= 2 ? ", so density alone does not segment them" : ""}.`,
    );
  }
  return out.join(" ");
}

/** methodology.json's `method_comparison` (null when clustering.methods.compare is off). */
export function methodComparisonData(ctx: ReportContext): Record<string, unknown> | null {
  const comparison = ctx.seg.method_comparison;
  if (!comparison || !ctx.seg.methods.length) return null;
  const chosen = ctx.seg.methods.filter((e) => e.chosen);
  return {
    driver: ctx.seg.method,
    driver_label: METHOD_LABELS[ctx.seg.method],
    chosen: chosen.map(entryData),
    entries: ctx.seg.methods.map(entryData),
    crosstabs: comparison.crosstabs.map((t) => ({ ...t, label: METHOD_LABELS[t.method] })),
    dendrogram: {
      nodes: comparison.dendrogram.nodes.map((n) => ({ ...n, height: rnd(n.height, 4) })),
      leaves: comparison.dendrogram.leaves.map((l) => ({ ...l, segment_share: rnd(l.segment_share, 4) })),
      sample: comparison.dendrogram.sample,
    },
    statement: comparisonStatement(chosen, ctx.seg.settings.k_max, ctx.seg.settings.k_min),
  };
}
