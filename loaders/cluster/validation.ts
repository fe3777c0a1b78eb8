/**
 * How strongly each clustering feature separates the clusters of a solution: one-way ANOVA (F, p, eta squared) and
 * Kruskal-Wallis (H, p) on the clustering scale. The clusters were formed on these features, so the p-values are
 * ~0 by construction; read the effect sizes.
 */
import type { FeatureTest, KSolution } from "../pipeline/types.ts";
import { kruskalWallis, oneWayAnova } from "../stats/tests.ts";
import type { FeatureSet } from "./features.ts";

export function featureTests(features: FeatureSet, chosen: Pick<KSolution, "labels" | "k">): FeatureTest[] {
  const X = features.matrix;
  const n = X.rows;
  const d = X.cols;
  return features.used.map((feature, j) => {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = X.data[i * d + j];
    const a = oneWayAnova(values, chosen.labels, chosen.k);
    const kw = kruskalWallis(values, chosen.labels, chosen.k);
    return { feature, F: a.F, p: a.p, eta_squared: a.eta_squared, H: kw.H, p_kw: kw.p, anova: a, kruskal: kw };
  });
}
