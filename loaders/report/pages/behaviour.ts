/**
 * behaviour.json: per k and segment, units and value per order, return rate, days between orders and monthly
 * revenue; the weekday x hour pattern (orders) overall and per segment of the chosen k; the months of the period.
 * Money keeps its cents and unit totals are left out: page data should not be full of bare 5-digit integers
 * that could be mistaken for (or collide with) customer ids in the site-wide privacy check.
 */
import { customerTableData } from "./customer-table.ts";
import type { ReportContext } from "../context.ts";
import { glossaryFacts } from "../glossary.ts";
import { formatInt, formatPercent } from "../format.ts";
import { behaviourGaps, rnd, rndSpread, segmentRows } from "../facts.ts";

type Weekly = { dow: number; hour: number; orders: number; revenue: number }[];

const packWeekly = (w: Weekly | undefined) => (w ?? []).map((c) => [c.dow, c.hour, c.orders]);

export function behaviourData(ctx: ReportContext): Record<string, unknown> {
  const byK: Record<string, unknown> = {};
  for (const [k, kd] of ctx.byK) {
    byK[k] = segmentRows(ctx, kd).map((row) => ({
      name: row.name,
      customers: row.customers,
      orders: row.orders,
      median_recency: rnd(row.median_recency, 1),
      items_per_order: rnd(row.items_per_order, 2),
      aov: rnd(row.aov),
      return_rate: rnd(row.return_rate, 5),
      order_units: rndSpread(kd.agg.orders.get(row.cluster)?.order_units, 1),
      order_value: rndSpread(kd.agg.orders.get(row.cluster)?.order_value, 2),
      interval: rndSpread(kd.agg.intervals.get(row.cluster), 1),
      interval_customers: kd.agg.intervals.get(row.cluster)?.customers ?? 0,
      monthly: (kd.agg.monthly.get(row.cluster) ?? []).map((m) => [m.month, rnd(m.revenue), m.orders]),
    }));
  }
  const all = ctx.all.orders.get(-1);
  const weeklyBySegment: Record<string, unknown> = {};
  ctx.chosen.solution.names.forEach((name, j) => (weeklyBySegment[name] = packWeekly(ctx.chosen.agg.weekly.get(j))));
  const g = glossaryFacts(ctx);
  const gaps = behaviourGaps(ctx);
  return {
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
    customer_table: customerTableData(ctx),
  };
}
