/**
 * Intervals for the behaviour figures a few customers can drive: the return rate of a segment (returned units over
 * units bought) and its median order (units, value). Units and orders are not independent trials: one customer's
 * cancelled order of 80,000 units is 80,000 "returned units". So the intervals are seeded percentile bootstraps over
 * customers, stratified by segment: each resample draws every segment's customers with replacement from that
 * segment (its size fixed), and takes each drawn customer with all their units or orders. The rest of the customers
 * are the other segments of the same resample, and everyone is all of them.
 */
import { Rng } from "../stats/random.ts";
import { medianInPlace } from "../stats/quantile.ts";
import { medianOfCounts, rank } from "../stats/resampled-median.ts";
import { percentiles95, type Interval } from "../stats/intervals.ts";

/** Resamples behind the return-rate and median-order intervals. */
export const BEHAVIOUR_RESAMPLES = 400;

/** Per customer, in the order of the customer table: units returned and bought, and their orders. */
export interface CustomerLines {
  /** units returned (matched to purchases) and units bought before netting: the return rate's parts */
  returned: Float64Array;
  bought: Float64Array;
  /** customer i's orders are at start[i] .. start[i + 1] - 1 of `units` and `value` */
  start: Int32Array;
  units: Float64Array;
  value: Float64Array;
}

/** A figure with its interval, and its ratio to a reference (the rest, or everyone) with that ratio's interval. */
export interface FigureInterval extends Interval {
  value: number;
  ratio: number;
  ratio_low: number;
  ratio_high: number;
}

/** The 2.5th and 97.5th percentiles of the finite statistics (sorted in place); NaN when fewer than half are. */
function percentileInterval(stats: Float64Array): Interval {
  const finite = stats.filter((x) => !Number.isNaN(x)).sort();
  if (finite.length < stats.length / 2) return { low: NaN, high: NaN };
  return percentiles95(finite);
}

function membersOf(labels: ArrayLike<number>, k: number): Int32Array[] {
  const lists: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < labels.length; i++) lists[labels[i]]?.push(i);
  return lists.map((l) => Int32Array.from(l));
}

/**
 * Each cluster's return rate (returned / bought units of its customers) with its interval, and its ratio to the
 * rate of every other customer with that ratio's interval; and the rate of everyone with its interval.
 */
export function returnRateIntervals(
  returned: ArrayLike<number>,
  bought: ArrayLike<number>,
  labels: ArrayLike<number>,
  k: number,
  { seed = 42, resamples = BEHAVIOUR_RESAMPLES }: { seed?: number; resamples?: number } = {},
): { clusters: FigureInterval[]; overall: Interval & { value: number } } {
  const members = membersOf(labels, k);
  // each cluster's members' units returned and bought side by side (2i, 2i + 1), gathered once: a resample reads
  // a drawn customer's pair by its position in the cluster, from one place in memory (the same sums as reading them
  // through the customer's index in the whole table; the page data's pages' part at 1M lines 19.0 -> 17.7 s)
  const unitsOf = members.map((list) => {
    const pairs = new Float64Array(2 * list.length);
    list.forEach((c, i) => {
      pairs[2 * i] = returned[c];
      pairs[2 * i + 1] = bought[c];
    });
    return pairs;
  });
  // the sums of the customers drawn (draws[j][i]: the i-th draw of cluster j, a position in its members), or of
  // every customer
  const sums = (draws: Int32Array[] | null) => {
    const r = new Float64Array(k);
    const b = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      const [units, drawn, n] = [unitsOf[j], draws?.[j], members[j].length];
      let [sr, sb] = [0, 0];
      for (let i = 0; i < n; i++) {
        const c = 2 * (drawn ? drawn[i] : i);
        sr += units[c];
        sb += units[c + 1];
      }
      r[j] = sr;
      b[j] = sb;
    }
    return { r, b };
  };
  const figures = ({ r, b }: { r: Float64Array; b: Float64Array }) => {
    let R = 0;
    let B = 0;
    for (let j = 0; j < k; j++) {
      R += r[j];
      B += b[j];
    }
    const rate = Array.from(r, (x, j) => (b[j] > 0 ? x / b[j] : NaN));
    const ratio = rate.map((x, j) => {
      const rest = B - b[j] > 0 ? (R - r[j]) / (B - b[j]) : NaN;
      return rest > 0 ? x / rest : NaN;
    });
    return { rate, ratio, overall: B > 0 ? R / B : NaN };
  };
  const point = figures(sums(null));
  const rng = new Rng(seed);
  const draws = members.map((list) => new Int32Array(list.length));
  const rates = Array.from({ length: k }, () => new Float64Array(resamples));
  const ratios = Array.from({ length: k }, () => new Float64Array(resamples));
  const overall = new Float64Array(resamples);
  for (let s = 0; s < resamples; s++) {
    // cluster by cluster, each cluster's draws in order
    members.forEach((list, j) => rng.ints(list.length, draws[j]));
    const f = figures(sums(draws));
    for (let j = 0; j < k; j++) {
      rates[j][s] = f.rate[j];
      ratios[j][s] = f.ratio[j];
    }
    overall[s] = f.overall;
  }
  return {
    clusters: point.rate.map((value, j) => {
      const ci = percentileInterval(rates[j]);
      const r = percentileInterval(ratios[j]);
      return { value, ...ci, ratio: point.ratio[j], ratio_low: r.low, ratio_high: r.high };
    }),
    overall: { value: point.overall, ...percentileInterval(overall) },
  };
}

/**
 * Each cluster's median order (of `values`, one per order, grouped by customer through `start`) with its interval,
 * and its ratio to the median order of everyone with that ratio's interval; and everyone's median order with its
 * interval.
 */
export function medianOrderIntervals(
  values: Float64Array,
  start: Int32Array,
  labels: ArrayLike<number>,
  k: number,
  { seed = 42, resamples = BEHAVIOUR_RESAMPLES }: { seed?: number; resamples?: number } = {},
): { clusters: FigureInterval[]; overall: Interval & { value: number } } {
  const members = membersOf(labels, k);
  let buffers = members.map(() => new Float64Array(0));
  let everyoneBuffer = new Float64Array(0);
  // the medians of the orders of the drawn customers (a customer drawn twice brings their orders twice)
  const medians = (draws: Int32Array[]) => {
    const need = draws.map((d) => d.reduce((n, c) => n + start[c + 1] - start[c], 0));
    buffers = buffers.map((buf, j) => (need[j] > buf.length ? new Float64Array(need[j]) : buf));
    const sum = need.reduce((a, b) => a + b, 0);
    if (sum > everyoneBuffer.length) everyoneBuffer = new Float64Array(sum);
    let total = 0;
    const seg = draws.map((d, j) => {
      const buf = buffers[j];
      let m = 0;
      for (const c of d) for (let o = start[c]; o < start[c + 1]; o++) buf[m++] = values[o];
      everyoneBuffer.set(buf.subarray(0, m), total);
      total += m;
      return medianInPlace(buf.subarray(0, m));
    });
    return { seg, everyone: medianInPlace(everyoneBuffer.subarray(0, total)) };
  };
  const point = medians(members);
  const counted = countedMedians(values, start, members);
  const rng = new Rng(seed);
  const segStats = Array.from({ length: k }, () => new Float64Array(resamples));
  const ratioStats = Array.from({ length: k }, () => new Float64Array(resamples));
  const overall = new Float64Array(resamples);
  for (let s = 0; s < resamples; s++) {
    const { seg, everyone } = counted
      ? counted(rng)
      : medians(members.map((list) => Int32Array.from({ length: list.length }, () => list[rng.int(list.length)])));
    overall[s] = everyone;
    seg.forEach((x, j) => {
      segStats[j][s] = x;
      ratioStats[j][s] = everyone > 0 ? x / everyone : NaN;
    });
  }
  return {
    clusters: point.seg.map((value, j) => {
      const ci = percentileInterval(segStats[j]);
      const r = percentileInterval(ratioStats[j]);
      return {
        value,
        ...ci,
        ratio: point.everyone > 0 ? value / point.everyone : NaN,
        ratio_low: r.low,
        ratio_high: r.high,
      };
    }),
    overall: { value: point.everyone, ...percentileInterval(overall) },
  };
}

/**
 * The resample medians of `medianOrderIntervals` from counts (stats/resampled-median.ts): each call draws every
 * cluster's customers (cluster by cluster, as there) and gives each cluster's median order and everyone's, the same
 * bits as sorting out the drawn orders; null when the order values hold a NaN or a negative zero.
 */
function countedMedians(
  values: Float64Array,
  start: Int32Array,
  members: Int32Array[],
): ((rng: Rng) => { seg: number[]; everyone: number }) | null {
  const everyone = rank(values);
  if (!everyone) return null;
  // each order's rank among the orders of its customer's cluster
  const local = new Int32Array(values.length);
  const clusters = members.map((list) => {
    const orders: number[] = [];
    for (const c of list) for (let o = start[c]; o < start[c + 1]; o++) orders.push(o);
    const { distinct, codes } = rank(Float64Array.from(orders, (o) => values[o])) as NonNullable<
      ReturnType<typeof rank>
    >;
    orders.forEach((o, i) => (local[o] = codes[i]));
    return { distinct, counts: new Int32Array(distinct.length), drawn: new Int32Array(list.length) };
  });
  const all = new Int32Array(everyone.distinct.length);
  return (rng) => {
    clusters.forEach((cluster, j) => rng.ints(members[j].length, cluster.drawn));
    all.fill(0);
    let total = 0;
    const seg = clusters.map(({ distinct, counts, drawn }, j) => {
      const list = members[j];
      counts.fill(0);
      let m = 0;
      for (let i = 0; i < drawn.length; i++) {
        const c = list[drawn[i]];
        for (let o = start[c]; o < start[c + 1]; o++) {
          counts[local[o]]++;
          all[everyone.codes[o]]++;
        }
        m += start[c + 1] - start[c];
      }
      total += m;
      return medianOfCounts(counts, distinct, m);
    });
    return { seg, everyone: medianOfCounts(all, everyone.distinct, total) };
  };
}
