/**
 * What the page builders and the narrative share, below both (pages import no other page, and insights.ts no
 * page): the facts behind the narrative (Insight, InsightFacts, campaign responses), per-segment summary rows,
 * rounding, the one-customer note on a return rate, what the advice may assume, the wording of the drop reasons
 * and the product notes.
 */
import type { Spread } from "./aggregates.ts";
import { homeSpend, type HomeSpend } from "./home-spend.ts";
import type { KData, ReportContext } from "./context.ts";
import { formatPercent } from "./format.ts";
import { readerLabel } from "./labels.ts";
import { calendarGaps } from "./limits.ts";
import { BUSINESS_MEDIAN_UNITS, playFor, profileSentence, type AdviceSigns, type Role } from "./playbook.ts";
import { countryChiSquare } from "../stats/tests.ts";
import { medianOrderIntervals, returnRateIntervals, type FigureInterval } from "./order-intervals.ts";
import { sortedCopy } from "../stats/quantile.ts";
import { traitSentence, traitThresholds, type TraitThresholds, unnamedSentence } from "../cluster/traits.ts";

/** A page of the report: its registry id (report/registry.ts; "" for the home page). */
export type PageName = string;

export interface Insight {
  id: string;
  /** 1 = strongest; set by rankInsights */
  rank: number;
  /** 0..1, grows with the size of the effect */
  score: number;
  text: string;
  /** the page with the evidence, and the section id on it */
  page: PageName;
  anchor: string;
  /** the figures quoted in `text`, formatted, plus raw values for charts */
  figures: Record<string, string | number>;
  /**
   * The strength of a comparative statement: the effect as the natural log of a ratio (0 = no effect) with its 95%
   * interval, and what the ratio compares. Statements without one (levels, method notes) are not headlines.
   */
  evidence?: Evidence;
  /** true when `evidence`'s interval excludes no effect: a candidate for the executive summary */
  headline?: boolean;
}

export interface Evidence {
  /** ln of the ratio */
  effect: number;
  low: number;
  high: number;
  /** what is compared, e.g. "response rate, segment / rest" */
  measure: string;
}

/** One segment (cluster of the chosen k) as the narrative sees it. */
export interface SegmentFacts {
  name: string;
  /** the cluster index (the value in `InsightFacts.labels`) */
  cluster?: number;
  customers: number;
  revenue: number;
  orders: number;
  /** median days since the last order */
  median_recency: number;
  /** revenue / orders */
  aov: number;
  /** units / orders */
  items_per_order: number;
  /** returned units / purchased units */
  return_rate: number;
  /** returned and bought units, and those of the customer who returned the most (for the one-customer guard) */
  returned_units?: number;
  bought_units?: number;
  top_returner?: { returned_units: number; bought_units: number };
  /** the median order's units and value (robust figures for a typical order; means are heavy-tailed) */
  median_order_units?: number;
  median_order_value?: number;
  /**
   * Bootstrap intervals over customers (order-intervals.ts): the median order (units, value) and its ratio to the
   * median order of everyone; the return rate and its ratio to the rest's. A claim on a figure without its
   * interval is not made.
   */
  order_units_interval?: FigureInterval;
  order_value_interval?: FigureInterval;
  return_interval?: FigureInterval;
}

/** A return-rate claim is one customer's when that customer supplies more than this share of the segment's returned units. */
export const ONE_CUSTOMER_SHARE = 0.5;

export interface InsightFacts {
  currency: string;
  customers: number;
  revenue: number;
  orders: number;
  /** purchased and returned units over all customers, for the overall return rate */
  units: number;
  returned_units: number;
  /** units bought before netting returns (the base of the return rate; = units under the gross basis) */
  bought_units: number;
  /** per-customer revenue (for concentration); order does not matter */
  monetary: readonly number[];
  /** per-customer order counts (for the one-off buyers statement) */
  frequency: readonly number[];
  /** per-customer cluster of the chosen k, in the order of `monetary` */
  labels?: ArrayLike<number>;
  /** spend per head at home and abroad, overall and within segments (home-spend.ts) */
  home_spend?: HomeSpend | null;
  /** per-customer days from the first order to the end of the period, in the order of `frequency` */
  tenure?: readonly number[];
  /** the median order of all customers: units and value */
  median_order_units?: number;
  median_order_value?: number;
  segments: readonly SegmentFacts[];
  /** orders by ISO weekday (1 = Monday) and hour */
  weekly?: readonly { dow: number; hour: number; orders: number }[];
  /** revenue by calendar month "YYYY-MM", with partial months (cut by the period's ends) flagged */
  months?: readonly { month: string; revenue: number; partial: boolean }[];
  /** the country x segment chi-square test, and countries where the inactive segment is over-represented */
  geography?: {
    chi2: number;
    df: number;
    p: number;
    cramers_v: number;
    inactive_segment: string;
    over: readonly { country: string; residual: number; customers: number; share: number }[];
    /** the inactive segment's share among all customers */
    inactive_share: number;
    /** customers in the test, and those of the inactive segment among them (the base of a country's comparison) */
    tested?: number;
    inactive_tested?: number;
  };
  /** a customer table's campaign responses (0/1 columns): per campaign, responders among all and per segment */
  responses?: readonly {
    campaign: string;
    /** the reader's name for the campaign ("the last campaign") */
    label: string;
    yes: number;
    n: number;
    segments: readonly { name: string; yes: number; n: number }[];
  }[];
  /** bootstrap stability of the chosen clustering: mean adjusted Rand index over the resamples */
  stability?: { mean_ari: number; runs: number };
  /** segments over time: the migration's guarded sentences, the cohorts' guarded comparison, a saved model's drift */
  over_time?: {
    migration: { from_date: string; to_date: string; narrative: string[] } | null;
    cohort_sentence: string | null;
    cohort_p: number | null;
    drift: { model_id: string; warning: string | null; passed: string[]; outside_share: number } | null;
  };
  /** the chosen k and the sentence saying why */
  k?: { k: number; reason: string };
  /** the cleaning account */
  /** false for a customer-level table: no units or returns, so no basket or return statements */
  lines?: boolean;
  /** the cleaning account; `unit` "rows" for a customer-level table (default "lines") */
  cleaning?: { rows_in: number; rows_kept: number; dropped: Record<string, number>; unit?: string };
}

/**
 * The one-customer guard for a page quoting a segment's return rate (the segment pages): a sentence when one
 * customer supplies more than ONE_CUSTOMER_SHARE of the segment's returned units, else null.
 */
export function oneCustomerReturnsNote(
  s: Pick<SegmentFacts, "returned_units" | "bought_units" | "top_returner">,
): string | null {
  const top = s.top_returner;
  const returned = s.returned_units ?? 0;
  const bought = s.bought_units ?? 0;
  if (!top || !(returned > 0) || !(top.returned_units > ONE_CUSTOMER_SHARE * returned)) return null;
  const without = bought - top.bought_units > 0 ? (returned - top.returned_units) / (bought - top.bought_units) : 0;
  return (
    `One customer accounts for ${formatPercent(top.returned_units / returned)} of this segment's returned units: ` +
    `the rate of units returned is that customer's, not the segment's habit; without them the segment returns ${formatPercent(without)} of the units it bought.`
  );
}

/** Rounds for publication (money to cents, shares to 4 decimals ...); non-finite values become null. */
export function rnd(x: number | null | undefined, digits = 2): number | null {
  if (x == null || !Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** A spread rounded for publication. */
export function rndSpread(s: Spread | undefined, digits = 2): Spread | null {
  if (!s || !s.n) return null;
  return {
    n: s.n,
    p05: rnd(s.p05, digits)!,
    q1: rnd(s.q1, digits)!,
    median: rnd(s.median, digits)!,
    q3: rnd(s.q3, digits)!,
    p95: rnd(s.p95, digits)!,
    mean: rnd(s.mean, digits)!,
  };
}

/** One segment (cluster) of one k, as most pages show it. */
export interface SegmentRow {
  name: string;
  cluster: number;
  customers: number;
  customer_share: number;
  revenue: number;
  revenue_share: number;
  orders: number;
  units: number;
  returned_units: number;
  bought_units: number;
  top_returner: { returned_units: number; bought_units: number };
  median_recency: number;
  median_frequency: number;
  median_monetary: number;
  /** revenue / orders */
  aov: number;
  /** units / orders */
  items_per_order: number;
  /** returned units / purchased units */
  return_rate: number;
  revenue_per_customer: number;
  /** orders per customer per year over the period */
  orders_per_year: number;
  description: string;
  /** what the name asserts, each trait with the share of members it holds for (from the name check) */
  meaning: string;
  /** share of members for whom every trait of the name holds (null: the name asserts none) */
  name_holds: number | null;
  traits: { word: string; definition: string; share: number; holds: boolean }[];
  /** share of members who first bought within the last 90 days */
  new_share: number;
  action: string;
  strategy: string;
  role: Role;
}

/** The shortest period of lines that is annualised: a shorter one (a day, a few weeks) scaled to a year would mean little. */
export const MIN_ANNUAL_DAYS = 90;

/** True when the lines cover too short a period to annualise (per-year figures are then the period's own). */
export function tooShortToAnnualise(ctx: ReportContext): boolean {
  return ctx.capabilities.has.transactions && ctx.headline.period_days < MIN_ANNUAL_DAYS;
}

/**
 * The period in years that per-year figures divide by: the days from the first to the last line; for a
 * customer-level table the `period_days` its figures cover, as configured, or 1 when not stated (the figures are
 * used as one year's, and the strategy page says so). Lines covering fewer than MIN_ANNUAL_DAYS days are not
 * annualised (1: their "a year" figures are the period's own, and the strategy page and the glossary say so):
 * one day's £32k was "annual revenue £11.83M".
 */
export function periodYears(ctx: ReportContext): number {
  if (!ctx.capabilities.has.transactions) return ctx.config.period_days === null ? 1 : ctx.config.period_days / 365.25;
  if (tooShortToAnnualise(ctx)) return 1;
  return Math.max(ctx.headline.period_days, 1) / 365.25;
}

/** One sentence for a period too short to annualise, else null. */
export function shortPeriodNote(ctx: ReportContext): string | null {
  if (!tooShortToAnnualise(ctx)) return null;
  const days = ctx.headline.period_days;
  return (
    `The data cover ${days.toLocaleString("en-GB")} day${days === 1 ? "" : "s"}, too short to annualise (at least ${MIN_ANNUAL_DAYS} days are needed):` +
    ` the figures "a year" on these pages are the period's own figures, not scaled to a year.`
  );
}

/** The segment rows of one k, in cluster order (0 = the highest median monetary). */
export function segmentRows(ctx: ReportContext, kd: KData): SegmentRow[] {
  const years = periodYears(ctx);
  return kd.solution.profiles.map((p, j) => {
    const o = kd.agg.orders.get(j);
    const orders = o?.orders ?? 0;
    const units = o?.units ?? 0;
    const play = playFor(p.name, adviceSigns(ctx));
    return {
      name: p.name,
      cluster: j,
      customers: p.size,
      customer_share: p.share_customers,
      revenue: p.revenue,
      revenue_share: p.share_revenue,
      orders,
      units,
      returned_units: o?.returned_units ?? 0,
      bought_units: o?.bought_units ?? 0,
      top_returner: o?.top_returner ?? { returned_units: 0, bought_units: 0 },
      median_recency: p.median_recency,
      median_frequency: p.median_frequency,
      median_monetary: p.median_monetary,
      aov: orders ? p.revenue / orders : 0,
      items_per_order: orders ? units / orders : 0,
      return_rate: o?.bought_units ? o.returned_units / o.bought_units : 0,
      revenue_per_customer: p.size ? p.revenue / p.size : 0,
      orders_per_year: p.size ? orders / p.size / years : 0,
      description: profileSentence(p, ctx.headline.currency, ctx.capabilities.has.transactions ? "order" : "purchase"),
      meaning: p.name_check
        ? traitSentence(p.name_check.traits) || unnamedSentence(p.name_check, reportTraitThresholds(ctx))
        : play.meaning,
      name_holds: p.name_check?.name_holds ?? null,
      traits: (p.name_check?.traits ?? []).map((t) => ({
        word: t.word,
        definition: t.definition,
        share: t.share,
        holds: t.holds,
      })),
      new_share: p.name_check?.new_share ?? 0,
      action: play.action,
      strategy: play.strategy,
      role: play.role,
    };
  });
}

/** The trait cut-offs (traits.ts) on this report's customers. */
export function reportTraitThresholds(ctx: ReportContext): TraitThresholds {
  const customers = ctx.ingest.customers;
  return traitThresholds({
    recency: sortedCopy(customers.map((c) => c.recency)),
    frequency: sortedCopy(customers.map((c) => c.frequency)),
    monetary: sortedCopy(customers.map((c) => c.monetary)),
  });
}

/** A segment row rounded for publication. */
export function publishRow(row: SegmentRow, slug?: string): Record<string, unknown> {
  return {
    name: row.name,
    ...(slug ? { slug } : {}),
    cluster: row.cluster,
    customers: row.customers,
    // six decimals: at five, 23.7499% became 0.2375 and was printed 23.8%
    customer_share: rnd(row.customer_share, 6),
    revenue: rnd(row.revenue),
    revenue_share: rnd(row.revenue_share, 6),
    orders: row.orders,
    median_recency: rnd(row.median_recency, 1),
    median_frequency: rnd(row.median_frequency, 1),
    median_monetary: rnd(row.median_monetary),
    aov: rnd(row.aov),
    items_per_order: rnd(row.items_per_order, 2),
    return_rate: rnd(row.return_rate, 5),
    /** the one-customer guard: set when one customer supplies most of the segment's returned units */
    returns_note: oneCustomerReturnsNote(row),
    revenue_per_customer: rnd(row.revenue_per_customer),
    orders_per_year: rnd(row.orders_per_year, 3),
    description: row.description,
    meaning: row.meaning,
    name_holds: rnd(row.name_holds, 4),
    traits: row.traits.map((t) => ({ ...t, share: rnd(t.share, 4) })),
    action: row.action,
    role: row.role,
  };
}

/** The least recently active cluster (highest median recency; ties: the larger, then the lower label). */
export function inactiveCluster(rows: readonly SegmentRow[]): SegmentRow {
  return [...rows].sort(
    (a, b) => b.median_recency - a.median_recency || b.customers - a.customers || a.cluster - b.cluster,
  )[0];
}

export interface CountryTest {
  chi2: number;
  df: number;
  p: number;
  cramers_v: number;
  min_expected: number;
  countries: string[];
  merged: string[];
  note: string;
  /** adjusted standardised residuals [cluster][country column] */
  residuals: number[][];
  table: number[][];
}

/**
 * The cluster x country chi-square of one k (with adjusted standardised residuals): the segmentation's own test
 * for the chosen k, the same function for the others.
 */
export function countryTest(ctx: ReportContext, kd: KData): CountryTest | null {
  const countries = ctx.ingest.customers.map((c) => c.country);
  const result =
    kd.k === ctx.seg.k ? ctx.seg.validation.country_chi2 : countryChiSquare(kd.solution.labels, kd.k, countries);
  if (!result) return null;
  return {
    chi2: result.chi2,
    df: result.dof,
    p: result.p,
    cramers_v: result.cramers_v,
    min_expected: result.min_expected,
    countries: result.countries,
    merged: result.merged,
    note: result.note,
    residuals: result.residuals,
    table: result.table,
  };
}

/** Seeds of the behaviour bootstraps: one per k and figure, so that each k's intervals stand on their own. */
const seedOf = (k: number, figure: number) => 4200 + 10 * k + figure;

/** Each cluster's return rate with its interval and its ratio to the rest's (null without lines). */
export function returnIntervals(ctx: ReportContext, kd: KData): ReturnType<typeof returnRateIntervals> | null {
  const lines = ctx.customer_lines;
  if (!lines) return null;
  return remember(returnMemo, kd, () =>
    returnRateIntervals(lines.returned, lines.bought, kd.solution.labels, kd.k, { seed: seedOf(kd.k, 0) }),
  );
}

/** Each k's bootstraps, computed once for the pages and the narrative that quote them. */
const returnMemo = new WeakMap<KData, ReturnType<typeof returnRateIntervals>>();
const orderMemo = new WeakMap<KData, Record<"units" | "value", ReturnType<typeof medianOrderIntervals>>>();
function remember<T>(memo: WeakMap<KData, T>, kd: KData, make: () => T): T {
  if (!memo.has(kd)) memo.set(kd, make());
  return memo.get(kd)!;
}

/** Each cluster's median order (units, value) with its interval and its ratio to everyone's (null without lines). */
export function orderIntervals(
  ctx: ReportContext,
  kd: KData,
): Record<"units" | "value", ReturnType<typeof medianOrderIntervals>> | null {
  const lines = ctx.customer_lines;
  if (!lines) return null;
  const of = (values: Float64Array, figure: number) =>
    medianOrderIntervals(values, lines.start, kd.solution.labels, kd.k, { seed: seedOf(kd.k, figure) });
  return remember(orderMemo, kd, () => ({ units: of(lines.units, 1), value: of(lines.value, 2) }));
}

/** The facts the narrative is made from (chosen k). */
export function insightFacts(ctx: ReportContext): InsightFacts {
  const rows = segmentRows(ctx, ctx.chosen);
  const returns = returnIntervals(ctx, ctx.chosen);
  const orders = orderIntervals(ctx, ctx.chosen);
  const all = ctx.all.orders.get(-1);
  const segments: SegmentFacts[] = rows.map((r) => ({
    name: r.name,
    cluster: r.cluster,
    customers: r.customers,
    revenue: r.revenue,
    orders: r.orders,
    median_recency: r.median_recency,
    aov: r.aov,
    items_per_order: r.items_per_order,
    return_rate: r.return_rate,
    returned_units: r.returned_units,
    bought_units: r.bought_units,
    top_returner: r.top_returner,
    median_order_units: ctx.chosen.agg.orders.get(r.cluster)?.order_units.median,
    median_order_value: ctx.chosen.agg.orders.get(r.cluster)?.order_value.median,
    order_units_interval: orders?.units.clusters[r.cluster],
    order_value_interval: orders?.value.clusters[r.cluster],
    return_interval: returns?.clusters[r.cluster],
  }));
  const monthly = ctx.all.monthly.get(-1) ?? [];
  const partial = new Map(ctx.months.map((m) => [m.month, m.partial]));
  const test = countryTest(ctx, ctx.chosen);
  const inactive = inactiveCluster(rows);
  let geography: InsightFacts["geography"];
  if (test) {
    const j = inactive.cluster;
    const colTotals = test.countries.map((_, c) => test.table.reduce((s, row) => s + row[c], 0));
    geography = {
      chi2: test.chi2,
      df: test.df,
      p: test.p,
      cramers_v: test.cramers_v,
      inactive_segment: inactive.name,
      inactive_share: inactive.customer_share,
      tested: colTotals.reduce((a, b) => a + b, 0),
      inactive_tested: test.table[j].reduce((a, b) => a + b, 0),
      over: test.countries
        .map((country, c) => ({
          country,
          residual: test.residuals[j][c],
          customers: colTotals[c],
          share: colTotals[c] ? test.table[j][c] / colTotals[c] : 0,
        }))
        .filter((o) => o.country !== "Other"),
    };
  }
  return {
    currency: ctx.headline.currency,
    customers: ctx.headline.customers,
    revenue: ctx.headline.revenue,
    orders: ctx.headline.orders,
    units: all?.units ?? 0,
    returned_units: all?.returned_units ?? 0,
    bought_units: all?.bought_units ?? 0,
    monetary: ctx.ingest.customers.map((c) => c.monetary),
    frequency: ctx.ingest.customers.map((c) => c.frequency),
    labels: ctx.chosen.solution.labels,
    home_spend: ctx.available.country
      ? homeSpend(
          ctx.ingest.customers.map((c) => c.country),
          Float64Array.from(ctx.ingest.customers, (c) => c.monetary),
          ctx.chosen.solution.labels,
          ctx.chosen.solution.names,
        )
      : null,
    tenure: ctx.available.lines ? ctx.ingest.customers.map((c) => c.tenure) : undefined,
    median_order_units: all?.order_units.median,
    median_order_value: all?.order_value.median,
    segments,
    weekly: (ctx.all.weekly.get(-1) ?? []).map((w) => ({ dow: w.dow, hour: w.hour, orders: w.orders })),
    months: monthly.map((m) => ({ month: m.month, revenue: m.revenue, partial: partial.get(m.month) ?? true })),
    geography,
    responses: responseFacts(ctx),
    stability: { mean_ari: ctx.seg.validation.stability.mean_ari, runs: ctx.seg.validation.stability.runs },
    over_time: ctx.time
      ? {
          migration: ctx.time.analysis.migration
            ? {
                from_date: ctx.time.analysis.migration.from_date,
                to_date: ctx.time.analysis.migration.to_date,
                narrative: ctx.time.analysis.migration.narrative,
              }
            : null,
          cohort_sentence: ctx.time.analysis.cohorts?.comparison?.sentence ?? null,
          cohort_p: ctx.time.analysis.cohorts?.comparison?.p ?? null,
          drift: ctx.time.saved
            ? {
                model_id: ctx.time.saved.model_id,
                warning: ctx.time.saved.drift.warning,
                passed: ctx.time.saved.drift.passed,
                outside_share: ctx.time.saved.drift.outside_share,
              }
            : null,
        }
      : undefined,
    k: { k: ctx.seg.k, reason: ctx.seg.k_reason },
    lines: ctx.available.lines,
    cleaning: {
      rows_in: ctx.ingest.accounting.rows_in,
      rows_kept: ctx.ingest.accounting.rows_kept,
      dropped: ctx.ingest.accounting.dropped,
      ...(ctx.capabilities.has.transactions ? {} : { unit: "rows" }),
    },
  };
}

/** The reader's name of a response column: the marketing layout's `Response` is the last campaign. */
const RESPONSE_LABELS: Record<string, string> = {
  Response: "the last campaign",
  AcceptedCmp1: "campaign 1",
  AcceptedCmp2: "campaign 2",
  AcceptedCmp3: "campaign 3",
  AcceptedCmp4: "campaign 4",
  AcceptedCmp5: "campaign 5",
};

/** Responders per campaign, among all customers and per segment of the chosen k (customer tables only). */
function responseFacts(ctx: ReportContext): InsightFacts["responses"] {
  const parts = ctx.ingest.customer_table?.parts;
  if (!ctx.capabilities.has.customer_parts || !parts) return undefined;
  const labels = ctx.chosen.solution.labels;
  const names = ctx.chosen.solution.names;
  return parts.responses.map((campaign, c) => {
    const yes = names.map(() => 0);
    const n = names.map(() => 0);
    parts.response_values.forEach((row, i) => {
      n[labels[i]]++;
      if (row[c] === 1) yes[labels[i]]++;
    });
    return {
      campaign,
      label: ctx.config.report.labels[campaign]
        ? `"${ctx.config.report.labels[campaign]}"`
        : (RESPONSE_LABELS[campaign] ?? `"${readerLabel(campaign)}"`),
      yes: yes.reduce((a, b) => a + b, 0),
      n: n.reduce((a, b) => a + b, 0),
      segments: names.map((name, j) => ({ name, yes: yes[j], n: n[j] })),
    };
  });
}

/** What the advice may assume: business customers (a median order of BUSINESS_MEDIAN_UNITS units or more), seasons (dated orders over a year). */
export function adviceSigns(ctx: ReportContext): AdviceSigns {
  const lines = ctx.available.lines;
  const median = ctx.all.orders.get(-1)?.order_units.median ?? 0;
  return {
    business: lines && median >= BUSINESS_MEDIAN_UNITS,
    seasons: lines && ctx.months.filter((m) => !m.partial).length >= 12,
  };
}

/** Wording of the drop reasons. */
export const REASON_LABELS: Record<string, string> = {
  implausible_date: "dates outside the plausible window",
  cancellation: "cancellations (invoice starting with C)",
  missing_customer: "no customer id",
  nonpositive_quantity: "quantity of zero or less",
  missing_order: "order not in the orders table",
  nonpositive_price: "unit price of zero or less",
  nonpositive_amount: "amount (line or order total) of zero or less",
  non_product_code: "non-product codes (postage, fees, adjustments)",
  duplicate: "exact duplicate lines",
  returned: "purchases returned in full (net revenue)",
  fully_returned: "customers whose net revenue is zero or less (fully returned)",
  // a customer-level table's rows (customers/table.ts)
  duplicate_customer: "a customer id already on an earlier row",
  missing_value: "an empty value the segmentation needs (not imputed)",
  impossible_value: "an impossible value (negative amount or count, response not 0/1)",
};

/** The weekdays, hours and months of the period without orders (all customers). */
export function behaviourGaps(ctx: ReportContext) {
  return calendarGaps(
    ctx.all.weekly.get(-1) ?? [],
    ctx.months.map((m) => m.month),
    (ctx.all.monthly.get(-1) ?? []).filter((m) => m.orders > 0).map((m) => m.month),
  );
}

/** One line per product section the data cannot fill (the page shows it instead of an empty chart). */
export function productNotes(available: ReportContext["available"]): {
  products: string | null;
  categories: string | null;
  words: string | null;
} {
  const products = available.products
    ? null
    : available.lines
      ? "Not available: the data has no product (stock code) column."
      : "Not available: the data is one row per customer; products, categories and description words are not in it.";
  return {
    products,
    categories:
      products ??
      (available.categories
        ? null
        : "Not available: the data has neither product categories nor descriptions to derive them from."),
    words: products ?? (available.words ? null : "Not available: the data has no product descriptions."),
  };
}
