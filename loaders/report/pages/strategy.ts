/**
 * strategy.json: per segment of the chosen k, the figures the what-if needs (customers, revenue, orders, AOV,
 * annualised revenue per customer), the members each lever applies to (new customers, lapsed customers: their
 * count, share of the segment, order value and annual revenue), the strategy paragraph checked against the
 * segment's figures and rank, and the default segment and slider values of each lever (levers.ts).
 */
import type { ReportContext } from "../context.ts";
import {
  checkedStrategy,
  defaultUplifts,
  LEVER_DEFAULTS,
  LEVER_FIT_SHARE,
  leverDefaults,
  leverTargets,
} from "../levers.ts";
import { periodYears, reportTraitThresholds, rnd, segmentRows, shortPeriodNote } from "../facts.ts";
import { valueFigures } from "../value-figures.ts";

export function strategyData(ctx: ReportContext): Record<string, unknown> {
  const rows = segmentRows(ctx, ctx.chosen);
  const years = periodYears(ctx);
  const targets = leverTargets(
    ctx.ingest.customers,
    ctx.chosen.solution.labels,
    ctx.chosen.k,
    reportTraitThresholds(ctx),
  );
  const defaults = leverDefaults(rows, targets);
  const uplifts = defaultUplifts(rows, targets, defaults, years);
  const byName = (name: string) => rows.find((r) => r.name === name)!;
  const members = (name: string | null, pick: (t: (typeof targets)[number]) => number) => {
    const row = rows.find((r) => r.name === name);
    return row ? pick(targets[row.cluster]) : 0;
  };
  const levers = [
    {
      lever: "keep more",
      segment: defaults.top.segment,
      value: uplifts.keep,
      members: members(defaults.top.segment, () => byName(defaults.top.segment as string).customers),
      who: "customers",
    },
    {
      lever: "one more order from new customers",
      segment: defaults.promising.segment,
      value: uplifts.grow,
      members: members(defaults.promising.segment, (t) => t.new.customers),
      who: "new customers",
    },
    {
      lever: "win back",
      segment: defaults.at_risk.segment,
      value: uplifts.win,
      members: members(defaults.at_risk.segment, (t) => t.lapsed.customers),
      who: "lapsed customers",
    },
  ].sort((a, b) => b.value - a.value);
  const largest = levers[0].value > 0 && levers[0].segment ? { ...levers[0], segment: levers[0].segment } : null;
  const overallPerCustomer = ctx.headline.customers ? ctx.headline.revenue / ctx.headline.customers : 0;
  const value = valueFigures(ctx);
  const target = (t: { customers: number; share: number; revenue: number; orders: number }) => ({
    customers: t.customers,
    share: rnd(t.share, 5),
    aov: rnd(t.orders ? t.revenue / t.orders : 0),
    annual_revenue_per_customer: rnd(t.customers ? t.revenue / t.customers / years : 0),
  });
  return {
    period_days: ctx.headline.period_days,
    years: rnd(years, 4),
    // a customer-level table's spending covers a period the data does not state: configured, or taken as one year's;
    // lines covering too short a period are not annualised
    period_note: !ctx.capabilities.has.transactions
      ? ctx.config.period_days === null
        ? "The table does not say what period its spending and purchases cover: the figures a year below take the table's figures as one year's (set period_days in the configuration to the days they cover)."
        : `The table's spending and purchases cover ${ctx.config.period_days.toLocaleString("en-GB")} days (period_days in the configuration): the figures a year below divide them by ${rnd(ctx.config.period_days / 365.25, 2)} years.`
      : shortPeriodNote(ctx),
    revenue: rnd(ctx.headline.revenue),
    annual_revenue: rnd(ctx.headline.revenue / years),
    defaults: { top: defaults.top.segment, promising: defaults.promising.segment, at_risk: defaults.at_risk.segment },
    fits: { promising: defaults.promising.fits, at_risk: defaults.at_risk.fits },
    fit_share: LEVER_FIT_SHARE,
    sliders: LEVER_DEFAULTS,
    // the value models' figures under each lever, or why there are none
    value: { fitted: value.fitted, text: value.text },
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
      new_customers: target(targets[r.cluster].new),
      lapsed_customers: target(targets[r.cluster].lapsed),
      description: r.description,
      meaning: r.meaning,
      action: r.action,
      strategy: checkedStrategy(r, rows, {
        currency: ctx.headline.currency,
        overall_revenue_per_customer: overallPerCustomer,
        years,
        largest_uplift: largest,
      }),
      role: r.role,
      value: value.segments?.get(r.name) ?? null,
    })),
  };
}
