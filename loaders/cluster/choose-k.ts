/**
 * Choice of the number of clusters.
 *
 * Rule for `k: "auto"`, over the candidates k_min <= k <= k_max (k_min defaults to 3: on skewed, single-peaked
 * RFM data the silhouette routinely peaks at k = 2, a split of repeat buyers from one-off buyers that puts new
 * customers in with lapsed ones; 2 is a candidate only when the configuration sets k_min = 2):
 *  1. silhouette tolerance: a candidate is admissible when its mean silhouette is within SILHOUETTE_TOLERANCE
 *     (0.05) of the best candidate's. Differences that small are not a meaningful ranking of partitions (on
 *     Kaufman & Rousseeuw's scale the bands of structure are 0.25 wide), so the silhouette only rules out
 *     clearly worse k;
 *  2. elbow: among admissible k, the inertia elbow (Kneedle) is preferred, then the admissible k nearest to it
 *     (ties: the smaller k); without an elbow, the higher silhouette (ties: the smaller k);
 *  3. stability: candidates are taken in that order and the first whose bootstrap stability (mean adjusted Rand
 *     index over `bootstrap_runs` resamples, stability.ts) reaches STABILITY_MIN (0.8) is chosen. Stability is
 *     measured lazily, only for the candidates the rule reaches (usually just the elbow, whose figure the
 *     validation reuses), so the check costs nothing extra when the elbow is stable. When no admissible k is
 *     stable, the most stable is chosen and the reason says so; with bootstrap_runs = 0 stability is not measured
 *     and the reason says that too.
 * The reason also names the k with the best silhouette over every computed k (2 included) and why it was not
 * taken. k values whose silhouette is undefined are never admissible. A configured k is used as is, and the
 * reason says what the rule would pick.
 */

export const SILHOUETTE_TOLERANCE = 0.05;
export const STABILITY_MIN = 0.8;

export interface KCandidate {
  k: number;
  inertia: number;
  silhouette: number;
  davies_bouldin: number;
  calinski_harabasz: number;
}

/**
 * Mean bootstrap ARI of the solution at k, or null when stability is not measured (bootstrap_runs = 0); may be a
 * promise (the bootstrap refits let a pending signal be handled between them).
 */
export type StabilityOf = (k: number) => number | null | Promise<number | null>;

export interface KChoiceOptions {
  /** smallest k the automatic rule may choose */
  kMin: number;
  /** measures (or looks up) the stability of a candidate; omitted: not measured */
  stability?: StabilityOf;
}

export interface KChoice {
  k: number;
  /** one sentence with the numbers behind the choice */
  reason: string;
  /** "config" or "auto" */
  rule: "config" | "auto";
  /** the k the automatic rule picks (equal to k when rule is "auto") */
  auto_k: number;
  /** candidates (k >= k_min) within the silhouette tolerance of the best candidate */
  admissible: number[];
  /** the k with the highest silhouette over every computed k (k_min not applied) */
  silhouette_best_k: number | null;
  /** stability measured by the rule, in the order it was measured */
  stability_checked: { k: number; mean_ari: number | null }[];
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "undefined");
const list = (ks: number[]) =>
  ks.length === 1 ? `${ks[0]}` : `${ks.slice(0, -1).join(", ")} and ${ks[ks.length - 1]}`;
const bestBySilhouette = (cs: readonly KCandidate[]) =>
  cs.reduce((a, b) => (b.silhouette > a.silhouette || (b.silhouette === a.silhouette && b.k < a.k) ? b : a));

/** The order in which admissible candidates are tried (see the module comment, step 2). */
export function preferenceOrder(admissible: readonly KCandidate[], elbowK: number | null): KCandidate[] {
  return [...admissible].sort((a, b) =>
    elbowK === null
      ? b.silhouette - a.silhouette || a.k - b.k
      : Math.abs(a.k - elbowK) - Math.abs(b.k - elbowK) || a.k - b.k,
  );
}

/** The automatic choice (see the module comment) with its reason. */
export async function autoK(
  candidates: readonly KCandidate[],
  elbowK: number | null,
  options: KChoiceOptions,
): Promise<Omit<KChoice, "rule" | "auto_k">> {
  if (!candidates.length) throw new RangeError("autoK: no candidate k");
  const valid = candidates.filter((c) => Number.isFinite(c.silhouette));
  const overall = valid.length ? bestBySilhouette(valid) : null;
  const kMin = Math.min(options.kMin, Math.max(...candidates.map((c) => c.k)));
  const pool = valid.filter((c) => c.k >= kMin);
  const range = `k = ${kMin} to ${Math.max(...candidates.map((c) => c.k))}`;
  if (!pool.length) {
    const k = elbowK ?? Math.max(kMin, candidates[0].k);
    return {
      k,
      admissible: [],
      silhouette_best_k: overall?.k ?? null,
      stability_checked: [],
      reason: `k = ${k}: the silhouette is undefined for every k in ${range}, so ${elbowK === null ? "the smallest k is used" : "the inertia elbow is used"}.`,
    };
  }
  const best = bestBySilhouette(pool);
  const admissible = pool
    .filter((c) => c.silhouette >= best.silhouette - SILHOUETTE_TOLERANCE)
    .sort((a, b) => a.k - b.k);
  const ks = admissible.map((c) => c.k);
  const checked: { k: number; mean_ari: number | null }[] = [];
  let pick: KCandidate | null = null;
  let stabilityText = "";
  for (const c of preferenceOrder(admissible, elbowK)) {
    const ari = options.stability ? await options.stability(c.k) : null;
    checked.push({ k: c.k, mean_ari: ari });
    if (ari === null) {
      pick = c;
      stabilityText = "stability was not measured (bootstrap_runs = 0)";
      break;
    }
    if (ari >= STABILITY_MIN) {
      pick = c;
      const failed = checked.slice(0, -1);
      stabilityText =
        `its bootstrap stability is ${f3(ari)} (mean adjusted Rand index, at least ${STABILITY_MIN} required)` +
        (failed.length
          ? `; ${failed.map((x) => `k = ${x.k} (${f3(x.mean_ari as number)})`).join(", ")} came first but ${failed.length === 1 ? "is" : "are"} less stable`
          : "");
      break;
    }
  }
  if (!pick) {
    const most = checked.reduce((a, b) => ((b.mean_ari as number) > (a.mean_ari as number) ? b : a));
    pick = admissible.find((c) => c.k === most.k) as KCandidate;
    stabilityText = `no admissible k reaches a bootstrap stability of ${STABILITY_MIN}, so the most stable is used (${f3(most.mean_ari as number)}): treat the boundaries with caution`;
  }
  const why =
    pick.k === elbowK
      ? "the inertia elbow"
      : elbowK === null
        ? "the inertia curve has no elbow; the highest silhouette among the stable admissible k"
        : `the inertia elbow is at k = ${elbowK}${ks.includes(elbowK) ? "" : ", outside the admissible set"}; the admissible k nearest to it`;
  let reason =
    `k = ${pick.k}: ${why} (silhouette ${f3(pick.silhouette)}). Among ${range}, ` +
    (ks.length === 1 ? `only k = ${ks[0]} has` : `k = ${list(ks)} have`) +
    ` a mean silhouette within ${SILHOUETTE_TOLERANCE} of the best (${f3(best.silhouette)} at k = ${best.k}), and ${stabilityText}.`;
  if (overall && overall.k !== pick.k) {
    const notTaken =
      overall.k < kMin
        ? `below clustering.k_min = ${kMin} (fewer than ${kMin} segments cannot tell new customers from lapsed ones; set k_min to 2 to allow it)`
        : overall.k === best.k && checked.some((x) => x.k === overall.k)
          ? "less stable than the choice"
          : `within the tolerance, and the rule prefers the elbow to silhouette differences that small`;
    reason += ` The highest silhouette over every computed k is at k = ${overall.k} (${f3(overall.silhouette)}), not taken: ${notTaken}.`;
  }
  return { k: pick.k, admissible: ks, silhouette_best_k: overall?.k ?? null, stability_checked: checked, reason };
}

/** The configured k, or the automatic choice for "auto". */
export async function chooseK(
  candidates: readonly KCandidate[],
  configured: number | "auto",
  elbowK: number | null,
  options: KChoiceOptions,
): Promise<KChoice> {
  const auto = await autoK(candidates, elbowK, options);
  if (configured === "auto") return { ...auto, rule: "auto", auto_k: auto.k };
  const c = candidates.find((x) => x.k === configured);
  if (!c) throw new RangeError(`chooseK: configured k = ${configured} is not among the computed solutions`);
  return {
    ...auto,
    k: configured,
    rule: "config",
    auto_k: auto.k,
    reason:
      `k = ${configured} is set in the configuration (clustering.k; silhouette ${f3(c.silhouette)}, Davies-Bouldin ${f3(c.davies_bouldin)}); ` +
      `the automatic rule would pick k = ${auto.k}.`,
  };
}
