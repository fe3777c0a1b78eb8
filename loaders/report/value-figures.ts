/**
 * The customer-value figures the segment pages and the strategy page use (loaders/value/ fits the models): per
 * segment, its expected revenue over the horizon with its interval, its median customer's expected revenue and
 * P(alive), and the revenue at stake; per strategy lever, the same for the members the lever applies to (the whole
 * segment for "keep more", its new customers for "one more order", its lapsed customers for "win back").
 *
 * Every sentence is built here from the figures of the customers it describes. A segment's value per customer is
 * called higher or lower than the other customers' only when the 95% interval of the difference excludes zero.
 * Where the models did not run or did not fit, the sentences say why and that the page's figures come from past
 * orders only; no value figure is given.
 */
import type { ValueResult } from "../value/index.ts";
import { drawTotals, groupValues, type DrawTotals, type GroupValue } from "../value/groups.ts";
import { interval95 } from "../value/interval.ts";
import type { ReportContext } from "./context.ts";
import { reportTraitThresholds, rnd, segmentRows } from "./facts.ts";
import { formatInt, formatMoney, formatNumber, formatPercent } from "./format.ts";
import { leverKinds } from "./levers.ts";

export const MODEL_NAMES = { bgnbd: "BG/NBD", mbgnbd: "MBG/NBD" } as const;

/** "the next 12 months" for 365 days, else "the next N days". */
export function horizonWords(days: number): string {
  return days === 365 ? "the next 12 months" : `the next ${formatInt(days)} days`;
}

/** The data barely pins down drop-out: a standard error of a or b larger than the estimate. */
export function weakDropout(value: ValueResult): boolean {
  const s = value.summary;
  const fit = s[s.model];
  return !!fit?.se && (fit.se.a > fit.a || fit.se.b > fit.b);
}

/** A group's published figures (rounded). */
export interface PublishedGroup {
  customers: number;
  expected_orders: number | null;
  expected_revenue: number | null;
  expected_revenue_interval: (number | null)[] | null;
  median_expected_revenue: number | null;
  median_p_alive: number | null;
  unlikely_alive: number;
  at_stake: number | null;
  at_stake_interval: (number | null)[] | null;
  /** members who bought on one day only (P(alive) = 1 by assumption under BG/NBD) */
  one_off: number;
}

export interface SegmentValueFigures {
  segment: PublishedGroup;
  /** mean expected revenue per customer, the other customers', and the difference's interval */
  per_customer: number | null;
  rest_per_customer: number | null;
  difference_interval: (number | null)[] | null;
  separated: "higher" | "lower" | null;
  new_customers: PublishedGroup;
  lapsed_customers: PublishedGroup;
  /** the segment page's sentences */
  text: string[];
  /** per lever, one sentence about the members it applies to (null when the segment has none) */
  levers: { keep: string; grow: string | null; win: string | null };
}

export type ValueFigures =
  | { fitted: false; reason: string; text: string; segments: null }
  | { fitted: true; model: string; horizon_days: number; text: string; segments: Map<string, SegmentValueFigures> };

function publish(g: GroupValue, oneOff: number): PublishedGroup {
  const iv = (x: [number, number] | null) => x?.map((v) => rnd(v)) ?? null;
  return {
    customers: g.customers,
    expected_orders: rnd(g.expected_orders, 1),
    expected_revenue: rnd(g.expected_revenue),
    expected_revenue_interval: iv(g.expected_revenue_interval),
    median_expected_revenue: rnd(g.median_expected_revenue),
    median_p_alive: rnd(g.median_p_alive, 3),
    unlikely_alive: g.unlikely_alive,
    at_stake: rnd(g.at_stake),
    at_stake_interval: iv(g.at_stake_interval),
    one_off: oneOff,
  };
}

const computed = new WeakMap<ReportContext, ValueFigures>();

/** The value figures of every segment of the chosen segmentation, or why there are none (once per context). */
export function valueFigures(ctx: ReportContext): ValueFigures {
  let figures = computed.get(ctx);
  if (!figures) {
    figures = computeValueFigures(ctx);
    computed.set(ctx, figures);
  }
  return figures;
}

function computeValueFigures(ctx: ReportContext): ValueFigures {
  const value = ctx.value;
  const fitted = value?.summary.status === "fitted" && value.customers && value.histories;
  if (!value || !fitted || value.customers!.p_alive.length !== ctx.ingest.customers.length) {
    const reason = value?.summary.reason ?? "the value stage did not run";
    const needs = value?.summary.needs ? ` What would let the models run: ${value.summary.needs}.` : "";
    return {
      fitted: false,
      reason,
      text: `No customer-value figures (expected revenue, probability of being active, revenue at stake): ${reason}.${needs} The figures here come from past orders only.`,
      segments: null,
    };
  }
  const s = value.summary;
  const values = value.customers!;
  const h = value.histories!;
  const money = (x: number) => formatMoney(x, ctx.config.report.currency);
  const interval = (iv: [number, number] | null) => (iv ? ` (95% interval ${money(iv[0])} to ${money(iv[1])})` : "");
  const horizon = horizonWords(s.settings.horizon_days);
  const name = MODEL_NAMES[s.model];
  const rows = segmentRows(ctx, ctx.chosen);
  const k = ctx.chosen.k;
  const labels = ctx.chosen.solution.labels;
  const kinds = leverKinds(ctx.ingest.customers, reportTraitThresholds(ctx));
  const bySegment = { group: labels, k };
  // groups 2j (new customers of cluster j) and 2j + 1 (its lapsed customers)
  const byLever = { group: Int32Array.from(kinds, (kind, i) => (kind < 0 ? -1 : 2 * labels[i] + kind)), k: 2 * k };
  const totals: (DrawTotals | null)[] = value.draws ? drawTotals(value.draws, h, [bySegment, byLever]) : [null, null];
  const segmentGroups = groupValues(values, bySegment, totals[0]);
  const leverGroups = groupValues(values, byLever, totals[1]);
  const oneOff = (grouping: { group: ArrayLike<number>; k: number }) => {
    const counts = new Array<number>(grouping.k).fill(0);
    for (let i = 0; i < h.x.length; i++)
      if (h.included[i] && h.x[i] === 0 && grouping.group[i] >= 0) counts[grouping.group[i]]++;
    return counts;
  };
  const segmentOneOff = oneOff(bySegment);
  const leverOneOff = oneOff(byLever);
  const n = values.p_alive.length;
  const totalRevenue = values.expected_revenue.reduce((t, x) => t + x, 0);
  const weak = weakDropout(value);
  const dropoutNote = weak
    ? " The data barely pins down drop-out (see the Customer value page), so the model takes almost every customer to be active and puts little revenue at stake."
    : "";
  const oneOffNote = (g: GroupValue, count: number, who: string) =>
    s.model === "bgnbd" && count > 0
      ? ` ${formatInt(count)} of these ${who} (${formatPercent(count / g.customers)}) bought on one day only: ${name} takes them to be active by assumption, which raises these figures.`
      : "";
  // "<lead> (share) are more likely gone ...": lead(count) names the count, e.g. "12 of them" or "None of them"
  const stakeText = (g: GroupValue, who: string, lead: (count: string) => string) =>
    (g.unlikely_alive === 0
      ? `${lead("none")} is more likely gone than active (P(alive) below 50%; median P(alive) ${formatPercent(g.median_p_alive)}). `
      : `${lead(formatInt(g.unlikely_alive))} (${formatPercent(g.unlikely_alive / g.customers)}) are more likely gone than active (P(alive) below 50%; median P(alive) ${formatPercent(g.median_p_alive)}). `) +
    `If every one of these ${who} were still active they would bring ${money(g.at_stake)} more than expected${interval(g.at_stake_interval)}: the revenue at stake.`;
  const capital = (text: string) => text[0].toUpperCase() + text.slice(1);
  const orders = (x: number) => formatNumber(x, x < 100 ? 1 : 0);

  const segments = new Map<string, SegmentValueFigures>();
  for (const row of rows) {
    const j = row.cluster;
    const g = segmentGroups[j];
    const fresh = leverGroups[2 * j];
    const lapsed = leverGroups[2 * j + 1];
    const rest = n - g.customers;
    const perCustomer = g.customers ? g.expected_revenue / g.customers : 0;
    const restPerCustomer = rest ? (totalRevenue - g.expected_revenue) / rest : 0;
    const draws = totals[0];
    const diff =
      draws && draws.revenue.length && rest && g.customers
        ? interval95(draws.revenue.map((t) => t[j] / g.customers - (t[k] - t[j]) / rest))
        : null;
    const separated = diff && diff[0] > 0 ? "higher" : diff && diff[1] < 0 ? "lower" : null;
    const comparison = !rest
      ? ""
      : separated
        ? ` On average that is ${money(perCustomer)} per customer, ${separated === "higher" ? "more" : "less"} than the other customers' ${money(restPerCustomer)} (95% interval of the difference ${money(separated === "higher" ? diff![0] : -diff![1])} to ${money(separated === "higher" ? diff![1] : -diff![0])}).`
        : ` On average that is ${money(perCustomer)} per customer against the other customers' ${money(restPerCustomer)}; the interval of the difference (${diff ? `${money(diff[0])} to ${money(diff[1])}` : "not available"}) does not separate them, so no claim is made about its value against the rest.`;
    const text = [
      `Over ${horizon} the ${name} and Gamma-Gamma models expect ${formatNumber(g.expected_orders, 0)} orders and ${money(g.expected_revenue)} of revenue from this segment's ${formatInt(g.customers)} customers${interval(g.expected_revenue_interval)}; the median customer is expected to bring ${money(g.median_expected_revenue)}.${comparison}`,
      stakeText(g, "customers", (count) => capital(`${count} of its customers`)) +
        oneOffNote(g, segmentOneOff[j], "customers") +
        dropoutNote,
    ];
    const grow = fresh.customers
      ? `The models expect ${orders(fresh.expected_orders)} orders and ${money(fresh.expected_revenue)} from its ${formatInt(fresh.customers)} new customers over ${horizon}${interval(fresh.expected_revenue_interval)}, a median ${money(fresh.median_expected_revenue)} each.` +
        oneOffNote(fresh, leverOneOff[2 * j], "new customers")
      : null;
    const win = lapsed.customers
      ? stakeText(
          lapsed,
          "lapsed customers",
          (count) => `Of its ${formatInt(lapsed.customers)} lapsed customers, ${count}`,
        ) +
        ` The models expect ${money(lapsed.expected_revenue)} from them over ${horizon}${interval(lapsed.expected_revenue_interval)}.` +
        oneOffNote(lapsed, leverOneOff[2 * j + 1], "lapsed customers") +
        dropoutNote
      : null;
    segments.set(row.name, {
      segment: publish(g, segmentOneOff[j]),
      per_customer: rnd(perCustomer),
      rest_per_customer: rest ? rnd(restPerCustomer) : null,
      difference_interval: diff?.map((v) => rnd(v)) ?? null,
      separated,
      new_customers: publish(fresh, leverOneOff[2 * j]),
      lapsed_customers: publish(lapsed, leverOneOff[2 * j + 1]),
      text,
      levers: {
        keep: `The models expect ${money(g.expected_revenue)} from its ${formatInt(g.customers)} customers over ${horizon}${interval(g.expected_revenue_interval)}, a median ${money(g.median_expected_revenue)} each. ${stakeText(g, "customers", (count) => capital(`${count} of them`))}`,
        grow,
        win,
      },
    });
  }
  return {
    fitted: true,
    model: s.model,
    horizon_days: s.settings.horizon_days,
    text:
      `Under each lever: what the ${name} and Gamma-Gamma models expect from the customers it applies to over ${horizon}, and the revenue at stake (what they would bring if all were still active, less what is expected of them). ` +
      `The intervals carry the models' parameter uncertainty only (see the Customer value page).`,
    segments,
  };
}
