/**
 * The report's narrative: build-time statements made from the data, each with the figures it quotes
 * (formatted here, once) and the page holding its evidence. Pages only interpolate `text`; no number is typed
 * by hand in the prose.
 *
 * Every comparative claim is guarded: "X has the highest return rate" is made only when X really is the
 * highest, by a margin worth reporting (RATIO_MIN of the figure of the rest of the customers, every other segment
 * pooled: the overall figure would be dominated by the largest segment) and on a segment large enough to matter
 * (MIN_SEGMENT_SHARE of customers); otherwise a spread statement says how far the segments are apart, and calls
 * them similar only when every eligible segment is within RATIO_MIN of every other.
 *
 * Ranking (issue 19): a comparative statement carries its evidence, the effect as the log of a ratio (a segment's
 * response rate against the rest's, its share of revenue against its share of customers, spend abroad against at
 * home within segments) with a 95% interval; a level (concentration, the share of one-time buyers) compares
 * nothing and carries none. The executive summary's headlines are the statements whose interval excludes no effect (ratio 1),
 * from every page, ranked by the end of the interval nearest no effect (the effect the data supports at least);
 * the other statements follow by their score in [0, 1], and are not headlines.
 */
import {
  DAY_NAMES,
  formatHourRange,
  formatInt,
  formatMoney,
  formatMonth,
  formatMultiple,
  formatNumber,
  formatP,
  formatPercent,
} from "./format.ts";
import { gini, minimalShareFor, topShare } from "../stats/concentration.ts";
import { apart, wilson, Z95, zTwoSided, type Interval } from "../stats/intervals.ts";
import { Rng } from "../stats/random.ts";
import {
  ONE_CUSTOMER_SHARE,
  type Evidence,
  type Insight,
  type InsightFacts,
  type PageName,
  type SegmentFacts,
} from "./facts.ts";
import type { FigureInterval } from "./order-intervals.ts";

export {
  ONE_CUSTOMER_SHARE,
  oneCustomerReturnsNote,
  type Insight,
  type InsightFacts,
  type PageName,
  type SegmentFacts,
} from "./facts.ts";

/** A comparative claim needs the leader this many times the figure of the rest of the customers. */
export const RATIO_MIN = 1.25;
/** ... and the leading segment at least this share of customers. */
export const MIN_SEGMENT_SHARE = 0.02;
/** ... and at least this many customers. */
export const MIN_SEGMENT_CUSTOMERS = 10;

const clamp = (x: number, lo = 0, hi = 1) => Math.min(hi, Math.max(lo, x));
/** How the narrative names a drop reason. */
const REASON_WORDS: Record<string, string> = {
  cancellation: "being cancellations",
  missing_customer: "having no customer id",
  nonpositive_quantity: "a zero or negative quantity",
  nonpositive_price: "a zero or negative price",
  missing_order: "belonging to no order in the orders table",
  nonpositive_amount: "a zero or negative amount",
  non_product_code: "being non-product codes (postage, fees)",
  duplicate: "being exact duplicates",
  returned: "being returned in full",
  fully_returned: "belonging to customers who returned everything",
  // customer-level tables
  duplicate_customer: "repeating a customer id",
  missing_value: "an empty value the segmentation needs",
  impossible_value: "an impossible value",
};
const label = (reason: string) => REASON_WORDS[reason] ?? reason.replace(/_/g, " ");

/** Segments big enough for a comparative claim. */
function eligible(facts: InsightFacts): SegmentFacts[] {
  return facts.segments.filter(
    (s) => s.customers >= MIN_SEGMENT_CUSTOMERS && s.customers >= MIN_SEGMENT_SHARE * facts.customers && s.orders > 0,
  );
}

/** A per-segment ratio (units per order, order value, return rate) as numerator / denominator sums. */
export interface RatioMetric {
  num: (s: SegmentFacts) => number;
  den: (s: SegmentFacts) => number;
}

const ratioOf = (num: number, den: number) => (den > 0 ? num / den : NaN);

/** The metric's value for the customers of `segments` taken together (sums, not a mean of segment ratios). */
export function pooled(segments: readonly SegmentFacts[], metric: RatioMetric): number {
  let num = 0;
  let den = 0;
  for (const s of segments) {
    num += metric.num(s);
    den += metric.den(s);
  }
  return ratioOf(num, den);
}

/**
 * The segment leading on `metric` by a reportable margin over the rest of the customers, or null: among the
 * `candidates` (segments large enough for a claim) it must hold the strict maximum, and its value must reach
 * RATIO_MIN x the value of all other customers pooled (every other segment of `all`, eligible or not). Comparing
 * with the rest rather than the overall figure keeps the largest segment from diluting the comparison.
 */
export function leader(
  candidates: readonly SegmentFacts[],
  all: readonly SegmentFacts[],
  metric: RatioMetric,
): { segment: SegmentFacts; value: number; rest: number; ratio: number; runner_up: number } | null {
  const value = (s: SegmentFacts) => ratioOf(metric.num(s), metric.den(s));
  const sorted = candidates.filter((s) => Number.isFinite(value(s))).sort((a, b) => value(b) - value(a));
  if (!sorted.length) return null;
  const top = sorted[0];
  const second = sorted.length > 1 ? value(sorted[1]) : -Infinity;
  if (!(value(top) > second)) return null;
  const rest = pooled(
    all.filter((s) => s !== top),
    metric,
  );
  if (!(rest > 0)) return null;
  const ratio = value(top) / rest;
  if (!(ratio >= RATIO_MIN)) return null;
  return { segment: top, value: value(top), rest, ratio, runner_up: second };
}

/**
 * One statement for a segment leading on both basket size and order value ("Champions have the largest baskets
 * (...) and the highest average order value (...)"), replacing the two claims; null unless both are made for the
 * same segment.
 */
export function mergeLeaders(baskets: Insight | null, aov: Insight | null): Insight | null {
  if (!baskets || !aov || baskets.figures.segment !== aov.figures.segment) return null;
  const span = (i: Insight) =>
    `95% interval ${formatNumber(Number(i.figures.ratio_low), 2)}–${formatNumber(Number(i.figures.ratio_high), 2)}`;
  return {
    id: "baskets_and_order_value",
    rank: 0,
    score: Math.min(0.9, Math.max(baskets.score, aov.score) + 0.05),
    evidence: baskets.evidence && aov.evidence ? weaker(baskets.evidence, aov.evidence) : undefined,
    text:
      `${baskets.figures.segment} have the largest baskets (a median order of ${baskets.figures.value}, ${baskets.figures.ratio} the median order overall; ${span(baskets)}) ` +
      `and the highest order values (median ${aov.figures.value}, ${aov.figures.ratio}; ${span(aov)}).`,
    page: "behaviour",
    anchor: "baskets",
    figures: { segment: baskets.figures.segment, basket_ratio: baskets.figures.ratio, aov_ratio: aov.figures.ratio },
  };
}

/** "13.4% of customers generate 50.2% of revenue; the top 20% generate 61.8% (Gini 0.71)". */
export function concentrationInsight(facts: InsightFacts): Insight | null {
  const values = facts.monetary;
  if (!values.length || !(facts.revenue > 0)) return null;
  const half = minimalShareFor(values, 0.5);
  const top20 = topShare(values, 0.2);
  const g = gini(values);
  const level =
    g >= 0.7
      ? "highly concentrated"
      : g >= 0.5
        ? "concentrated"
        : g >= 0.3
          ? "moderately concentrated"
          : "evenly spread";
  const text =
    `${formatPercent(half.customer_share)} of customers generate ${formatPercent(half.revenue_share)} of revenue; ` +
    `the top 20% generate ${formatPercent(top20)}. Revenue is ${level} (Gini ${g.toFixed(2)}).`;
  return {
    id: "concentration",
    rank: 0,
    score: clamp(0.5 + (0.5 - half.customer_share)),
    // a level, not a comparison: the top fifth is chosen by spend, so "it out-spends the rest" holds of any data
    text,
    page: "",
    anchor: "concentration",
    figures: {
      customer_share: formatPercent(half.customer_share),
      revenue_share: formatPercent(half.revenue_share),
      customers: formatInt(half.customers),
      top20_share: formatPercent(top20),
      gini: g.toFixed(2),
      level,
      gini_value: g,
      customer_share_value: half.customer_share,
      revenue_share_value: half.revenue_share,
      top20_share_value: top20,
    },
  };
}

/** The segment whose revenue share most exceeds its customer share (index >= 1.5). */
export function topSegmentInsight(facts: InsightFacts): Insight | null {
  if (!(facts.revenue > 0) || !(facts.customers > 0)) return null;
  const ranked = eligible(facts)
    .map((s) => ({ s, cs: s.customers / facts.customers, rs: s.revenue / facts.revenue }))
    .map((x) => ({ ...x, index: x.rs / x.cs }))
    .sort((a, b) => b.index - a.index);
  const top = ranked[0];
  if (!top || !(top.index >= 1.5)) return null;
  return {
    id: "top_segment",
    rank: 0,
    score: clamp(0.4 + 0.25 * Math.log2(top.index)),
    evidence: segmentIndexEvidence(facts, top.s),
    text:
      `${top.s.name} are ${formatPercent(top.cs)} of customers but bring ${formatPercent(top.rs)} of revenue ` +
      `(${formatMultiple(top.index)} their share of customers).`,
    page: "segments",
    anchor: "profiles",
    figures: {
      segment: top.s.name,
      customer_share: formatPercent(top.cs),
      revenue_share: formatPercent(top.rs),
      index: formatMultiple(top.index),
      index_value: top.index,
    },
  };
}

/**
 * A claim about the typical order of a segment: its median order against the median order overall. The mean order
 * (units / orders) is driven by a few very large orders, so it is not used for "the largest baskets".
 */
interface MedianClaim {
  id: string;
  subject: string;
  metric: string;
  value: (s: SegmentFacts) => number | undefined;
  overall: number | undefined;
  /** the bootstrap interval of the segment's median order and of its ratio to the median order overall */
  interval: (s: SegmentFacts) => FigureInterval | undefined;
  format: (x: number) => string;
  /** the figure alone, for an interval ("30", "£300") */
  short: (x: number) => string;
  anchor: string;
  page: PageName;
}

/** A ratio's interval read as evidence: ln of the ratio and of its bounds. */
function ratioEvidence(ci: FigureInterval, measure: string): Evidence {
  return { effect: Math.log(ci.ratio), low: Math.log(ci.ratio_low), high: Math.log(ci.ratio_high), measure };
}

/** True when the interval of the ratio lies wholly above 1: the lead is there, not a few customers' chance. */
const leadSupported = (ci: FigureInterval | undefined): ci is FigureInterval =>
  !!ci && Number.isFinite(ci.ratio_low) && ci.ratio_low > 1;

/** "95% interval 1.52–2.10" of a ratio (no ×: the sentence's multiple is the ratio itself). */
const ratioRange = (ci: FigureInterval) =>
  `95% interval ${formatNumber(ci.ratio_low, 2)}–${Number.isFinite(ci.ratio_high) ? formatNumber(ci.ratio_high, 2) : "∞"}`;

/**
 * The segment whose median order leads by RATIO_MIN over the median order overall (strict maximum), or null; with
 * `supported` only when the bootstrap interval of that ratio lies wholly above 1.
 */
export function medianPointLeader(
  facts: InsightFacts,
  claim: MedianClaim,
): { segment: SegmentFacts; value: number; overall: number; ratio: number } | null {
  const value = (s: SegmentFacts) => claim.value(s) ?? NaN;
  const sorted = eligible(facts)
    .filter((s) => Number.isFinite(value(s)))
    .sort((a, b) => value(b) - value(a));
  const overall = claim.overall;
  if (!sorted.length || !(overall !== undefined && overall > 0)) return null;
  const top = sorted[0];
  if (sorted.length > 1 && !(value(top) > value(sorted[1]))) return null;
  const ratio = value(top) / overall;
  if (!(ratio >= RATIO_MIN)) return null;
  return { segment: top, value: value(top), overall, ratio };
}

/** The median-order leader whose lead its interval supports (medianPointLeader's, with that interval), or null. */
export function medianLeader(
  facts: InsightFacts,
  claim: MedianClaim,
): { segment: SegmentFacts; value: number; overall: number; ratio: number; interval: FigureInterval } | null {
  const found = medianPointLeader(facts, claim);
  const ci = found ? claim.interval(found.segment) : undefined;
  return found && leadSupported(ci) ? { ...found, interval: ci } : null;
}

/** "X have the largest baskets: a median order of 30 units, 3.0× the median order overall (10 units)." */
export function medianLeaderInsight(facts: InsightFacts, claim: MedianClaim): Insight | null {
  const found = medianLeader(facts, claim);
  if (!found) return null;
  const ci = found.interval;
  return {
    id: claim.id,
    rank: 0,
    score: clamp(0.3 + 0.25 * Math.log2(found.ratio), 0, 0.85),
    evidence: ratioEvidence(
      ci,
      `${found.segment.name}: median order (${claim.subject.toLowerCase()}) / median order overall`,
    ),
    text:
      `${found.segment.name} have ${claim.metric}: a median order of ${claim.format(found.value)}, ` +
      `${formatMultiple(found.ratio)} the median order overall (${claim.format(found.overall)}; ${ratioRange(ci)}).`,
    page: claim.page,
    anchor: claim.anchor,
    figures: {
      segment: found.segment.name,
      value: claim.format(found.value),
      overall: claim.format(found.overall),
      ratio: formatMultiple(found.ratio),
      ratio_value: found.ratio,
      ratio_low: ci.ratio_low,
      ratio_high: ci.ratio_high,
    },
  };
}

/** Median spread: the range of the segments' median orders when no segment leads. */
export function medianSpreadInsight(facts: InsightFacts, claim: MedianClaim): Insight | null {
  const point = medianPointLeader(facts, claim);
  return spreadInsight(
    facts,
    {
      ...claim,
      num: (s) => claim.value(s) ?? NaN,
      den: () => 1,
      subject: `${claim.subject} (median order)`,
      versus: "the median order overall",
    },
    point && !medianLeader(facts, claim) ? { segment: point.segment, ratio: point.ratio } : undefined,
  );
}

interface LeaderClaim extends RatioMetric {
  /** the figure alone, for an interval ("5.9%", "30 units") */
  short: (x: number) => string;
  /** the bootstrap interval of the segment's figure and of its ratio to the rest's (no claim without it) */
  interval: (s: SegmentFacts) => FigureInterval | undefined;
  /** what a leader is compared with (default "the rest of the customers") */
  versus?: string;
  id: string;
  /** what is compared, for the statement that segments are similar or differ ("basket sizes") */
  subject: string;
  metric: string;
  format: (x: number) => string;
  anchor: string;
  page: PageName;
}

const units = (s: SegmentFacts) => s.items_per_order * s.orders;

function medianClaims(facts: InsightFacts): Record<"baskets" | "aov", MedianClaim> {
  return {
    baskets: {
      id: "largest_baskets",
      subject: "Basket sizes",
      metric: "the largest baskets",
      value: (s) => s.median_order_units,
      overall: facts.median_order_units,
      interval: (s) => s.order_units_interval,
      format: (x) => `${formatNumber(x, 0)} units`,
      short: (x) => formatNumber(x, 0),
      anchor: "baskets",
      page: "behaviour",
    },
    aov: {
      id: "highest_order_value",
      subject: "Order values",
      metric: "the highest order values",
      value: (s) => s.median_order_value,
      overall: facts.median_order_value,
      interval: (s) => s.order_value_interval,
      format: (x) => formatMoney(x, facts.currency),
      short: (x) => formatMoney(x, facts.currency),
      anchor: "order-value",
      page: "behaviour",
    },
  };
}

function claims(): Record<"returns", LeaderClaim> {
  return {
    returns: {
      id: "highest_return_rate",
      subject: "Return rates",
      metric: "the highest return rate",
      num: (s) => s.return_rate * units(s),
      den: units,
      interval: (s) => s.return_interval,
      format: (x) => `${formatPercent(x)} of units returned`,
      short: formatPercent,
      anchor: "returns",
      page: "behaviour",
    },
  };
}

/** "X have the highest return rate: 5.9% of units returned, 2.9× the rest of the customers (2.0% of units returned)". */
export function leaderInsight(facts: InsightFacts, claim: LeaderClaim): Insight | null {
  const found = leader(eligible(facts), facts.segments, claim);
  if (!found) return null;
  if (claim.id === "highest_return_rate") {
    const single = oneCustomerReturns(found.segment, found.value, found.rest, claim);
    if (single) return single;
  }
  const ci = claim.interval(found.segment);
  if (!leadSupported(ci)) return null;
  return {
    id: claim.id,
    rank: 0,
    score: clamp(0.3 + 0.25 * Math.log2(found.ratio), 0, 0.85),
    evidence: ratioEvidence(ci, `${found.segment.name}: ${claim.subject.toLowerCase()}, segment / rest`),
    text:
      `${found.segment.name} have ${claim.metric}: ${claim.format(found.value)}, ` +
      `${formatMultiple(found.ratio)} the rest of the customers (${claim.format(found.rest)}; ${ratioRange(ci)}, a bootstrap over customers).`,
    page: claim.page,
    anchor: claim.anchor,
    figures: {
      segment: found.segment.name,
      value: claim.format(found.value),
      rest: claim.format(found.rest),
      ratio: formatMultiple(found.ratio),
      ratio_value: found.ratio,
      ratio_low: ci.ratio_low,
      ratio_high: ci.ratio_high,
    },
  };
}

/** The leader on `claim` by its point figures whose interval does not support the lead (for the spread statement), or null. */
function withheldLead(facts: InsightFacts, claim: LeaderClaim): { segment: SegmentFacts; ratio: number } | null {
  const found = leader(eligible(facts), facts.segments, claim);
  if (!found || leadSupported(claim.interval(found.segment))) return null;
  return { segment: found.segment, ratio: found.ratio };
}

/**
 * The guard against one customer's return read as a segment's habit: when one customer supplies more than
 * ONE_CUSTOMER_SHARE of the leading segment's returned units, the claim is said of that customer, with the
 * segment's rate without them (a large order cancelled minutes after it was placed is not a segment trait).
 * Null when the guard does not apply.
 */
export function oneCustomerReturns(s: SegmentFacts, value: number, rest: number, claim: LeaderClaim): Insight | null {
  const top = s.top_returner;
  const returned = s.returned_units ?? 0;
  const bought = s.bought_units ?? 0;
  if (!top || !(returned > 0) || !(top.returned_units > ONE_CUSTOMER_SHARE * returned)) return null;
  const without = bought - top.bought_units > 0 ? (returned - top.returned_units) / (bought - top.bought_units) : 0;
  const share = top.returned_units / returned;
  const after =
    rest > 0 && without / rest >= RATIO_MIN
      ? `${formatMultiple(without / rest)} the rest of the customers (${formatPercent(rest)})`
      : `no more than the rest of the customers (${formatPercent(rest)})`;
  return {
    id: "return_rate_one_customer",
    rank: 0,
    score: 0.35,
    text:
      `${s.name} return ${formatPercent(value)} of the units they bought, but one customer accounts for ${formatPercent(share)} of those ` +
      `returned units; without that customer the segment returns ${formatPercent(without)}, ${after}.`,
    page: claim.page,
    anchor: claim.anchor,
    figures: {
      segment: s.name,
      value: claim.format(value),
      one_customer_share: formatPercent(share),
      without: claim.format(without),
    },
  };
}

/**
 * What the segments look like on a metric when no segment leads (made only then): "similar" only when every
 * segment large enough for a claim is within RATIO_MIN of every other (highest / lowest < RATIO_MIN); otherwise
 * the range, with the segments at both ends, and why no single segment is singled out.
 */
export function spreadInsight(
  facts: InsightFacts,
  claim: LeaderClaim,
  withheld?: { segment: SegmentFacts; ratio: number },
): Insight | null {
  const value = (s: SegmentFacts) => ratioOf(claim.num(s), claim.den(s));
  const segs = eligible(facts).filter((s) => Number.isFinite(value(s)));
  if (segs.length < 2) return null;
  const sorted = [...segs].sort((a, b) => value(b) - value(a) || a.name.localeCompare(b.name));
  const hi = sorted[0];
  const lo = sorted[sorted.length - 1];
  const ratio = value(lo) > 0 ? value(hi) / value(lo) : Infinity;
  const similar = ratio < RATIO_MIN;
  const min = `${formatNumber(RATIO_MIN, 2)}×`;
  const id = `${claim.anchor.replace(/-/g, "_")}_spread`;
  const hiCi = claim.interval(hi);
  const loCi = claim.interval(lo);
  // a difference between the ends is said only when their intervals do not overlap
  const distinct = !!hiCi && !!loCi && apart(hiCi, loCi);
  const range = (ci: FigureInterval | undefined) =>
    ci && Number.isFinite(ci.low) ? `95% interval ${claim.short(ci.low)}–${claim.short(ci.high)}` : "no interval";
  const versus = claim.versus ?? "the rest of the customers";
  const lead = withheld
    ? ` ${withheld.segment.name} reach ${formatMultiple(withheld.ratio)} ${versus}, but the interval of that ratio (${
        claim.interval(withheld.segment) ? ratioRange(claim.interval(withheld.segment)!) : "none"
      }) includes no difference: no segment is singled out.`
    : ` No single segment is ${min} ${versus} on its own.`;
  const ends =
    `from ${claim.format(value(lo))} (${lo.name}; ${range(loCi)}) to ${claim.format(value(hi))} ` +
    `(${hi.name}; ${range(hiCi)}${Number.isFinite(ratio) ? `; ${formatMultiple(ratio)} the lowest` : "; the lowest is zero"})`;
  return {
    id,
    rank: 0,
    score: similar ? 0.08 : distinct ? clamp(0.2 + 0.1 * Math.log2(Math.min(ratio, 16)), 0, 0.5) : 0.1,
    text: similar
      ? `${claim.subject} are similar across the segments: from ${claim.format(value(lo))} (${lo.name}) to ${claim.format(value(hi))} (${hi.name}), within ${min} of each other.`
      : distinct
        ? `${claim.subject} differ between the segments, ${ends}.${lead}`
        : `${claim.subject} range ${ends}, but the two intervals overlap: the data cannot tell these segments apart on it.${withheld ? lead : ""}`,
    page: claim.page,
    anchor: claim.anchor,
    figures: {
      highest: hi.name,
      lowest: lo.name,
      ratio: Number.isFinite(ratio) ? formatMultiple(ratio) : "∞",
      similar: similar ? 1 : 0,
      apart: distinct ? 1 : 0,
      withheld: withheld ? withheld.segment.name : "",
    },
  };
}

/** The least recent segment (highest median recency); null when two segments tie. */
export function inactiveSegment(segments: readonly SegmentFacts[]): SegmentFacts | null {
  const sorted = [...segments].sort((a, b) => b.median_recency - a.median_recency);
  if (!sorted.length || (sorted.length > 1 && sorted[0].median_recency === sorted[1].median_recency)) return null;
  return sorted[0];
}

/**
 * "The inactive segment has the largest baskets and the highest return rate": made only when the least
 * recent segment leads on both (each by a reportable margin); it then replaces the two separate claims.
 */
export function inactiveProfileInsight(facts: InsightFacts): Insight | null {
  const inactive = inactiveSegment(eligible(facts));
  if (!inactive) return null;
  const c = claims();
  const baskets = medianLeader(facts, medianClaims(facts).baskets);
  const returns = leader(eligible(facts), facts.segments, c.returns);
  if (!baskets || !returns || baskets.segment !== inactive || returns.segment !== inactive) return null;
  const returnsCi = c.returns.interval(inactive);
  // both leads must be supported by their intervals, and the returns must not be one customer's
  if (!leadSupported(returnsCi) || oneCustomerReturns(inactive, returns.value, returns.rest, c.returns)) return null;
  return {
    id: "inactive_profile",
    rank: 0,
    score: clamp(0.45 + 0.2 * Math.log2(baskets.ratio * returns.ratio), 0, 0.9),
    // as strong as the weaker of its two comparisons
    evidence: weaker(
      ratioEvidence(baskets.interval, `${inactive.name}: median order (units) / median order overall`),
      ratioEvidence(returnsCi, `${inactive.name}: return rate, segment / rest`),
    ),
    text:
      `${inactive.name}, the least recently active segment (median ${formatInt(inactive.median_recency)} days since the last order), ` +
      `have the largest baskets (a median order ${formatMultiple(baskets.ratio)} the median order overall; ${ratioRange(baskets.interval)}) and the highest return rate ` +
      `(${formatMultiple(returns.ratio)} the rest; ${ratioRange(returnsCi)}).`,
    page: "behaviour",
    anchor: "baskets",
    figures: {
      segment: inactive.name,
      median_recency: formatInt(inactive.median_recency),
      basket_ratio: formatMultiple(baskets.ratio),
      return_ratio: formatMultiple(returns.ratio),
      basket_low: baskets.interval.ratio_low,
      return_low: returnsCi.ratio_low,
    },
  };
}

/** The share of one-time buyers at which a second order is called the first retention goal. */
export const ONE_OFF_MIN = 0.25;

/** Customers whose first order is at least this many days before the end of the period have had time to reorder. */
export const REORDER_DAYS = 90;

/**
 * "38.0% of the customers who had time to reorder ordered only once" (made when at least a quarter did): counted
 * among customers whose first order came at least REORDER_DAYS before the end of the period (a customer who first
 * ordered last week has not had the chance of a second order), with its Wilson interval; the customers left out
 * are said. Without first-order dates, among all customers, said as such.
 */
export function oneOffInsight(facts: InsightFacts): Insight | null {
  const n = facts.frequency.length;
  if (!n) return null;
  const tenure = facts.tenure;
  const idx = Array.from({ length: n }, (_, i) => i).filter((i) => !tenure || !(tenure[i] < REORDER_DAYS));
  const base = idx.length;
  if (!base) return null;
  const once = idx.filter((i) => facts.frequency[i] <= 1).length;
  const share = once / base;
  if (share < ONE_OFF_MIN) return null;
  const ci = wilson(once, base);
  const recent = n - base;
  const interval = `95% interval ${formatPercent(ci.low)}–${formatPercent(ci.high)}`;
  const advice =
    ci.low > ONE_OFF_MIN
      ? ": a second order is the first retention goal."
      : `; the interval reaches below ${formatPercent(ONE_OFF_MIN)}, the share at which this report calls a second order the first retention goal, so the data cannot say it is.`;
  const text = tenure
    ? `${formatPercent(share)} of the customers who had time to reorder (first order at least ${REORDER_DAYS} days before the end of the period; ${formatInt(once)} of ${formatInt(base)}, ${interval}) ordered only once${advice}` +
      (recent
        ? ` The other ${formatInt(recent)} customers first ordered in the last ${REORDER_DAYS} days and are not counted.`
        : "")
    : `${formatPercent(share)} of customers (${formatInt(once)} of ${formatInt(base)}, ${interval}) ordered only once in the period, counting customers who first ordered too recently for a second${advice}`;
  return {
    id: "one_off_buyers",
    rank: 0,
    score: clamp(0.2 + 0.5 * share, 0, 0.7),
    // the statement's advice rests on the share being at least a quarter: its evidence is the share over a quarter,
    // with the Wilson interval, so it leads the summary only when the interval lies above a quarter
    evidence: {
      effect: Math.log(share / ONE_OFF_MIN),
      low: Math.log(ci.low / ONE_OFF_MIN),
      high: Math.log(ci.high / ONE_OFF_MIN),
      measure: `share of one-time buyers${tenure ? " among customers who had time to reorder" : ""} / a quarter`,
    },
    text,
    page: "rfm",
    anchor: "scores",
    figures: {
      share: formatPercent(share),
      customers: formatInt(once),
      base: formatInt(base),
      low: formatPercent(ci.low),
      high: formatPercent(ci.high),
      share_value: share,
    },
  };
}

/** The busiest hour of the week, stated with its share of orders and the comparison with an even spread. */
export function peakTimeInsight(facts: InsightFacts): Insight | null {
  const cells = (facts.weekly ?? []).filter((c) => c.orders > 0);
  const total = cells.reduce((s, c) => s + c.orders, 0);
  if (!total || cells.length < 2) return null;
  const sorted = [...cells].sort((a, b) => b.orders - a.orders || a.dow - b.dow || a.hour - b.hour);
  const peak = sorted[0];
  const share = peak.orders / total;
  const ratio = share * cells.length; // vs an even spread over the hours that had orders
  const days = new Map<number, number>();
  for (const c of cells) days.set(c.dow, (days.get(c.dow) ?? 0) + c.orders);
  const [busyDay, busyOrders] = [...days.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
  if (cells.every((c) => c.hour === 0)) {
    // dates without a time of day (an order log of days): only the weekday can be said
    if (days.size < 2) return null;
    const dayRatio = (busyOrders / total) * days.size;
    return {
      id: "peak_time",
      rank: 0,
      score: clamp(0.1 + 0.1 * Math.log2(dayRatio), 0, 0.3),
      text:
        `${DAY_NAMES[busyDay - 1]} is the busiest day (${formatPercent(busyOrders / total)} of orders, ${formatMultiple(dayRatio)} an average day); ` +
        "the data's dates carry no time of day.",
      page: "behaviour",
      anchor: "weekly",
      figures: {
        busiest_day: DAY_NAMES[busyDay - 1],
        busiest_day_share: formatPercent(busyOrders / total),
        ratio: formatMultiple(dayRatio),
      },
    };
  }
  return {
    id: "peak_time",
    rank: 0,
    score: clamp(0.15 + 0.1 * Math.log2(ratio), 0, 0.4),
    text:
      `Orders peak on ${DAY_NAMES[peak.dow - 1]}s from ${formatHourRange(peak.hour)} ` +
      `(${formatPercent(share)} of all orders, ${formatMultiple(ratio)} an average trading hour); ` +
      `${DAY_NAMES[busyDay - 1]} is the busiest day (${formatPercent(busyOrders / total)} of orders).`,
    page: "behaviour",
    anchor: "weekly",
    figures: {
      day: DAY_NAMES[peak.dow - 1],
      hours: formatHourRange(peak.hour),
      share: formatPercent(share),
      ratio: formatMultiple(ratio),
      busiest_day: DAY_NAMES[busyDay - 1],
      busiest_day_share: formatPercent(busyOrders / total),
    },
  };
}

/**
 * The peak full month, when it is at least RATIO_MIN x the mean full month; otherwise a neutral statement. With
 * less than two years of full months, one peak cannot tell a season from growth or a one-off, so it is said as the
 * month with the most revenue, with what one year can and cannot show, and no stock advice; with two years or more
 * the peak month is compared with the same month a year earlier.
 */
export function seasonalityInsight(facts: InsightFacts): Insight | null {
  const full = (facts.months ?? []).filter((m) => !m.partial);
  if (full.length < 3) return null;
  const avg = full.reduce((s, m) => s + m.revenue, 0) / full.length;
  if (!(avg > 0)) return null;
  const sorted = [...full].sort((a, b) => b.revenue - a.revenue || a.month.localeCompare(b.month));
  const peak = sorted[0];
  const ratio = peak.revenue / avg;
  if (ratio < RATIO_MIN)
    return {
      id: "seasonality",
      rank: 0,
      score: 0.1,
      text: `Revenue is steady through the period: no full month exceeds ${formatMultiple(RATIO_MIN)} the monthly average (the highest, ${formatMonth(peak.month)}, is ${formatMultiple(ratio)}).`,
      page: "behaviour",
      anchor: "seasonality",
      figures: { month: formatMonth(peak.month), ratio: formatMultiple(ratio) },
    };
  const low = [...full].sort((a, b) => a.revenue - b.revenue || a.month.localeCompare(b.month))[0];
  const yearBefore = `${Number(peak.month.slice(0, 4)) - 1}${peak.month.slice(4)}`;
  const before = full.find((m) => m.month === yearBefore);
  const years = full.length >= 24;
  const head =
    `${formatMonth(peak.month)} had the most revenue of the ${full.length} full months: ${formatMoney(peak.revenue, facts.currency)}, ` +
    `${formatMultiple(ratio)} the average full month and ${formatMultiple(peak.revenue / Math.max(low.revenue, 1e-9))} the weakest (${formatMonth(low.month)})`;
  const text =
    years && before
      ? `${head}; the same month a year earlier had ${formatMoney(before.revenue, facts.currency)}` +
        (before.revenue / avg >= RATIO_MIN
          ? `, also a peak: a seasonal pattern worth planning stock and campaigns for.`
          : `, not a peak: the rise is not seasonal on this evidence.`)
      : `${head}. One year of data cannot tell a seasonal peak from growth or a one-off: compare the same month across years once there are two.`;
  return {
    id: "seasonality",
    rank: 0,
    score: clamp((years ? 0.25 : 0.15) + (years ? 0.3 : 0.1) * Math.log2(ratio), 0, years ? 0.75 : 0.35),
    text,
    page: "behaviour",
    anchor: "seasonality",
    figures: {
      month: formatMonth(peak.month),
      revenue: formatMoney(peak.revenue, facts.currency),
      ratio: formatMultiple(ratio),
      low_month: formatMonth(low.month),
      full_months: full.length,
    },
  };
}

/** Country x segment association: significant and not negligible (Cramér's V >= 0.1), or said to be weak. */
export function geographyInsight(facts: InsightFacts): Insight | null {
  const g = facts.geography;
  if (!g || g.df <= 0) return null;
  const stat = `χ² = ${formatNumber(g.chi2, 1)}, df = ${g.df}, ${formatP(g.p)}, Cramér's V = ${g.cramers_v.toFixed(2)}`;
  const over = [...g.over]
    .filter((o) => o.residual > 2)
    .sort((a, b) => b.residual - a.residual)
    .slice(0, 3);
  const top = [...g.over].sort((a, b) => Math.abs(b.residual) - Math.abs(a.residual))[0];
  // a country's share of the inactive segment against the other customers', Bonferroni-corrected over the countries
  // tested (the country is picked by its residual); a named country is a comparison, so it carries this evidence
  const tested = g.tested;
  const inactiveTested = g.inactive_tested;
  const z = zTwoSided(0.05 / Math.max(1, g.over.length));
  const countryEvidence = (o: (typeof g.over)[number]): Evidence | undefined => {
    if (tested === undefined || inactiveTested === undefined) return undefined;
    const a = Math.round(o.share * o.customers);
    const rest = tested - o.customers;
    if (!(o.customers > 0) || !(rest > 0)) return undefined;
    return rateRatioEvidence(
      a,
      o.customers,
      inactiveTested - a,
      rest,
      `${o.country}: share of ${g.inactive_segment} / other countries' (Bonferroni over ${g.over.length} countries)`,
      z,
    );
  };
  const countryRange = (e: Evidence | undefined) =>
    e
      ? `${formatNumber(Math.exp(e.effect), 2)}× the share among the customers of the other countries, 95% interval ${formatNumber(Math.exp(e.low), 2)}–${formatNumber(Math.exp(e.high), 2)}` +
        (g.over.length > 1 ? ` corrected for the ${g.over.length} countries compared` : "")
      : "";
  if (g.p < 0.05 && g.cramers_v >= 0.1) {
    // each named country is a claim: the statement is as strong as the weakest of them
    const named = over.map((o) => ({ o, e: countryEvidence(o) })).filter((x) => excludesNoEffect(x.e));
    const overText = named.length
      ? ` ${named.map(({ o, e }) => `${o.country} (${formatPercent(o.share)}; ${countryRange(e)})`).join(", ")} ${named.length === 1 ? "has" : "have"} ` +
        `unusually many ${g.inactive_segment} customers against ${formatPercent(g.inactive_share)} overall.`
      : "";
    const weakest = named.map((x) => x.e!).sort((a, b) => supportedEffect(a) - supportedEffect(b))[0];
    return {
      id: "geography",
      rank: 0,
      score: clamp(0.25 + g.cramers_v, 0, 0.7),
      evidence: weakest,
      text: `The segment mix differs by country (${stat}).${overText}`,
      page: "geography",
      anchor: "association",
      figures: {
        chi2: formatNumber(g.chi2, 1),
        df: g.df,
        p: formatP(g.p),
        cramers_v: g.cramers_v.toFixed(2),
        countries: named.map((x) => x.o.country).join(", "),
      },
    };
  }
  const topEvidence = g.p < 0.05 && top ? countryEvidence(top) : undefined;
  return {
    id: "geography",
    rank: 0,
    score: 0.1,
    evidence: topEvidence,
    text:
      g.p < 0.05
        ? `The segment mix differs only slightly by country (${stat}; ${g.over.length} ${g.over.length === 1 ? "country" : "countries"} with enough customers for the test, the rest pooled)` +
          (top
            ? `; the largest departure is ${top.country}, where ${g.inactive_segment} are ${formatPercent(top.share)} of customers against ${formatPercent(g.inactive_share)} overall (adjusted residual ${top.residual >= 0 ? "+" : "−"}${formatNumber(Math.abs(top.residual), 1)}${topEvidence ? `; ${countryRange(topEvidence)}` : ""})`
            : "") +
          `. The test is about the segment mix only: it does not say that customers spend alike across countries.`
        : `The segment mix does not differ significantly by country (${stat}).`,
    page: "geography",
    anchor: "association",
    figures: { chi2: formatNumber(g.chi2, 1), df: g.df, p: formatP(g.p), cramers_v: g.cramers_v.toFixed(2) },
  };
}

/**
 * The campaign response difference the data supports most strongly: a segment (large enough for a claim) whose
 * response rate is at least RATIO_MIN x that of the rest of the customers, with Wilson intervals that do not
 * overlap; the largest such difference in percentage points over every campaign. Null when none holds.
 */
export function responseInsight(facts: InsightFacts): Insight | null {
  let best: {
    label: string;
    name: string;
    rate: number;
    ci: Interval;
    rest: number;
    restCi: Interval;
    overall: number;
    ratio: number;
    evidence: Evidence;
  } | null = null;
  const big = new Set(eligible(facts).map((s) => s.name));
  for (const c of facts.responses ?? []) {
    if (!(c.n > 0)) continue;
    for (const s of c.segments) {
      if (!big.has(s.name) || !(s.n > 0) || !(c.n - s.n > 0)) continue;
      const rate = s.yes / s.n;
      const rest = (c.yes - s.yes) / (c.n - s.n);
      const ci = wilson(s.yes, s.n);
      const restCi = wilson(c.yes - s.yes, c.n - s.n);
      const ratio = rest > 0 ? rate / rest : Infinity;
      if (!(ratio >= RATIO_MIN) || !apart(ci, restCi)) continue;
      if (!best || rate - rest > best.rate - best.rest)
        best = {
          label: c.label,
          name: s.name,
          rate,
          ci,
          rest,
          restCi,
          overall: c.yes / c.n,
          ratio,
          evidence: rateRatioEvidence(
            s.yes,
            s.n,
            c.yes - s.yes,
            c.n - s.n,
            `${c.label}: response rate, segment / rest`,
          ),
        };
    }
  }
  if (!best) return null;
  const pp = best.rate - best.rest;
  return {
    id: "campaign_response",
    rank: 0,
    score: clamp(0.5 + pp + 0.1 * Math.log2(Math.min(best.ratio, 16)), 0, 0.95),
    evidence: best.evidence,
    text:
      `${best.name} answered ${best.label} at ${formatPercent(best.rate)} (95% interval ${formatPercent(best.ci.low)}–${formatPercent(best.ci.high)}) ` +
      `against ${formatPercent(best.rest)} among the other customers (${formatPercent(best.restCi.low)}–${formatPercent(best.restCi.high)}; ` +
      `${formatPercent(best.overall)} overall): the segment to reach first in the next campaign.`,
    page: "behaviour",
    anchor: "responses",
    figures: {
      segment: best.name,
      campaign: best.label,
      rate: formatPercent(best.rate),
      low: formatPercent(best.ci.low),
      high: formatPercent(best.ci.high),
      rest: formatPercent(best.rest),
      overall: formatPercent(best.overall),
    },
  };
}

/** The chosen k and why. */
export function kChoiceInsight(facts: InsightFacts): Insight | null {
  if (!facts.k) return null;
  return {
    id: "k_choice",
    rank: 0,
    score: 0.12,
    text: facts.k.reason,
    page: "methodology",
    anchor: "choice-of-k",
    figures: { k: facts.k.k },
  };
}

/** Bootstrap stability: "stable" at a mean ARI >= 0.8, "use with caution" below 0.6, else nothing. */
/**
 * Segments over time: the migration's first guarded sentence (made by time/migration.ts only for segments large
 * enough), the cohorts' comparison (made by time/cohorts.ts only when the chi-square test gives p < 0.05) and, for a
 * report built with a saved model, its drift (a warning when a threshold is passed, else a line that the model still
 * fits).
 */
export function overTimeInsights(facts: InsightFacts): Insight[] {
  const t = facts.over_time;
  if (!t) return [];
  const out: Insight[] = [];
  if (t.migration && t.migration.narrative.length)
    out.push({
      id: "migration",
      rank: 0,
      score: 0.45,
      text: t.migration.narrative[0],
      page: "segments",
      anchor: "migration",
      figures: { from_date: t.migration.from_date, to_date: t.migration.to_date },
    });
  if (t.cohort_sentence)
    out.push({
      id: "cohorts",
      rank: 0,
      score: 0.35,
      text: t.cohort_sentence,
      page: "segments",
      anchor: "cohorts",
      figures: { p: t.cohort_p === null ? "" : formatP(t.cohort_p) },
    });
  if (t.drift)
    out.push({
      id: "drift",
      rank: 0,
      score: t.drift.warning ? 0.7 : 0.1,
      text: t.drift.warning
        ? `These customers have drifted from those the saved model ${t.drift.model_id} was fitted on: ${t.drift.passed.join("; ")}. The segments may no longer describe them well: refit the model.`
        : `The saved model ${t.drift.model_id} still fits these customers: no drift threshold is passed (${formatPercent(t.drift.outside_share)} of them are farther from their segment's centre than 99% of the training customers were).`,
      page: "methodology",
      anchor: "saved-model",
      figures: { outside_share: formatPercent(t.drift.outside_share) },
    });
  return out;
}

export function stabilityInsight(facts: InsightFacts): Insight | null {
  const s = facts.stability;
  if (!s || !(s.runs > 0) || !Number.isFinite(s.mean_ari)) return null;
  const ari = s.mean_ari.toFixed(2);
  if (s.mean_ari >= 0.8)
    return {
      id: "stability",
      rank: 0,
      score: 0.15,
      text: `The segments are stable: re-clustering ${formatInt(s.runs)} bootstrap resamples reproduces them with a mean adjusted Rand index of ${ari}.`,
      page: "methodology",
      anchor: "stability",
      figures: { ari, runs: s.runs },
    };
  if (s.mean_ari < 0.6)
    return {
      id: "stability",
      rank: 0,
      score: 0.5,
      text: `Treat segment boundaries with caution: re-clustering ${formatInt(s.runs)} bootstrap resamples agrees with the segments only moderately (mean adjusted Rand index ${ari}).`,
      page: "methodology",
      anchor: "stability",
      figures: { ari, runs: s.runs },
    };
  return null;
}

/** The share of input lines dropped and the main reason. */
export function cleaningInsight(facts: InsightFacts): Insight | null {
  const c = facts.cleaning;
  if (!c || !(c.rows_in > 0)) return null;
  const dropped = c.rows_in - c.rows_kept;
  const reasons = Object.entries(c.dropped)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const main = reasons[0];
  return {
    id: "cleaning",
    rank: 0,
    score: 0.1,
    text:
      `${formatInt(c.rows_kept)} of ${formatInt(c.rows_in)} input ${c.unit ?? "lines"} were analysed; ` +
      (main
        ? `${formatInt(dropped)} (${formatPercent(dropped / c.rows_in)}) were set aside, ${
            main[1] === dropped
              ? "all"
              : main[1] > dropped / 2
                ? `most of them (${formatInt(main[1])})`
                : `the largest share (${formatInt(main[1])})`
          } for ${label(main[0])}.`
        : "none was set aside."),
    page: "methodology",
    anchor: "cleaning",
    figures: { rows_in: formatInt(c.rows_in), rows_kept: formatInt(c.rows_kept), dropped: formatInt(dropped) },
  };
}

/** Of two pieces of evidence, the one whose interval supports the smaller effect (a joint claim is as strong as its weaker part). */
export function weaker(a: Evidence, b: Evidence): Evidence {
  return supportedEffect(a) <= supportedEffect(b) ? a : b;
}

/** Whether the evidence's interval excludes no effect (a log ratio of 0). */
export function excludesNoEffect(e: Evidence | undefined): boolean {
  return !!e && Number.isFinite(e.low) && Number.isFinite(e.high) && (e.low > 0 || e.high < 0);
}

/** The effect the interval supports at least: the distance from 0 of the interval's end nearest it. */
export function supportedEffect(e: Evidence): number {
  return e.low > 0 ? e.low : e.high < 0 ? -e.high : 0;
}

/**
 * Ranks the statements: headlines first (evidence whose interval excludes no effect), by the effect the interval
 * supports at least, largest first; then the rest by score. Ties by id; ranks numbered from 1.
 */
export function rankInsights(list: readonly (Insight | null)[]): Insight[] {
  const marked = list
    .filter((x): x is Insight => x !== null)
    .map((x) => ({ ...x, headline: excludesNoEffect(x.evidence) }));
  return marked
    .sort(
      (a, b) =>
        Number(b.headline) - Number(a.headline) ||
        (a.headline && b.headline ? supportedEffect(b.evidence!) - supportedEffect(a.evidence!) : 0) ||
        b.score - a.score ||
        a.id.localeCompare(b.id),
    )
    .map((x, i) => ({ ...x, rank: i + 1 }));
}

/**
 * The log of a ratio of two proportions (a / n1 over c / n2) with its 95% interval (Katz's log method); an empty
 * cell gets 0.5 added to each count for the interval (Haldane).
 */
export function rateRatioEvidence(a: number, n1: number, c: number, n2: number, measure: string, z = Z95): Evidence {
  const zero = a === 0 || c === 0;
  const [x, y, m1, m2] = zero ? [a + 0.5, c + 0.5, n1 + 0.5, n2 + 0.5] : [a, c, n1, n2];
  const effect = Math.log(a / n1 / (c / n2));
  const se = Math.sqrt(1 / x - 1 / m1 + 1 / y - 1 / m2);
  const centre = Math.log(x / m1 / (y / m2));
  return { effect, low: centre - z * se, high: centre + z * se, measure };
}

const EVIDENCE_RESAMPLES = 400;

/** Percentile interval of resampled statistics (sorted in place). */
function percentiles(stats: Float64Array): Interval {
  stats.sort();
  const at = (p: number) => stats[Math.min(stats.length - 1, Math.max(0, Math.round(p * (stats.length - 1))))];
  return { low: at(0.025), high: at(0.975) };
}

/**
 * A segment's share of revenue over its share of customers (its mean spend over everyone's), log, with a seeded
 * bootstrap interval over the customers. Needs the per-customer labels.
 */
export function segmentIndexEvidence(facts: InsightFacts, s: SegmentFacts, seed = 42): Evidence | undefined {
  const labels = facts.labels;
  const m = facts.monetary;
  const n = m.length;
  if (!labels || s.cluster === undefined || labels.length !== n || !n) return undefined;
  const index = (pick: (i: number) => number) => {
    let rev = 0;
    let segRev = 0;
    let seg = 0;
    for (let i = 0; i < n; i++) {
      const j = pick(i);
      rev += m[j];
      if (labels[j] === s.cluster) {
        segRev += m[j];
        seg++;
      }
    }
    return seg && rev > 0 ? segRev / rev / (seg / n) : NaN;
  };
  const rng = new Rng(seed);
  const stats = new Float64Array(EVIDENCE_RESAMPLES);
  for (let r = 0; r < EVIDENCE_RESAMPLES; r++) stats[r] = Math.log(index(() => rng.int(n)));
  return {
    effect: Math.log(index((i) => i)),
    ...percentiles(stats),
    measure: `${s.name}: share of revenue / share of customers`,
  };
}

/**
 * Spend per head abroad against at home, like with like (home-spend.ts): the median per customer overall with its
 * interval, and within each segment with enough customers on both sides. A difference is said only where its
 * interval excludes 1; when the within-segment ratios do not bear out the overall one, the statement says the
 * overall gap is the segment mix.
 */
export function homeSpendInsight(facts: InsightFacts): Insight | null {
  const h = facts.home_spend;
  if (!h) return null;
  const money = (x: number) => formatMoney(x, facts.currency);
  // two decimals: 1.05× and 0.97× must not both read as about 1×
  const x2 = (x: number) => `${formatNumber(x, 2)}×`;
  const range = (r: { low: number; high: number }) => `95% interval ${x2(r.low)}–${x2(r.high)}`;
  const clear = (r: { low: number; high: number }) => r.low > 1 || r.high < 1;
  const head =
    `Customers outside ${h.home} (${formatInt(h.abroad_customers)}) spent a median ${money(h.abroad_median)} each, against ` +
    `${money(h.home_median)} for the ${formatInt(h.home_customers)} in ${h.home}: ${x2(h.overall.ratio)} (${range(h.overall)})` +
    (clear(h.overall) ? "." : ", no clear difference.");
  const within = h.within.map((w) => `${w.segment} ${x2(w.ratio)} (${x2(w.low)}–${x2(w.high)})`);
  const up = h.within.filter((w) => w.low > 1).length;
  const down = h.within.filter((w) => w.high < 1).length;
  const like = !h.within.length
    ? ` No segment has ${formatInt(50)} customers on both sides, so the comparison cannot be made like with like: the gap may be the segment mix.`
    : ` Like with like, within the same segment (median spend abroad / in ${h.home}): ${within.join("; ")}. ` +
      (up + down === 0
        ? `No segment shows a clear difference: the overall gap reflects which segments customers abroad belong to, not higher spending than customers at home of the same kind.`
        : up === h.within.length || down === h.within.length
          ? `The difference holds within every segment compared.`
          : `A clear difference in ${up + down} of the ${h.within.length} segments compared.`);
  const apartOverall = clear(h.overall);
  return {
    id: "home_spend",
    rank: 0,
    score: apartOverall ? clamp(0.2 + 0.2 * Math.abs(Math.log2(h.overall.ratio)), 0, 0.6) : 0.1,
    // the headline effect is the like-with-like one: the within-segment ratio the data supports least far from 1
    evidence: homeEvidence(h),
    text: head + like,
    page: "geography",
    anchor: "spend-abroad",
    figures: {
      home: h.home,
      ratio: x2(h.overall.ratio),
      low: x2(h.overall.low),
      high: x2(h.overall.high),
      segments_compared: h.within.length,
      segments_clear: up + down,
    },
  };
}

/**
 * The evidence of the home/abroad statement: the overall ratio when every segment compared bears out its
 * direction (or none can be compared), else the within-segment ratio with the weakest support (the statement
 * is only as strong as its like-with-like comparison).
 */
function homeEvidence(h: NonNullable<InsightFacts["home_spend"]>): Evidence {
  const log = (r: { ratio: number; low: number; high: number }, measure: string): Evidence => ({
    effect: Math.log(r.ratio),
    low: Math.log(r.low),
    high: Math.log(r.high),
    measure,
  });
  const overall = log(h.overall, `median spend per customer, outside ${h.home} / in ${h.home}`);
  if (!h.within.length) return { ...overall, low: Math.min(overall.low, 0), high: Math.max(overall.high, 0) };
  const weakest = [...h.within]
    .map((w) => log(w, `${w.segment}: median spend per customer, outside ${h.home} / in ${h.home}`))
    .sort((a, b) => supportedEffect(a) - supportedEffect(b) || a.measure.localeCompare(b.measure))[0];
  return excludesNoEffect(weakest) && Math.sign(weakest.effect) === Math.sign(overall.effect) ? overall : weakest;
}

/** Every statement the data supports, ranked. */
export function buildInsights(facts: InsightFacts): Insight[] {
  const c = claims();
  const m = medianClaims(facts);
  const lines = facts.lines !== false;
  const combined = lines ? inactiveProfileInsight(facts) : null;
  const baskets = combined || !lines ? null : medianLeaderInsight(facts, m.baskets);
  const aov = medianLeaderInsight(facts, m.aov);
  const returns = combined || !lines ? null : leaderInsight(facts, c.returns);
  const both = mergeLeaders(baskets, aov);
  return rankInsights([
    concentrationInsight(facts),
    topSegmentInsight(facts),
    combined,
    both,
    both ? null : baskets,
    returns,
    both ? null : aov,
    combined || baskets || !lines || !(facts.median_order_units! > 0) ? null : medianSpreadInsight(facts, m.baskets),
    // a customer table has no orders to take a median of (its order figures are zeros)
    aov || !lines || !(facts.median_order_value! > 0) ? null : medianSpreadInsight(facts, m.aov),
    combined || returns || !lines ? null : spreadInsight(facts, c.returns, withheldLead(facts, c.returns) ?? undefined),
    oneOffInsight(facts),
    peakTimeInsight(facts),
    seasonalityInsight(facts),
    geographyInsight(facts),
    homeSpendInsight(facts),
    responseInsight(facts),
    stabilityInsight(facts),
    ...overTimeInsights(facts),
    kChoiceInsight(facts),
    cleaningInsight(facts),
  ]);
}
