/**
 * The report's page data: `buildPageData` turns the ingest (open DuckDB connection, customer features) and the
 * segmentation into one small JSON file per page, keyed by file name (the data loaders in src/data/ print
 * them). Only aggregates leave here: no customer identifiers, unless `report.publish_customer_list` is on,
 * which adds `customer_segments.csv` (one row per customer) for internal use.
 *
 * Files: meta.json (every page), insights.json, overview.json, segments.json, pca.json, rfm.json,
 * behaviour.json, geography.json, products.json, audience.json, methodology.json, strategy.json, and segment/<slug>.json
 * per segment of the chosen k.
 */
import type { Config } from "../config.ts";
import type { SegmentationResult } from "../pipeline/segment.ts";
import { buildContext, type ReportInput } from "./context.ts";
import { buildInsights } from "./insights.ts";
import { audienceData } from "./pages/audience.ts";
import { behaviourData } from "./pages/behaviour.ts";
import { insightFacts } from "./pages/common.ts";
import { geographyData } from "./pages/geography.ts";
import { methodologyData } from "./pages/methodology.ts";
import { metaData, overviewData } from "./pages/overview.ts";
import { productsData } from "./pages/products.ts";
import { rfmData } from "./pages/rfm.ts";
import { segmentPages } from "./pages/segment.ts";
import { pcaData, segmentsData } from "./pages/segments.ts";
import { strategyData } from "./pages/strategy.ts";

/** CSV field quoting (RFC 4180) that also defuses spreadsheet formulas (=, +, -, @ at the start). */
export function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** customer_segments.csv: one row per customer with its cluster, segment names and RFM scores. */
export function customerSegmentsCsv(seg: SegmentationResult): string {
  const header = ["customer_id", "segment", "cluster", "rfm_segment", "rfm_cell", "r_score", "f_score", "m_score"];
  const lines = seg.customers.map((c) =>
    [c.customer_id, c.segment, c.cluster, c.rfm_segment, c.rfm_cell, c.r_score, c.f_score, c.m_score].map(csvField).join(","),
  );
  return `${header.join(",")}\n${lines.join("\n")}\n`;
}

/** Every page's data file, by name (JSON-able values; the customer list, when published, as CSV text). */
export async function buildPageData(ingest: ReportInput, seg: SegmentationResult, config: Config): Promise<Record<string, unknown>> {
  const ctx = await buildContext(ingest, seg, config);
  const insights = buildInsights(insightFacts(ctx));
  const files: Record<string, unknown> = {
    "meta.json": metaData(ctx),
    "insights.json": insights,
    "overview.json": overviewData(ctx, insights),
    "segments.json": segmentsData(ctx),
    "pca.json": pcaData(ctx),
    "rfm.json": rfmData(ctx),
    "behaviour.json": behaviourData(ctx),
    "geography.json": geographyData(ctx),
    "products.json": productsData(ctx),
    "audience.json": audienceData(ctx),
    "methodology.json": methodologyData(ctx),
    "strategy.json": strategyData(ctx),
  };
  for (const [slug, data] of segmentPages(ctx)) files[`segment/${slug}.json`] = data;
  if (config.report.publish_customer_list) files["customer_segments.csv"] = customerSegmentsCsv(seg);
  return files;
}
