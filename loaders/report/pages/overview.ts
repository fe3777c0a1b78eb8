/** overview.json (executive summary) and meta.json (shared by every page: headline, k, segment links). */
import { basename } from "node:path";
import type { ReportContext } from "../context.ts";
import type { Insight } from "../insights.ts";
import { gini, lorenzCurve, minimalShareFor, topShare } from "../../stats/concentration.ts";
import { publishRow, REASON_LABELS, rnd, segmentRows } from "../facts.ts";
import { revenueNote } from "../limits.ts";

/** meta.json: what every page header needs. */
export function metaData(ctx: ReportContext): Record<string, unknown> {
  const h = ctx.headline;
  return {
    title: h.title,
    currency: h.currency,
    // a database source by its table's name (never where the database is)
    data_file: ctx.config.source ? (ctx.config.source.table ?? "a PostgreSQL query") : basename(ctx.config.data),
    customers: h.customers,
    orders: h.orders,
    revenue: rnd(h.revenue),
    revenue_basis: ctx.ingest.accounting.returns.basis,
    revenue_note: revenueNote(ctx.ingest.accounting, h.currency),
    countries: h.countries,
    period_start: h.period_start,
    period_end: h.period_end,
    snapshot_date: h.snapshot_date,
    period_days: h.period_days,
    k: h.k,
    k_rule: ctx.seg.k_rule,
    k_reason: ctx.seg.k_reason,
    // the saved model the segments come from (npm run build -- --model): which, and the data it was fitted on
    saved_model: ctx.time?.saved
      ? {
          model_id: ctx.time.saved.model_id,
          source: ctx.time.saved.training.source,
          period_start: ctx.time.saved.training.period_start,
          period_end: ctx.time.saved.training.period_end,
          snapshot_date: ctx.time.saved.training.snapshot_date,
          drift_warning: ctx.time.saved.drift.warning !== null,
        }
      : null,
    ks: ctx.ks,
    segments: ctx.chosen.solution.names.map((name) => ({ name, slug: ctx.slugs.get(name) })),
    customer_list: ctx.config.report.publish_customer_list,
    available: ctx.available,
    input_notes: ctx.ingest.notes,
    // what the data holds (capabilities.ts): pages show a section only when the data has what it needs
    capabilities: ctx.capabilities.has,
    lines: ctx.available.lines,
    // a customer-level table's description (its rows and the rule that reads them), null for transaction lines
    table_source:
      !ctx.capabilities.has.transactions && ctx.ingest.customer_table
        ? {
            rows_in: ctx.ingest.accounting.rows_in,
            set_aside: ctx.ingest.accounting.dropped,
            rule: ctx.ingest.customer_table.rule,
            recency: ctx.ingest.customer_table.columns.recency,
            monetary: ctx.ingest.customer_table.columns.monetary,
            frequency: ctx.ingest.customer_table.columns.frequency,
          }
        : null,
  };
}

/** overview.json: concentration, the segment table of every k, the ranked insights, the cleaning account. */
export function overviewData(ctx: ReportContext, insights: Insight[]): Record<string, unknown> {
  const monetary = ctx.ingest.customers.map((c) => c.monetary);
  const half = minimalShareFor(monetary, 0.5);
  const byK: Record<string, unknown> = {};
  for (const [k, kd] of ctx.byK)
    byK[k] = segmentRows(ctx, kd).map((row) => publishRow(row, k === ctx.seg.k ? ctx.slugs.get(row.name) : undefined));
  return {
    concentration: {
      customers: half.customers,
      customer_share: rnd(half.customer_share, 5),
      revenue_share: rnd(half.revenue_share, 5),
      top20_share: rnd(topShare(monetary, 0.2), 5),
      gini: rnd(gini(monetary), 4),
      lorenz: lorenzCurve(monetary, 201),
    },
    by_k: byK,
    insights,
    cleaning: {
      rows_in: ctx.ingest.accounting.rows_in,
      rows_kept: ctx.ingest.accounting.rows_kept,
      dropped: ctx.ingest.accounting.dropped,
      reason_labels: REASON_LABELS,
    },
  };
}
