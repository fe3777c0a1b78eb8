/**
 * Choice of the number of clusters.
 *
 * Rule for `k: "auto"`: the mean silhouette is the primary criterion (it measures separation and cohesion
 * together and needs no reference distribution). Silhouette differences below SILHOUETTE_TOLERANCE (0.02) are
 * not treated as meaningful, so every k within 0.02 of the best silhouette is admissible; among those, the
 * inertia elbow (Kneedle) wins when it is admissible (the curve and the silhouette agree), otherwise the lowest
 * Davies-Bouldin index; remaining ties go to the smaller k (the simpler segmentation). k values whose silhouette
 * is undefined are never admissible. A configured k is used as is, and the reason says what the rule would pick.
 */

export const SILHOUETTE_TOLERANCE = 0.02;

export interface KCandidate {
  k: number;
  inertia: number;
  silhouette: number;
  davies_bouldin: number;
  calinski_harabasz: number;
}

export interface KChoice {
  k: number;
  /** one sentence with the numbers behind the choice */
  reason: string;
  /** "config" or "auto" */
  rule: "config" | "auto";
  /** the k the automatic rule picks (equal to k when rule is "auto") */
  auto_k: number;
  /** the k within the silhouette tolerance of the best */
  admissible: number[];
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "undefined");
const list = (ks: number[]) =>
  ks.length === 1 ? `${ks[0]}` : `${ks.slice(0, -1).join(", ")} and ${ks[ks.length - 1]}`;

/** The automatic choice (see the module comment) with its reason. */
export function autoK(candidates: readonly KCandidate[], elbowK: number | null): Omit<KChoice, "rule" | "auto_k"> {
  if (!candidates.length) throw new RangeError("autoK: no candidate k");
  const valid = candidates.filter((c) => Number.isFinite(c.silhouette));
  const elbowText = elbowK === null ? "the inertia curve has no elbow" : `the inertia elbow is at k = ${elbowK}`;
  if (!valid.length) {
    const k = elbowK ?? candidates[0].k;
    return {
      k,
      admissible: [],
      reason: `k = ${k}: the silhouette is undefined for every k, so ${elbowK === null ? "the smallest k is used" : "the inertia elbow is used"}.`,
    };
  }
  const best = valid.reduce((a, b) => (b.silhouette > a.silhouette ? b : a));
  const admissible = valid
    .filter((c) => c.silhouette >= best.silhouette - SILHOUETTE_TOLERANCE)
    .sort((a, b) => a.k - b.k);
  const minDb = valid.reduce((a, b) => (b.davies_bouldin < a.davies_bouldin ? b : a));
  const dbText = `Davies-Bouldin is lowest at k = ${minDb.k} (${f3(minDb.davies_bouldin)})`;
  if (admissible.length === 1) {
    const others = valid.filter((c) => c.k !== best.k);
    const next = others.length ? others.reduce((a, b) => (b.silhouette > a.silhouette ? b : a)) : null;
    const elbow = valid.find((c) => c.k === elbowK);
    return {
      k: best.k,
      admissible: [best.k],
      reason:
        `k = ${best.k}: the highest mean silhouette (${f3(best.silhouette)})` +
        (next
          ? `, with no other k within ${SILHOUETTE_TOLERANCE} of it (next best k = ${next.k}, ${f3(next.silhouette)})`
          : "") +
        `; ${elbowText}${elbow && elbow.k !== best.k ? ` (silhouette ${f3(elbow.silhouette)})` : ""} and ${dbText}.`,
    };
  }
  const ks = admissible.map((c) => c.k);
  const head = `k within ${SILHOUETTE_TOLERANCE} of the best mean silhouette (${f3(best.silhouette)} at k = ${best.k}) are ${list(ks)}`;
  const atElbow = admissible.find((c) => c.k === elbowK);
  if (atElbow)
    return {
      k: atElbow.k,
      admissible: ks,
      reason: `k = ${atElbow.k}: ${head}, and the inertia elbow is at k = ${atElbow.k} (silhouette ${f3(atElbow.silhouette)}, Davies-Bouldin ${f3(atElbow.davies_bouldin)}).`,
    };
  const pick = admissible.reduce((a, b) => (b.davies_bouldin < a.davies_bouldin ? b : a));
  return {
    k: pick.k,
    admissible: ks,
    reason: `k = ${pick.k}: ${head}; among them it has the lowest Davies-Bouldin (${f3(pick.davies_bouldin)}), and ${elbowText}${elbowK === null ? "" : ", outside that set"}.`,
  };
}

/** The configured k, or the automatic choice for "auto". */
export function chooseK(
  candidates: readonly KCandidate[],
  configured: number | "auto",
  elbowK: number | null,
): KChoice {
  const auto = autoK(candidates, elbowK);
  if (configured === "auto") return { ...auto, rule: "auto", auto_k: auto.k };
  const c = candidates.find((x) => x.k === configured);
  if (!c) throw new RangeError(`chooseK: configured k = ${configured} is not among the computed solutions`);
  return {
    k: configured,
    rule: "config",
    auto_k: auto.k,
    admissible: auto.admissible,
    reason:
      `k = ${configured} is set in the configuration (clustering.k; silhouette ${f3(c.silhouette)}, Davies-Bouldin ${f3(c.davies_bouldin)}); ` +
      `the automatic rule would pick k = ${auto.k}.`,
  };
}
