/**
 * The glossary: every figure the report shows, defined in words with this data's own numbers where the
 * definition depends on them (what revenue leaves out, whose gaps the time between orders pools, how many
 * weekday-hour cells the peak is compared with, how "orders a year" is annualised). The methodology page shows it;
 * other pages link to its entries by anchor (`./methodology.html#g-<id>`).
 */
import type { ReportContext } from "./context.ts";
import { formatInt, formatMoney, formatNumber, formatPercent } from "./format.ts";
import { plural } from "./limits.ts";
import { oneWayAnova } from "../stats/tests.ts";
import { featureValue } from "../cluster/features.ts";
import type { FeatureName } from "../config.ts";
import type { ClusterMethodName } from "../cluster/settings.ts";
import { satisfies, type Capability, type Needs } from "../capabilities.ts";
import { customerTableDefinitions } from "./glossary-customers.ts";
import { shortPeriodNote, tooShortToAnnualise } from "./facts.ts";

export interface GlossaryEntry {
  /** anchor on the methodology page: `g-${id}` */
  id: string;
  term: string;
  definition: string;
}

/**
 * What entries need beyond what every input has; an entry whose data is absent keeps its anchor (the pages' links)
 * and says it does not apply.
 */
const ENTRY_NEEDS: Record<string, Needs> = {
  returns: ["transactions"],
  "set-aside": ["transactions"],
  "units-per-order": ["transactions"],
  interval: ["transactions"],
  "peak-hour": ["transactions"],
  chi2: ["transactions", "countries"],
  migration: ["transactions"],
  cohort: ["transactions"],
};

/** Why an entry does not apply, by the first capability it misses. */
const NOT_APPLICABLE: Partial<Record<Capability, string>> = {
  transactions: "Not applicable: the data is one row per customer, without transaction lines.",
  countries: "Not applicable: the data has no country.",
};

/** The anchor of a glossary entry (for links from other pages). */
export const glossaryAnchor = (id: string): string => `g-${id}`;

/** Per clustering feature: eta squared of the chosen clusters on the raw (untransformed) values. */
export function rawEtaSquared(ctx: ReportContext): { feature: string; eta_squared: number }[] {
  const labels = ctx.chosen.solution.labels;
  const customers = ctx.ingest.customers;
  if (customers.length !== labels.length) throw new Error("customers and cluster labels are not aligned");
  return ctx.seg.features.used.map((feature) => {
    const values = Float64Array.from(customers, (c) => Number(featureValue(c, feature as FeatureName)));
    return { feature, eta_squared: oneWayAnova(values, labels, ctx.chosen.k).eta_squared };
  });
}

/** The figures the definitions quote, computed from the context. */
export function glossaryFacts(ctx: ReportContext) {
  const n = ctx.ingest.customers.length;
  const recent = ctx.ingest.customers.filter((c) => c.tenure <= 90).length;
  const gaps = ctx.all.intervals.get(-1);
  const supply = ctx.chosen.solution.names
    .map((name, j) => ({ name, gaps: ctx.chosen.agg.intervals.get(j)?.n ?? 0 }))
    .sort((a, b) => b.gaps - a.gaps)[0];
  const cells = (ctx.all.weekly.get(-1) ?? []).filter((c) => c.orders > 0).length;
  return {
    customers: n,
    recent_customers: recent,
    recent_share: n ? recent / n : 0,
    gaps: gaps?.n ?? 0,
    gap_customers: gaps?.customers ?? 0,
    same_day: gaps?.same_day ?? 0,
    same_day_share: gaps?.n ? gaps.same_day / gaps.n : 0,
    top_supplier: supply ?? null,
    trading_cells: cells,
  };
}

/** What one segment is under each clustering method (clustering.method). */
const SEGMENT_METHOD: Record<ClusterMethodName, string> = {
  kmeans: "k-means cluster",
  gmm: "Gaussian mixture component (each customer in the component of highest membership probability)",
  ward: "Ward hierarchical cluster",
  dbscan: "DBSCAN dense group (or its noise group)",
};

export function glossary(ctx: ReportContext): GlossaryEntry[] {
  const f = glossaryFacts(ctx);
  const currency = ctx.headline.currency;
  const money = (x: number) => formatMoney(x, currency);
  const a = ctx.ingest.accounting;
  const r = a.returns;
  const w = a.revenue_without_customer;
  const logged = ctx.seg.features.used.filter((_, j) => ctx.seg.features.transforms[j] === "log1p");
  const raw = rawEtaSquared(ctx)
    // a feature with one value for every customer (one day's data: recency) has no variance to explain: "NaN" before
    .map((e) =>
      Number.isFinite(e.eta_squared)
        ? `${e.feature} ${formatNumber(e.eta_squared, 3)}`
        : `${e.feature} not defined (the same value for every customer)`,
    )
    .join(", ");
  const days = ctx.headline.period_days;
  const entries: GlossaryEntry[] = [
    {
      id: "revenue",
      term: "Revenue",
      definition:
        (r.basis === "net"
          ? `Quantity × unit price of the analysed lines, net of returns (the default): ${money(r.gross_revenue)} gross, ` +
            `${money(r.returned_revenue)} returned, ${money(r.net_revenue)} net. `
          : `Quantity × unit price of the analysed lines, gross (returns not deducted; net would be ${money(r.net_revenue)}). `) +
        (w.lines
          ? `Leaves out ${money(w.revenue)} on ${formatInt(w.lines)} purchase lines without a customer id.`
          : ""),
    },
    {
      id: "returns",
      term: "Returns and return rate",
      definition:
        "A cancellation line (invoice starting with C) of a customer returns units of the same stock code: they are matched to " +
        "that customer's purchases of the code at or before the cancellation, the most recent first, each capped at what is left of it; " +
        `the value is the units × the purchase's unit price. ${formatInt(r.matched_lines)} of ${formatInt(r.return_lines)} return lines matched; ` +
        `${formatInt(r.unmatched_lines)} (${money(r.unmatched_value)}, e.g. returns of goods bought before the data starts, discounts) match nothing and reduce nothing. ` +
        "Return rate: matched returned units / units bought (before netting).",
    },
    {
      id: "set-aside",
      term: "Customers set aside (fully returned)",
      definition:
        r.basis === "net"
          ? `Customers whose net revenue is zero or less: ${plural(r.set_aside.fully_returned.customers, "customer")} with ` +
            `${plural(r.set_aside.fully_returned.lines, "line")}, left out of every customer figure and segment.`
          : "None under the gross basis: every customer with a kept purchase is analysed.",
    },
    {
      id: "order",
      term: "Order",
      definition:
        "A distinct invoice number among the analysed lines (an invoice returned in full is not an order under the net basis).",
    },
    {
      id: "customers",
      term: "Customers",
      definition: `Distinct customer ids with at least one analysed line: ${formatInt(f.customers)}.`,
    },
    {
      id: "recency",
      term: "Recency",
      definition: `Whole days from the day of the customer's last order to the snapshot day (${ctx.headline.snapshot_date}).`,
    },
    { id: "frequency", term: "Frequency", definition: "The customer's number of orders in the period." },
    {
      id: "monetary",
      term: "Monetary value (spend)",
      definition: "The customer's summed revenue in the period (net of returns under the net basis).",
    },
    {
      id: "tenure",
      term: "Tenure",
      definition: `Whole days from the day of the customer's first order to the snapshot day (an order returned in full does not count under the net basis, as for frequency): at most ${formatInt(days)} days here, since the data starts on ${ctx.headline.period_start}; a customer who first appears on the first day may have bought long before.`,
    },
    {
      id: "aov",
      term: "Average order value",
      definition: "Revenue divided by orders (of a segment, or of all customers).",
    },
    {
      id: "units-per-order",
      term: "Units per order",
      definition: "Units (summed quantity, net of returns under the net basis) divided by orders.",
    },
    {
      id: "orders-a-year",
      term: "Orders a year",
      definition:
        (tooShortToAnnualise(ctx)
          ? `A segment's orders per customer over the ${formatInt(days)}-day period, not annualised: ${shortPeriodNote(ctx)} `
          : `A segment's orders per customer divided by the length of the period (${formatInt(days)} days = ${formatNumber(days / 365.25, 2)} years), for every customer alike, not by each customer's own tenure: `) +
        `${formatInt(f.recent_customers)} customers (${formatPercent(f.recent_share)}) first bought in the last 90 days, so for segments of newcomers the figure understates their pace.`,
    },
    {
      id: "interval",
      term: "Days between orders",
      definition:
        `The days from one order of a customer to the next, pooled over the ${formatInt(f.gap_customers)} customers with two or more orders: ${formatInt(f.gaps)} gaps, each counted once, ` +
        `so frequent buyers supply most of them` +
        (f.top_supplier ? ` (${f.top_supplier.name}: ${formatInt(f.top_supplier.gaps)})` : "") +
        `; ${formatInt(f.same_day)} (${formatPercent(f.same_day_share)}) are a second order on the same day. The median is of these gaps, not of customers.`,
    },
    {
      id: "peak-hour",
      term: "Peak hour, \u201cx an average trading hour\u201d",
      definition: `The busiest weekday-hour's orders divided by the mean orders of the ${formatInt(f.trading_cells)} weekday-hour cells (of 7 × 24) that have any order; hours and days with no orders are left out of the average.`,
    },
    {
      id: "rfm-scores",
      term: "RFM scores",
      definition:
        "1 to 5 from the 20/40/60/80% quantiles of recency (reversed: recent = 5), frequency and monetary value; equal values share a score.",
    },
    {
      id: "segment",
      term: "Segment",
      definition: `A ${SEGMENT_METHOD[ctx.seg.method]} of the customers on the clustering features, named from its medians.`,
    },
    {
      id: "revenue-share",
      term: "Revenue share",
      definition: "A segment's revenue as a share of all customers' revenue (net under the net basis).",
    },
    {
      id: "gini",
      term: "Gini coefficient",
      definition:
        "Concentration of spend over customers: 0 when everyone spends the same, near 1 when one customer makes all the revenue.",
    },
    {
      id: "silhouette",
      term: "Silhouette",
      definition:
        "Per customer, (b − a) / max(a, b), with a the mean distance to its own segment and b to the nearest other; averaged. −1 to 1, higher is better separated.",
    },
    {
      id: "davies-bouldin",
      term: "Davies-Bouldin index",
      definition:
        "Mean over segments of the worst ratio of within-segment spread to between-centre distance; lower is better.",
    },
    {
      id: "calinski-harabasz",
      term: "Calinski-Harabasz index",
      definition:
        "Between-segment dispersion over within-segment dispersion, scaled by degrees of freedom; higher is better.",
    },
    {
      id: "inertia",
      term: "Inertia",
      definition: "Sum of squared distances of customers to their segment's centre, in the scaled feature space.",
    },
    {
      id: "anova",
      term: "ANOVA F and η²",
      definition:
        `One-way ANOVA per clustering feature across the segments, computed on the values the clustering used (${logged.length ? `log1p-transformed: ${logged.join(", ")}; the others as they are` : "untransformed"}); ` +
        `η² = between-segment sum of squares / total, the share of the feature's variance the segments explain. On the raw values η² is: ${raw}.`,
    },
    {
      id: "kruskal",
      term: "Kruskal-Wallis H",
      definition:
        "The rank-based counterpart of ANOVA: does the feature's distribution differ between segments? Unchanged by the transform.",
    },
    {
      id: "chi2",
      term: "χ² and Cramér's V",
      definition:
        "Chi-square test of segment against country (countries with too few customers merged); Cramér's V from 0 (no association) to 1.",
    },
    {
      id: "ari",
      term: "Adjusted Rand index (stability)",
      definition:
        "Agreement of two labellings of the same customers, 1 identical, 0 chance: bootstrap resamples re-clustered against the segments.",
    },
    {
      id: "saved-model",
      term: "Saved model (model.json)",
      definition:
        (ctx.time?.saved
          ? `This report's segments come from the saved model ${ctx.time.saved.model_id}, fitted on ${ctx.time.saved.training.source} as of ${ctx.time.saved.training.snapshot_date} and not refitted on these data. `
          : `This report fitted its own segmentation; npm run pipeline saves it as model.json${ctx.time ? ` (model ${ctx.time.model.model_id})` : ""}. `) +
        "A saved model holds the features' transform and scaler, what the clustering method needs to place a new customer, the segment names with their traits, the RFM thresholds and rules and the customer-value parameters; no customer. Scoring new data with it (npm run score, or npm run build -- --model) keeps every segment's meaning from one edition to the next.",
    },
    {
      id: "drift",
      term: "Drift",
      definition:
        `How far new customers have moved from those a saved model was fitted on: the share farther from their segment's centre than 99% of the training customers were (about 1% on the training data; past ${formatPercent(ctx.config.drift.outside_share)} it warns), each feature's mean shift in training standard deviations (past ${formatNumber(ctx.config.drift.mean_shift_sd, 2)} it warns) and each segment's share against its training share (past ${formatNumber(ctx.config.drift.size_change * 100, 0)} points it warns). ` +
        "A warning advises to refit: the segments may no longer describe the customers well.",
    },
    {
      id: "migration",
      term: "Segment migration",
      definition: `Where the customers of one date were ${formatInt(ctx.config.migration.days_before)} days earlier: every customer's features as of the earlier date, from the lines up to it with the same cleaning and revenue basis, scored with the same model, so a segment means the same at both dates. Customers who had not yet bought then are their own source ("Not yet a customer"); the flows add up to the customers at each date.`,
    },
    {
      id: "cohort",
      term: "Acquisition cohort and return rate",
      definition:
        "A cohort is the customers whose first purchase fell in the same month. Its return rate in month m after that month is the share of its customers with an order in that month (month 0, the first purchase month, is 100% by definition); revenue per cohort member is that month's revenue divided by the cohort's size.",
    },
  ];
  // the data's own wording of its figures (a customer-level table's columns), then the entries it cannot fill
  const definitions = customerTableDefinitions(ctx);
  return entries.map((e) => {
    const needs = ENTRY_NEEDS[e.id];
    if (!satisfies(ctx.capabilities, needs)) {
      const missing = (needs ?? []).flat().find((c) => !ctx.capabilities.has[c]) as Capability;
      return { ...e, definition: NOT_APPLICABLE[missing] ?? "Not applicable: the data does not hold it." };
    }
    return e.id in definitions ? { ...e, definition: definitions[e.id] } : e;
  });
}
