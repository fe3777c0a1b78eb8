/**
 * behaviour.json: per k and segment, units and value per order, return rate, days between orders and monthly
 * revenue; the weekday x hour pattern (orders) overall and per segment of the chosen k; the months of the period.
 * Money keeps its cents and unit totals are left out: page data should not be full of bare 5-digit integers
 * that could be mistaken for (or collide with) customer ids in the site-wide privacy check.
 */
import { shownSections, type Section } from "../../capabilities.ts";
import { customerTableData } from "./customer-table.ts";
import type { ReportContext } from "../context.ts";
import { glossaryFacts } from "../glossary.ts";
import { formatInt, formatPercent } from "../format.ts";
import { behaviourGaps, orderIntervals, returnIntervals, rnd, rndSpread, segmentRows } from "../facts.ts";
import type { FigureInterval } from "../order-intervals.ts";

/** A figure's bootstrap interval and its ratio's, rounded for publication. */
const rndInterval = (ci: FigureInterval | undefined, digits: number) =>
  ci
    ? {
        low: rnd(ci.low, digits),
        high: rnd(ci.high, digits),
        ratio: rnd(ci.ratio, 3),
        ratio_low: rnd(ci.ratio_low, 3),
        ratio_high: rnd(ci.ratio_high, 3),
      }
    : null;

type Weekly = { dow: number; hour: number; orders: number; revenue: number }[];

/**
 * The page's sections and what each needs: the line sections need dated transactions; a customer table's own
 * sections apply only to a table that splits spending or purchases by column (they are not missing from line data).
 */
export const BEHAVIOUR_SECTIONS: readonly Section[] = [
  { id: "spending", name: "Spending by product group", applies: ["customer_parts"], needs: [] },
  { id: "channels", name: "Purchases by channel", applies: ["customer_parts"], needs: [] },
  { id: "responses", name: "Campaign responses", applies: ["customer_parts"], needs: ["responses"] },
  { id: "baskets", name: "Basket size", needs: ["transactions"] },
  { id: "order-value", name: "Order value", needs: ["transactions"] },
  { id: "returns", name: "Returns", needs: ["transactions"] },
  { id: "intervals", name: "Time between orders", needs: ["transactions"] },
  { id: "weekly", name: "When orders come in", needs: ["transactions"] },
  { id: "seasonality", name: "Monthly revenue", needs: ["transactions"] },
];

const packWeekly = (w: Weekly | undefined) => (w ?? []).map((c) => [c.dow, c.hour, c.orders]);

export function behaviourData(ctx: ReportContext): Record<string, unknown> {
  const byK: Record<string, unknown> = {};
  for (const [k, kd] of ctx.byK) {
    // the return rate's bootstrap interval over customers (every k); the median order's for the chosen k (its claims)
    const returns = returnIntervals(ctx, kd);
    const orders = k === ctx.seg.k ? orderIntervals(ctx, kd) : null;
    byK[k] = segmentRows(ctx, kd).map((row) => ({
      name: row.name,
      customers: row.customers,
      orders: row.orders,
      median_recency: rnd(row.median_recency, 1),
      items_per_order: rnd(row.items_per_order, 2),
      aov: rnd(row.aov),
      return_rate: rnd(row.return_rate, 5),
      /** the return rate's 95% interval, and its ratio to the other customers' rate with that ratio's interval */
      return_interval: rndInterval(returns?.clusters[row.cluster], 5),
      order_units_interval: rndInterval(orders?.units.clusters[row.cluster], 1),
      order_value_interval: rndInterval(orders?.value.clusters[row.cluster], 2),
      order_units: rndSpread(kd.agg.orders.get(row.cluster)?.order_units, 1),
      order_value: rndSpread(kd.agg.orders.get(row.cluster)?.order_value, 2),
      interval: rndSpread(kd.agg.intervals.get(row.cluster), 1),
      interval_customers: kd.agg.intervals.get(row.cluster)?.customers ?? 0,
      monthly: (kd.agg.monthly.get(row.cluster) ?? []).map((m) => [m.month, rnd(m.revenue), m.orders]),
    }));
  }
  const all = ctx.all.orders.get(-1);
  const overallReturns = returnIntervals(ctx, ctx.chosen)?.overall;
  const weeklyBySegment: Record<string, unknown> = {};
  ctx.chosen.solution.names.forEach((name, j) => (weeklyBySegment[name] = packWeekly(ctx.chosen.agg.weekly.get(j))));
  const g = glossaryFacts(ctx);
  const gaps = behaviourGaps(ctx);
  return {
    shown: shownSections(ctx.capabilities, BEHAVIOUR_SECTIONS),
    months: ctx.months,
    calendar_gaps: gaps,
    interval_note:
      g.gaps > 0
        ? `Gaps are pooled over the ${formatInt(g.gap_customers)} customers with two or more orders (${formatInt(g.gaps)} gaps` +
          (g.top_supplier ? `, ${formatInt(g.top_supplier.gaps)} of them from ${g.top_supplier.name}` : "") +
          `); ${formatInt(g.same_day)} (${formatPercent(g.same_day_share)}) are a second order on the same day.`
        : null,
    peak_note: `"An average trading hour" is the mean over the ${formatInt(g.trading_cells)} weekday-hour cells (of 7 × 24) that have any order.`,
    overall: {
      orders: all?.orders ?? 0,
      items_per_order: rnd(all && all.orders ? all.units / all.orders : 0, 2),
      aov: rnd(all && all.orders ? all.revenue / all.orders : 0),
      return_rate: rnd(all && all.bought_units ? all.returned_units / all.bought_units : 0, 5),
      return_interval: overallReturns ? { low: rnd(overallReturns.low, 5), high: rnd(overallReturns.high, 5) } : null,
      order_units: rndSpread(all?.order_units, 1),
      order_value: rndSpread(all?.order_value, 2),
      interval: rndSpread(ctx.all.intervals.get(-1), 1),
      monthly: (ctx.all.monthly.get(-1) ?? []).map((m) => [m.month, rnd(m.revenue), m.orders]),
    },
    weekly: {
      columns: ["dow", "hour", "orders"],
      all: packWeekly(ctx.all.weekly.get(-1)),
      by_segment: weeklyBySegment,
    },
    by_k: byK,
    parts: customerTableData(ctx),
  };
}
