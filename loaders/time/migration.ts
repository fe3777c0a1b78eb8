/**
 * Segment migration between an earlier date and the snapshot. Both dates' segments come from the same model (the
 * earlier customers' features, computed from the lines before the earlier date, are scored with today's model), so
 * a segment means the same at both dates. Each customer is one flow from their earlier segment (or NOT_YET: no
 * purchase before the earlier date) to their segment now (or NOT_NOW: no longer among the analysed customers, e.g.
 * set aside as fully returned under the net basis); customers with no purchase since the earlier date stay in their
 * flow and are counted in it (`no_purchase_since`). The flows add up to the customers at each date.
 *
 * Refitted centres: the same method and k fitted on the earlier customers alone (their own scaler), its centres put
 * in today's scaled space and paired with today's centres greedily by distance (closest pair first), so a reader
 * sees whether the segments themselves moved.
 */
import { buildFeatures, toOriginalUnits } from "../cluster/features.ts";
import type { ClusterMethod } from "../cluster/method.ts";
import { clusterOrder } from "../cluster/profile.ts";
import { LAPSED_NAMES } from "../cluster/traits.ts";
import type { ClusteringConfig } from "../config.ts";
import type { Model } from "../model/schema.ts";
import type { CustomerFeatures } from "../types.ts";

export const NOT_YET = "Not yet a customer";
export const NOT_NOW = "No longer analysed";
/** the earlier segment must have at least this many customers for the narrative to speak of it */
export const MIN_NARRATIVE_CUSTOMERS = 10;

export interface Flow {
  from: string;
  to: string;
  customers: number;
  /** the customers' revenue to the snapshot (0 for NOT_NOW) */
  revenue: number;
  /** their revenue between the dates: revenue now - revenue at the earlier date */
  revenue_since: number;
  /** of them, customers with no purchase on or after the earlier date */
  no_purchase_since: number;
}

export interface CentreShift {
  segment: string;
  /** today's centre, original units per feature */
  now: Record<string, number>;
  /** the paired centre of the model refitted at the earlier date, original units */
  before: Record<string, number>;
  /** distance between them in today's scaled units */
  distance: number;
}

export interface Migration {
  from_date: string;
  to_date: string;
  days_before: number;
  customers_from: number;
  customers_to: number;
  flows: Flow[];
  /** null when the earlier customers are too few to refit k clusters */
  centre_shift: CentreShift[] | null;
  narrative: string[];
}

/** A customer at one date: segment, revenue to that date, last purchase day. */
export interface Placed {
  customer_id: string;
  segment: string;
  monetary: number;
  last_purchase: string;
}

/** The flows between the earlier and the current placement of customers (see the module comment). */
export function migrationFlows(
  before: readonly Placed[],
  now: readonly Placed[],
  fromDate: string,
  order: readonly string[],
): Flow[] {
  const earlier = new Map(before.map((c) => [c.customer_id, c]));
  const flows = new Map<string, Flow>();
  const add = (from: string, to: string, revenue: number, since: number, idle: boolean) => {
    const key = JSON.stringify([from, to]);
    let f = flows.get(key);
    if (!f) flows.set(key, (f = { from, to, customers: 0, revenue: 0, revenue_since: 0, no_purchase_since: 0 }));
    f.customers++;
    f.revenue += revenue;
    f.revenue_since += since;
    if (idle) f.no_purchase_since++;
  };
  const seen = new Set<string>();
  for (const c of now) {
    const b = earlier.get(c.customer_id);
    seen.add(c.customer_id);
    add(b?.segment ?? NOT_YET, c.segment, c.monetary, c.monetary - (b?.monetary ?? 0), c.last_purchase < fromDate);
  }
  for (const b of before) if (!seen.has(b.customer_id)) add(b.segment, NOT_NOW, 0, -b.monetary, false);
  const rank = (name: string, edge: string) => (name === edge ? order.length : order.indexOf(name));
  return [...flows.values()].sort(
    (a, b) => rank(a.from, NOT_YET) - rank(b.from, NOT_YET) || rank(a.to, NOT_NOW) - rank(b.to, NOT_NOW),
  );
}

/** Whether a segment name says its members have stopped buying (a grid name, with or without a suffix). */
export function isLapsedName(name: string): boolean {
  return LAPSED_NAMES.has(name.replace(/ \(.*\)$/, ""));
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const money = (x: number, currency: string) => `${currency}${x.toLocaleString("en-US", { maximumFractionDigits: 0 })}`;

/**
 * Sentences from the flows, each only where its numbers support it: how many of the top segment (cluster 0, the
 * highest median spend) are now in a lapsed segment and their revenue, and the largest move between two segments.
 */
export function migrationNarrative(
  flows: readonly Flow[],
  model: Pick<Model, "segments">,
  fromDate: string,
  currency: string,
): string[] {
  const out: string[] = [];
  const top = model.segments[0].name;
  const fromTop = flows.filter((f) => f.from === top);
  const topCount = fromTop.reduce((a, f) => a + f.customers, 0);
  if (topCount >= MIN_NARRATIVE_CUSTOMERS) {
    const lapsed = fromTop.filter((f) => isLapsedName(f.to));
    const n = lapsed.reduce((a, f) => a + f.customers, 0);
    const revenue = lapsed.reduce((a, f) => a + f.revenue, 0);
    const stayed = fromTop.find((f) => f.to === top)?.customers ?? 0;
    out.push(
      n > 0
        ? `Of the ${topCount.toLocaleString("en-US")} customers in ${top} on ${fromDate}, ${n.toLocaleString("en-US")} (${pct(n / topCount)}) are now in a lapsed segment (${[...new Set(lapsed.map((f) => f.to))].join(", ")}); they brought ${money(revenue, currency)} in all.`
        : `None of the ${topCount.toLocaleString("en-US")} customers in ${top} on ${fromDate} are now in a lapsed segment; ${pct(stayed / topCount)} are still in ${top}.`,
    );
  }
  const moves = flows.filter((f) => f.from !== f.to && f.from !== NOT_YET && f.to !== NOT_NOW);
  const largest = [...moves].sort((a, b) => b.customers - a.customers)[0];
  if (largest) {
    const fromCount = flows.filter((f) => f.from === largest.from).reduce((a, f) => a + f.customers, 0);
    if (fromCount >= MIN_NARRATIVE_CUSTOMERS)
      out.push(
        `The largest move between segments: ${largest.customers.toLocaleString("en-US")} customers (${pct(largest.customers / fromCount)} of ${largest.from}) went from ${largest.from} to ${largest.to}` +
          (largest.no_purchase_since === largest.customers
            ? ", none of them with a purchase since."
            : largest.no_purchase_since > 0
              ? `, ${pct(largest.no_purchase_since / largest.customers)} of them without a purchase since.`
              : "."),
      );
  }
  const fresh = flows.filter((f) => f.from === NOT_YET).reduce((a, f) => a + f.customers, 0);
  if (fresh > 0) out.push(`${fresh.toLocaleString("en-US")} customers made their first purchase after ${fromDate}.`);
  return out;
}

/**
 * Today's centres against the centres of the same method and k refitted on the earlier customers (see the module
 * comment); null when the earlier customers cannot hold k clusters.
 */
export function centreShift(
  model: Pick<Model, "features" | "clustering" | "segments">,
  earlier: readonly CustomerFeatures[],
  clustering: ClusteringConfig,
  method: ClusterMethod,
): CentreShift[] | null {
  const k = model.clustering.k;
  if (earlier.length <= k) return null;
  const features = buildFeatures(
    earlier,
    {
      ...clustering,
      features: [...model.features.names],
      correlation_threshold: 1,
      scaler: model.features.scaler,
    },
    model.features.transform,
  );
  const d = features.used.length;
  const distinct = new Set<string>();
  for (let i = 0; i < features.matrix.rows && distinct.size <= k; i++)
    distinct.add(Array.from(features.matrix.data.subarray(i * d, i * d + d)).join(","));
  if (distinct.size <= k) return null;
  const fit = method.fit(features.matrix, k, clustering.seed);
  const monetary = Float64Array.from(earlier, (c) => c.monetary);
  const order = clusterOrder(monetary, fit.labels, k);
  const now = model.clustering.assignment.centres;
  const { center, scale, transform, names } = model.features;
  // earlier centres in today's scaled space
  const before = order.map((old) => {
    const scaled = Array.from(fit.centroids.subarray(old * d, old * d + d));
    const transformed = scaled.map((v, j) => v * features.scale[j] + features.center[j]);
    return { scaled, inToday: transformed.map((v, j) => (v - center[j]) / scale[j]) };
  });
  const pairs: { i: number; j: number; dist: number }[] = [];
  now.forEach((c, i) =>
    before.forEach((b, j) => pairs.push({ i, j, dist: Math.hypot(...c.map((v, f) => v - b.inToday[f])) })),
  );
  pairs.sort((a, b) => a.dist - b.dist || a.i - b.i || a.j - b.j);
  const pairedNow = new Map<number, { j: number; dist: number }>();
  const usedBefore = new Set<number>();
  for (const p of pairs)
    if (!pairedNow.has(p.i) && !usedBefore.has(p.j)) {
      pairedNow.set(p.i, { j: p.j, dist: p.dist });
      usedBefore.add(p.j);
    }
  const todayUnits = { used: names, center, scale, transforms: transform };
  return now.map((c, i) => {
    const p = pairedNow.get(i)!;
    return {
      segment: model.segments[i].name,
      now: toOriginalUnits(c, todayUnits),
      before: toOriginalUnits(before[p.j].scaled, features),
      distance: p.dist,
    };
  });
}
