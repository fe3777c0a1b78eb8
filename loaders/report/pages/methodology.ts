/**
 * methodology.json: the cleaning account, the feature choices, the metrics against k with the choice and its
 * reason, the separation tests, stability, and limitations stated with their numbers.
 */
import { SILHOUETTE_TOLERANCE, STABILITY_MIN } from "../../cluster/choose-k.ts";
import {
  HOLDS_SHARE,
  KEEP_SHARE,
  NAME_TRAITS,
  NEW_CUSTOMER_MAX_SHARE,
  ALL_TRAITS,
  traitWords,
} from "../../cluster/traits.ts";
import type { ReportContext } from "../context.ts";
import { formatInt, formatPercent } from "../format.ts";
import { glossary, rawEtaSquared } from "../glossary.ts";
import { duplicateNote, revenueNote } from "../limits.ts";
import { methodComparisonData } from "../method-comparison.ts";
import { regionTable } from "../regions.ts";
import { behaviourGaps, REASON_LABELS, reportTraitThresholds, rnd } from "../facts.ts";

/** The customer-value models' parameters with their standard errors, or why they did not run. */
export function valueModels(ctx: ReportContext): Record<string, unknown> {
  const s = ctx.value?.summary;
  if (!s || s.status !== "fitted") return { fitted: false, reason: s?.reason ?? "the value stage did not run" };
  const fit = s[s.model]!;
  const gg = s.gamma_gamma!;
  const row = (model: string, parameter: string, value: number, se: number | undefined) => ({
    model,
    parameter,
    value,
    se: se ?? null,
  });
  const name = s.model === "bgnbd" ? "BG/NBD" : "MBG/NBD";
  return {
    fitted: true,
    model_name: name,
    time_unit: s.settings.time_unit,
    fitted_through: s.fitted_through,
    parameters: [
      ...(["r", "alpha", "a", "b"] as const).map((k) => row(name, k, fit[k], fit.se?.[k])),
      ...(["p", "q", "v"] as const).map((k) => row("Gamma-Gamma", k, gg[k], gg.se?.[k])),
    ],
    log_likelihood: { purchase: fit.log_likelihood, spend: gg.log_likelihood },
    iterations: { purchase: fit.iterations, spend: gg.iterations },
  };
}

/** Limitations, each a sentence with its numbers. */
export function limitations(ctx: ReportContext): string[] {
  const a = ctx.ingest.accounting;
  const customers = ctx.ingest.customers;
  const n = customers.length;
  const out: string[] = [];
  const missing = a.dropped.missing_customer ?? 0;
  if (missing > 0)
    out.push(
      `${formatInt(missing)} input lines (${formatPercent(missing / a.rows_in)}) have no customer id; their sales cannot be attributed to a customer and are outside the segmentation.`,
    );
  const once = customers.filter((c) => c.frequency <= 1).length;
  if (once)
    out.push(
      `${formatPercent(once / n)} of customers ordered once: for them frequency says only "one order", and many tie on the RFM scores` +
        (Object.values(ctx.seg.rfm_thresholds.empty_levels).some((l) => l.length)
          ? ` (score levels left empty by ties: ${Object.entries(ctx.seg.rfm_thresholds.empty_levels)
              .filter(([, l]) => l.length)
              .map(([d, l]) => `${d} ${l.join(", ")}`)
              .join("; ")}).`
          : "."),
    );
  out.push(revenueNote(a, ctx.headline.currency));
  const gaps = behaviourGaps(ctx);
  if (gaps.text) out.push(gaps.text);
  const recent = customers.filter((c) => c.tenure <= 90).length;
  if (!ctx.capabilities.has.transactions)
    out.push(
      `The data is one row per customer, with recency, purchases and spending as the exporting system counted them: ${
        ctx.config.period_days === null
          ? "the period those counts cover is not in the data (period_days not set), so per-year figures are the table's figures as they are"
          : `they cover ${formatInt(ctx.config.period_days)} days as configured (period_days), which the per-year figures divide by`
      }, and transaction-level views (products, months, weekdays, baskets, returns, geography) cannot be made. ${ctx.ingest.customer_table?.rule ?? ""}`,
    );
  else
    out.push(
      `The period covers ${formatInt(ctx.headline.period_days)} days; ${formatInt(recent)} customers (${formatPercent(recent / n)}) made their first purchase in the last 90 days and have had little time to order again.`,
    );
  const { features, r } = ctx.seg.features.correlation;
  let best = { a: "", b: "", r: 0 };
  for (let i = 0; i < features.length; i++)
    for (let j = i + 1; j < features.length; j++)
      if (Math.abs(r[i][j]) > Math.abs(best.r)) best = { a: features[i], b: features[j], r: r[i][j] };
  if (best.a)
    out.push(
      `The strongest correlation between clustering features is ${best.a} with ${best.b} (r = ${best.r.toFixed(2)} after the transform): k-means weighs that shared information twice.`,
    );
  if (!ctx.available.invoices && ctx.available.lines)
    out.push(
      "The data has no invoice column: each line is counted as one order, so frequency is the number of lines and a basket split over several lines counts several times.",
    );
  const countries = ctx.all.countries.get(-1) ?? new Map();
  const small = [...countries.values()].filter((v) => v.customers < 10).length;
  if (countries.size > 1 && ctx.available.country)
    out.push(
      `Country is each customer's main country; ${small} of ${countries.size} countries have fewer than 10 customers, so their segment mix rests on very few customers.`,
    );
  if (ctx.seg.settings.silhouette_customers < n)
    out.push(
      `Silhouette scores are computed on a seeded sample of ${formatInt(ctx.seg.settings.silhouette_customers)} of ${formatInt(n)} customers.`,
    );
  out.push(ctx.seg.validation.note);
  out.push(
    "K-means finds compact, roughly spherical groups of similar size in the scaled feature space; segment boundaries are lines drawn through a continuum, not natural breaks.",
  );
  return out;
}

export function methodologyData(ctx: ReportContext): Record<string, unknown> {
  const a = ctx.ingest.accounting;
  const v = ctx.seg.validation;
  const r = a.returns;
  const raw = new Map(rawEtaSquared(ctx).map((e) => [e.feature, e.eta_squared]));
  return {
    cleaning: {
      rows_in: a.rows_in,
      rows_kept: a.rows_kept,
      dropped: a.dropped,
      duplicate_lines: a.duplicate_lines ?? null,
      duplicate_lines_analysed: a.duplicate_lines_analysed ?? null,
      duplicate_note: duplicateNote(a, ctx.config.cleaning.drop_duplicates),
      reason_labels: REASON_LABELS,
      policy: ctx.config.cleaning,
      input_notes: ctx.ingest.notes,
      tables: ctx.ingest.tables && { files: Object.keys(ctx.ingest.tables.files), ...ctx.ingest.tables.counts },
      orders_from: ctx.available.invoices ? "invoice" : "line",
    },
    revenue: {
      basis: r.basis,
      gross: rnd(r.gross_revenue),
      returned: rnd(r.returned_revenue),
      set_aside_net: rnd(r.set_aside.fully_returned.net_revenue),
      net: rnd(r.net_revenue),
      analysed: rnd(ctx.headline.revenue),
      return_lines: r.return_lines,
      matched_lines: r.matched_lines,
      unmatched_lines: r.unmatched_lines,
      unmatched_value: rnd(r.unmatched_value),
      set_aside: r.set_aside,
      without_customer: { lines: a.revenue_without_customer.lines, revenue: rnd(a.revenue_without_customer.revenue) },
      note: revenueNote(a, ctx.headline.currency),
    },
    glossary: glossary(ctx),
    // what this data cannot show: one line per page the report leaves out (registry.ts)
    cannot_show: ctx.omitted.map((o) => `${o.page}: ${o.reason}.`),
    features: {
      configured: ctx.config.clustering.features,
      used: ctx.seg.features.used,
      dropped: ctx.seg.features.dropped,
      transform: ctx.seg.features.transform,
      transforms: ctx.seg.features.transforms,
      skew_threshold: ctx.config.clustering.skew_threshold,
      // per configured feature: raw skewness, the transform it got, skewness after it
      skew: ctx.seg.features.skew.map((x) => ({
        feature: x.feature,
        before: rnd(x.before, 2),
        transform: x.transform,
        after: rnd(x.after, 2),
      })),
      scaler: ctx.seg.features.scaler,
      correlation: {
        features: ctx.seg.features.correlation.features,
        r: ctx.seg.features.correlation.r.map((row) => row.map((x) => rnd(x, 3))),
      },
      correlation_threshold: ctx.config.clustering.correlation_threshold,
    },
    metrics: ctx.seg.kmeans.map((s) => ({
      k: s.k,
      inertia: rnd(s.inertia, 2),
      silhouette: rnd(s.silhouette, 4),
      davies_bouldin: rnd(s.davies_bouldin, 4),
      calinski_harabasz: rnd(s.calinski_harabasz, 1),
      sizes: s.sizes,
      converged: s.converged,
    })),
    k: ctx.seg.k,
    k_rule: ctx.seg.k_rule,
    auto_k: ctx.seg.auto_k,
    k_reason: ctx.seg.k_reason,
    k_admissible: ctx.seg.k_admissible,
    k_rule_text: kRuleText(ctx),
    k_stability_checked: ctx.seg.k_stability_checked.map((x) => ({ k: x.k, mean_ari: rnd(x.mean_ari, 4) })),
    k_silhouette_best: silhouetteBest(ctx),
    elbow_k: ctx.seg.elbow_k,
    naming: namingData(ctx),
    settings: ctx.seg.settings,
    tests: v.anova.map((t) => ({
      feature: t.feature,
      F: rnd(t.F, 1),
      p: t.p,
      eta_squared: rnd(t.eta_squared, 4),
      eta_squared_raw: rnd(raw.get(t.feature), 4),
      H: rnd(t.H, 1),
      p_kw: t.p_kw,
      df_between: t.anova.df_between,
      df_within: t.anova.df_within,
    })),
    tests_note: v.note,
    tests_transform: ctx.seg.features.transforms.some((t) => t === "log1p") ? "log1p" : "none",
    country_chi2: v.country_chi2 && {
      chi2: rnd(v.country_chi2.chi2, 2),
      df: v.country_chi2.dof,
      p: v.country_chi2.p,
      cramers_v: rnd(v.country_chi2.cramers_v, 4),
      note: v.country_chi2.note,
    },
    stability: {
      runs: v.stability.runs,
      mean_ari: rnd(v.stability.mean_ari, 4),
      sd_ari: rnd(v.stability.sd_ari, 4),
      sample_size: v.stability.sample_size,
      aris: v.stability.aris.map((x) => rnd(x, 4)),
    },
    pca_explained: ctx.seg.pca.explained_variance.map((x) => rnd(x, 4)),
    category_source: ctx.category_source,
    region_table: regionTable(),
    warnings: ctx.seg.warnings,
    limitations: limitations(ctx),
    method_comparison: methodComparisonData(ctx),
    value: valueModels(ctx),
    saved_model: savedModelData(ctx),
  };
}

/**
 * The saved model the report was built with (npm run build -- --model) and the drift of these customers against
 * its training data; null when the report fitted its own segmentation.
 */
export function savedModelData(ctx: ReportContext): Record<string, unknown> | null {
  const saved = ctx.time?.saved;
  if (!saved) return null;
  const d = saved.drift;
  return {
    file: saved.file,
    model_id: saved.model_id,
    version: saved.version,
    method: saved.method,
    training: saved.training,
    customers: d.customers,
    distance_p99: rnd(d.distance_p99, 4),
    outside_share: rnd(d.outside_share, 4),
    features: d.features.map((f) => ({
      feature: f.feature,
      training_mean: rnd(f.training_mean, 4),
      mean: rnd(f.mean, 4),
      shift_sd: rnd(f.shift_sd, 3),
    })),
    segments: d.segments.map((s) => ({
      segment: s.segment,
      training_share: rnd(s.training_share, 4),
      share: rnd(s.share, 4),
      change: rnd(s.change, 4),
    })),
    thresholds: d.thresholds,
    passed: d.passed,
    warning: d.warning,
  };
}

/** The automatic rule for k in one paragraph, with its constants and this run's k_min. */
function kRuleText(ctx: ReportContext): string {
  return (
    `Every k from ${ctx.seg.settings.k_computed_from} to ${ctx.seg.settings.k_max} is computed; the automatic rule chooses among k >= ${ctx.seg.settings.k_min} (clustering.k_min). ` +
    `A candidate is admissible when its mean silhouette is within ${SILHOUETTE_TOLERANCE} of the best candidate's. Admissible k are tried from the inertia elbow outwards ` +
    `(nearest first, ties to the smaller k; without an elbow, by silhouette), and the first whose bootstrap stability (mean adjusted Rand index over ` +
    `${ctx.config.clustering.bootstrap_runs} resamples) reaches ${STABILITY_MIN} is chosen.`
  );
}

/** The k with the best silhouette over every computed k, with its segments, when the rule did not take it. */
function silhouetteBest(ctx: ReportContext): Record<string, unknown> | null {
  const k = ctx.seg.k_silhouette_best;
  const s = ctx.seg.kmeans.find((x) => x.k === k);
  if (!s || k === ctx.seg.k) return null;
  return {
    k,
    silhouette: rnd(s.silhouette, 4),
    below_k_min: k! < ctx.seg.settings.k_min,
    segments: s.profiles.map((p) => ({
      name: p.name,
      customers: p.size,
      new_share: rnd(p.name_check?.new_share, 4),
      name_holds: rnd(p.name_check?.name_holds, 4),
    })),
  };
}

/**
 * A trait definition in a customer-level table's terms: its orders are the table's purchases and "new" is by the
 * signup date (tenure counts from it).
 */
function tableWording(definition: string): string {
  return definition
    .replace("first order within", "signed up within")
    .replace(/last order/g, "last purchase")
    .replace(/\borders\b/g, "purchases")
    .replace(/\border\b/g, "purchase");
}

/** How names are checked: the trait definitions on this data and each chosen segment's shares. */
function namingData(ctx: ReportContext): Record<string, unknown> {
  const t = reportTraitThresholds(ctx);
  return {
    holds_share: rnd(HOLDS_SHARE, 4),
    keep_share: KEEP_SHARE,
    new_max_share: NEW_CUSTOMER_MAX_SHARE,
    definitions: ALL_TRAITS.map((trait) => {
      const words = traitWords(trait, t);
      return {
        trait,
        ...words,
        definition: ctx.capabilities.has.transactions ? words.definition : tableWording(words.definition),
      };
    }),
    name_traits: Object.entries(NAME_TRAITS).map(([name, list]) => ({
      name,
      traits: list.map((x) => traitWords(x, t).word),
    })),
    segments: ctx.chosen.solution.profiles.map((p) => ({
      name: p.name,
      customers: p.size,
      name_holds: rnd(p.name_check?.name_holds, 4),
      new_share: rnd(p.name_check?.new_share, 4),
      traits: (p.name_check?.traits ?? []).map((x) => ({ word: x.word, share: rnd(x.share, 4), holds: x.holds })),
      rejected: p.name_check?.rejected ?? [],
    })),
  };
}
