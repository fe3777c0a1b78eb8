/**
 * The elbow of the inertia curve by Kneedle (Satopaa et al. 2011) for a decreasing, convex curve, offline:
 * normalise k and inertia to [0, 1], take the difference curve (1 - k') - inertia' (the gap below the straight
 * line from the first to the last point) and return the k where it is largest. No elbow (null) with fewer than
 * three k or when no point lies below the line (a straight or concave curve).
 */

export interface Elbow {
  /** the elbow k, or null */
  k: number | null;
  /** the difference curve, aligned with ks */
  difference: number[];
}

/**
 * @example kneedle([1, 2, 3, 4, 5], [100, 40, 20, 15, 12]).k // 2
 */
export function kneedle(ks: readonly number[], inertia: readonly number[]): Elbow {
  const n = ks.length;
  if (n < 3) return { k: null, difference: ks.map(() => 0) };
  const k0 = ks[0];
  const kSpan = ks[n - 1] - k0;
  const yMin = Math.min(...inertia);
  const ySpan = Math.max(...inertia) - yMin;
  if (!(kSpan > 0) || !(ySpan > 0)) return { k: null, difference: ks.map(() => 0) };
  const difference = ks.map((k, i) => 1 - (k - k0) / kSpan - (inertia[i] - yMin) / ySpan);
  let best = -1;
  for (let i = 0; i < n; i++) if (difference[i] > 1e-12 && (best < 0 || difference[i] > difference[best])) best = i;
  return { k: best < 0 ? null : ks[best], difference };
}
