/**
 * segment/<slug>.json, one per segment of the chosen k: its profile next to the average customer, RFM mix,
 * countries, top products and categories, word frequencies, monthly revenue, weekday x hour pattern, strategy.
 */
import type { ReportContext } from "../context.ts";
import { calendarGaps } from "../limits.ts";
import { regionOf } from "../regions.ts";
import { median } from "../../stats/quantile.ts";
import {
  oneCustomerReturnsNote,
  orderIntervals,
  returnIntervals,
  periodYears,
  productNotes,
  publishRow,
  rnd,
  rndSpread,
  segmentRows,
} from "../facts.ts";
import { valueFigures } from "../value-figures.ts";

export function segmentPages(ctx: ReportContext): Map<string, Record<string, unknown>> {
  const kd = ctx.chosen;
  const rows = segmentRows(ctx, kd);
  const all = ctx.all.orders.get(-1);
  const years = periodYears(ctx);
  const overall = {
    customers: ctx.headline.customers,
    revenue_per_customer: rnd(ctx.headline.revenue / ctx.headline.customers),
    aov: rnd(all && all.orders ? all.revenue / all.orders : 0),
    items_per_order: rnd(all && all.orders ? all.units / all.orders : 0, 2),
    return_rate: rnd(all && all.bought_units ? all.returned_units / all.bought_units : 0, 5),
    orders_per_year: rnd(ctx.headline.orders / ctx.headline.customers / years, 3),
    median_recency: rnd(median(ctx.ingest.customers.map((c) => c.recency)), 1),
    median_frequency: rnd(median(ctx.ingest.customers.map((c) => c.frequency)), 1),
    median_monetary: rnd(median(ctx.ingest.customers.map((c) => c.monetary))),
    median_order_units: rnd(all?.order_units.median, 1),
    median_order_value: rnd(all?.order_value.median),
  };
  const value = valueFigures(ctx);
  // the figures a few customers can drive, with their bootstrap intervals over customers (as the behaviour page)
  const returns = returnIntervals(ctx, kd);
  const orders = orderIntervals(ctx, kd);
  const interval = (ci: { low: number; high: number } | undefined, digits: number) =>
    ci && Number.isFinite(ci.low) ? { low: rnd(ci.low, digits), high: rnd(ci.high, digits) } : null;
  const out = new Map<string, Record<string, unknown>>();
  for (const row of rows) {
    const slug = ctx.slugs.get(row.name)!;
    const j = row.cluster;
    const rfm = ctx.seg.crosstab.segments
      .map((segment, s) => ({ segment, customers: ctx.seg.crosstab.counts[j][s] }))
      .filter((x) => x.customers > 0)
      .sort((a, b) => b.customers - a.customers);
    const countries = [...(kd.agg.countries.get(j) ?? new Map()).entries()]
      .map(([country, v]) => ({ country, region: regionOf(country), customers: v.customers, revenue: rnd(v.revenue) }))
      .sort((a, b) => b.customers - a.customers || (a.country < b.country ? -1 : 1));
    const o = kd.agg.orders.get(j);
    out.set(slug, {
      name: row.name,
      slug,
      k: ctx.seg.k,
      profile: publishRow(row, slug),
      available: ctx.available,
      product_notes: productNotes(ctx.available),
      strategy: row.strategy,
      // the value models' figures for this segment (or why there are none)
      value: value.fitted ? { fitted: true, ...value.segments.get(row.name)! } : { fitted: false, text: [value.text] },
      overall,
      returns_note: oneCustomerReturnsNote(row),
      return_interval: interval(returns?.clusters[j], 5),
      order_units_interval: interval(orders?.units.clusters[j], 1),
      order_value_interval: interval(orders?.value.clusters[j], 2),
      order_units: rndSpread(o?.order_units, 1),
      order_value: rndSpread(o?.order_value, 2),
      interval: rndSpread(kd.agg.intervals.get(j), 1),
      rfm_mix: rfm,
      countries: countries.slice(0, 15),
      other_countries: countries.slice(15).reduce((s, c) => s + c.customers, 0),
      products: (kd.agg.products.get(j) ?? []).map((p) => ({
        description: p.description,
        category: p.category,
        revenue: rnd(p.revenue),
        customers: p.customers,
        share: rnd(p.share, 5),
      })),
      categories: (kd.agg.categories.get(j) ?? []).map((c) => ({
        category: c.category,
        revenue: rnd(c.revenue),
        share: rnd(c.share, 5),
      })),
      words: kd.agg.words.get(j) ?? [],
      monthly: (kd.agg.monthly.get(j) ?? []).map((m) => [m.month, rnd(m.revenue), m.orders]),
      months: ctx.months,
      weekly: (ctx.chosen.agg.weekly.get(j) ?? []).map((c) => [c.dow, c.hour, c.orders]),
      // weekdays, hours and months in which this segment placed no order
      calendar_gaps: calendarGaps(
        ctx.chosen.agg.weekly.get(j) ?? [],
        ctx.months.map((m) => m.month),
        (kd.agg.monthly.get(j) ?? []).filter((m) => m.orders > 0).map((m) => m.month),
      ),
      others: rows.filter((r) => r !== row).map((r) => ({ name: r.name, slug: ctx.slugs.get(r.name) })),
    });
  }
  return out;
}
