/**
 * The strategy page's what-if levers, applied to the members they fit, and advice checked against the segment's
 * own figures and rank.
 *
 * Levers (defaults of the sliders in LEVER_DEFAULTS):
 * - keep: more of a segment's customers kept; applies to all its members. Default segment: the highest revenue
 *   per customer.
 * - grow ("one more order a year from new customers"): applies only to the segment's new customers (first order
 *   within the last 90 days, traits.ts) at their own order value. Default: the segment with the most new
 *   customers among those where they are the majority (else the highest share, which the page states), never
 *   the keep segment.
 * - win back: applies only to the segment's lapsed members that are not new (last order more than Q60 of
 *   recency ago) at their own past annual revenue. Default: the segment with the most lapsed revenue among those
 *   where lapsed members are the majority (else the highest share), never the keep or grow segment.
 * New and lapsed members are disjoint, so two levers never count the same customer, and the defaults never put
 * two levers on one segment: when no other segment holds members a lever fits, it has no default (the page
 * leaves it at "none" until the reader picks a segment).
 */
import type { CustomerFeatures } from "../types.ts";
import { formatInt, formatMoney, formatPercent } from "./format.ts";
import type { SegmentRow } from "./facts.ts";
import { hasTrait, type TraitThresholds } from "../cluster/traits.ts";

export const LEVER_FIT_SHARE = 0.5;
export const LEVER_DEFAULTS = { keep_points: 5, grow_orders: 1, grow_share: 25, win_share: 10 };

/** The members of one segment a lever applies to. */
export interface LeverTarget {
  customers: number;
  /** of the segment's customers */
  share: number;
  revenue: number;
  orders: number;
}

export interface SegmentTargets {
  new: LeverTarget;
  lapsed: LeverTarget;
}

/** What each customer is to the levers: 0 new, 1 lapsed and not new, -1 neither. */
export function leverKinds(customers: readonly CustomerFeatures[], thresholds: TraitThresholds): Int8Array {
  const columns = {
    recency: customers.map((c) => c.recency),
    frequency: customers.map((c) => c.frequency),
    monetary: customers.map((c) => c.monetary),
    tenure: customers.map((c) => c.tenure),
  };
  return Int8Array.from(customers, (_, i) =>
    hasTrait("new", i, columns, thresholds) ? 0 : hasTrait("lapsed", i, columns, thresholds) ? 1 : -1,
  );
}

/** Per cluster: its new members and its lapsed members that are not new. */
export function leverTargets(
  customers: readonly CustomerFeatures[],
  labels: ArrayLike<number>,
  k: number,
  thresholds: TraitThresholds,
): SegmentTargets[] {
  const empty = (): LeverTarget => ({ customers: 0, share: 0, revenue: 0, orders: 0 });
  const out = Array.from({ length: k }, () => ({ new: empty(), lapsed: empty() }));
  const sizes = new Array<number>(k).fill(0);
  const kinds = leverKinds(customers, thresholds);
  for (let i = 0; i < customers.length; i++) {
    const j = labels[i];
    sizes[j]++;
    const target = kinds[i] === 0 ? out[j].new : kinds[i] === 1 ? out[j].lapsed : null;
    if (!target) continue;
    target.customers++;
    target.revenue += customers[i].monetary;
    target.orders += customers[i].frequency;
  }
  out.forEach((t, j) => {
    t.new.share = sizes[j] ? t.new.customers / sizes[j] : 0;
    t.lapsed.share = sizes[j] ? t.lapsed.customers / sizes[j] : 0;
  });
  return out;
}

export interface LeverChoice {
  /** null: every segment the lever could apply to already carries another lever */
  segment: string | null;
  /** the lever's target members are the majority of the segment */
  fits: boolean;
}

/** The default segment of each lever (see the module comment). */
export function leverDefaults(
  rows: readonly SegmentRow[],
  targets: readonly SegmentTargets[],
): { top: LeverChoice; promising: LeverChoice; at_risk: LeverChoice } {
  const top = [...rows].sort((a, b) => b.revenue_per_customer - a.revenue_per_customer || a.cluster - b.cluster)[0];
  const pick = (
    taken: readonly SegmentRow[],
    target: (t: SegmentTargets) => LeverTarget,
    size: (t: LeverTarget) => number,
  ): LeverChoice => {
    const pool = rows.filter((r) => !taken.includes(r) && target(targets[r.cluster]).customers > 0);
    if (!pool.length) return { segment: null, fits: false };
    const fitting = pool.filter((r) => target(targets[r.cluster]).share >= LEVER_FIT_SHARE);
    const best = fitting.length
      ? [...fitting].sort(
          (a, b) => size(target(targets[b.cluster])) - size(target(targets[a.cluster])) || a.cluster - b.cluster,
        )[0]
      : [...pool].sort(
          (a, b) => target(targets[b.cluster]).share - target(targets[a.cluster]).share || a.cluster - b.cluster,
        )[0];
    return { segment: best.name, fits: fitting.length > 0 };
  };
  const promising = pick(
    [top],
    (t) => t.new,
    (t) => t.customers,
  );
  const taken = [top, ...rows.filter((r) => r.name === promising.segment)];
  const atRisk = pick(
    taken,
    (t) => t.lapsed,
    (t) => t.revenue,
  );
  return { top: { segment: top.name, fits: true }, promising, at_risk: atRisk };
}

/** The default uplift a year of each lever on its default segment (the page's formulas at the default sliders). */
export function defaultUplifts(
  rows: readonly SegmentRow[],
  targets: readonly SegmentTargets[],
  defaults: ReturnType<typeof leverDefaults>,
  years: number,
): { keep: number; grow: number; win: number } {
  const none: LeverTarget = { customers: 0, share: 0, revenue: 0, orders: 0 };
  const row = (name: string | null) => rows.find((r) => r.name === name);
  const keep = row(defaults.top.segment) as SegmentRow;
  const grow = targets[row(defaults.promising.segment)?.cluster ?? -1]?.new ?? none;
  const win = targets[row(defaults.at_risk.segment)?.cluster ?? -1]?.lapsed ?? none;
  return {
    keep: (LEVER_DEFAULTS.keep_points / 100) * keep.customers * (keep.revenue_per_customer / years),
    grow: grow.orders
      ? (LEVER_DEFAULTS.grow_share / 100) * grow.customers * LEVER_DEFAULTS.grow_orders * (grow.revenue / grow.orders)
      : 0,
    win: win.customers ? (LEVER_DEFAULTS.win_share / 100) * win.customers * (win.revenue / win.customers / years) : 0,
  };
}

/**
 * The strategy paragraph of a segment, checked against its figures and rank: the playbook's text where its
 * claims hold, else a corrected sentence; plus why it carries the largest default uplift when it is not a
 * high-value segment. Returns the text.
 */
export function checkedStrategy(
  row: SegmentRow,
  rows: readonly SegmentRow[],
  context: {
    currency: string;
    overall_revenue_per_customer: number;
    years: number;
    largest_uplift: { lever: string; segment: string; value: number; members: number; who: string } | null;
  },
): string {
  const rank =
    [...rows].sort((a, b) => b.revenue_per_customer - a.revenue_per_customer || a.cluster - b.cluster).indexOf(row) + 1;
  const perYear = (x: number) => formatMoney(x / context.years, context.currency);
  let text = row.strategy;
  // "one step below the very best" needs a segment above it
  if (/one step below the very best/.test(text) && rank === 1)
    text = text.replace(
      "Loyal and valuable, one step below the very best.",
      "The most valuable customers in this segmentation: protect them first.",
    );
  // "carries a disproportionate share of revenue" needs revenue share above customer share
  if (/disproportionate share of revenue/.test(text) && !(row.revenue_share > row.customer_share))
    text = text.replace(": it carries a disproportionate share of revenue", "");
  // "little to gain per customer" needs revenue per customer below the overall
  if (/^Little to gain per customer/.test(text)) {
    text =
      row.revenue_per_customer < context.overall_revenue_per_customer
        ? text.replace(
            "Little to gain per customer:",
            `Little to gain per customer (${perYear(row.revenue_per_customer)} a year each, against ${perYear(context.overall_revenue_per_customer)} over all customers):`,
          )
        : text.replace("Little to gain per customer: keep", "Keep");
  }
  const u = context.largest_uplift;
  if (u && u.segment === row.name && rank > Math.ceil(rows.length / 2))
    text +=
      ` It still carries the largest default uplift (${u.lever}, ${formatMoney(u.value, context.currency)} a year) because of how many ` +
      `customers it applies to: ${formatInt(u.members)} ${u.who}, not because each is worth much.`;
  return text;
}

/** "1,234 new customers (70.1% of the segment)". */
export function targetText(t: LeverTarget, who: string): string {
  return `${formatInt(t.customers)} ${who} (${formatPercent(t.share)} of the segment)`;
}
