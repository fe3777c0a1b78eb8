/**
 * strategy.json: per segment of the chosen k, the figures the what-if needs (customers, revenue, orders, AOV,
 * annualised revenue per customer) with its strategy, and the default segment for each what-if lever:
 * - top: the highest revenue per customer;
 * - promising: the largest segment whose role is "promising" (New / Promising), else the most recent segment
 *   among those with below-median orders per customer;
 * - at risk: the largest "at_risk" segment by revenue (At-Risk High-Value, At-Risk), else "cooling", else the
 *   least recent segment.
 */
import type { ReportContext } from "../context.ts";
import { inactiveCluster, rnd, segmentRows, type SegmentRow } from "./common.ts";

/** The default segment of each what-if lever (see the module comment). */
export function leverDefaults(rows: readonly SegmentRow[]): { top: string; promising: string; at_risk: string } {
  const by = <T>(list: T[], cmp: (a: T, b: T) => number) => [...list].sort(cmp)[0];
  const top = by([...rows], (a, b) => b.revenue_per_customer - a.revenue_per_customer || a.cluster - b.cluster);
  const promisingRole = rows.filter((r) => r.role === "promising");
  const medianFreq = [...rows].map((r) => r.orders_per_year).sort((a, b) => a - b)[Math.floor((rows.length - 1) / 2)];
  const promising = promisingRole.length
    ? by(promisingRole, (a, b) => b.customers - a.customers || a.cluster - b.cluster)
    : by(rows.filter((r) => r.orders_per_year <= medianFreq && r !== top).concat(rows.length === 1 ? [top] : []), (a, b) => a.median_recency - b.median_recency || a.cluster - b.cluster);
  const risk = rows.filter((r) => r.role === "at_risk");
  const cooling = rows.filter((r) => r.role === "cooling");
  const atRisk = risk.length
    ? by(risk, (a, b) => b.revenue - a.revenue || a.cluster - b.cluster)
    : cooling.length
      ? by(cooling, (a, b) => b.revenue - a.revenue || a.cluster - b.cluster)
      : inactiveCluster(rows);
  return { top: top.name, promising: (promising ?? top).name, at_risk: atRisk.name };
}

export function strategyData(ctx: ReportContext): Record<string, unknown> {
  const rows = segmentRows(ctx, ctx.chosen);
  const years = Math.max(ctx.headline.period_days, 1) / 365.25;
  return {
    period_days: ctx.headline.period_days,
    years: rnd(years, 4),
    revenue: rnd(ctx.headline.revenue),
    annual_revenue: rnd(ctx.headline.revenue / years),
    defaults: leverDefaults(rows),
    segments: rows.map((r) => ({
      name: r.name,
      slug: ctx.slugs.get(r.name),
      customers: r.customers,
      customer_share: rnd(r.customer_share, 5),
      revenue: rnd(r.revenue),
      revenue_share: rnd(r.revenue_share, 5),
      orders: r.orders,
      aov: rnd(r.aov),
      orders_per_year: rnd(r.orders_per_year, 3),
      annual_revenue_per_customer: rnd(r.revenue_per_customer / years),
      median_recency: rnd(r.median_recency, 1),
      description: r.description,
      meaning: r.meaning,
      action: r.action,
      strategy: r.strategy,
      role: r.role,
    })),
  };
}
