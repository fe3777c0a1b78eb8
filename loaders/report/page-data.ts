/**
 * The report's page data: `buildPageData` turns the ingest (open DuckDB connection, customer features) and the
 * segmentation into one small JSON file per page, keyed by file name (the data loaders in src/data/ print
 * them). Only aggregates leave here: no customer identifiers, unless `report.publish_customer_list` is on,
 * which adds `customer_segments.csv` (one row per customer) for internal use.
 *
 * Files: meta.json (every page), capabilities.json (what the data holds: observablehq.config.ts reads it for the
 * navigation), insights.json (those whose page the data can fill), the data files of every page in the registry (registry.ts), and
 * segment/<slug>.json per segment of the chosen k.
 */
import { capabilitiesFile } from "../capabilities.ts";
import type { Config } from "../config.ts";
import { csvLine } from "../output/csv.ts";
import type { SegmentationResult } from "../pipeline/segment.ts";
import { buildContext, type ReportInput, type ReportTables, type ReportTime } from "./context.ts";
import { buildInsights, rankInsights } from "./insights.ts";
import { insightFacts } from "./facts.ts";
import { metaData } from "./pages/overview.ts";
import { segmentPages } from "./pages/segment.ts";
import { includedPages, omittedPages, omittedSections, PAGES } from "./registry.ts";
import type { ValueResult } from "../value/index.ts";

/** customer_segments.csv: one row per customer with its cluster, segment names and RFM scores. */
export function customerSegmentsCsv(seg: SegmentationResult): string {
  const header = ["customer_id", "segment", "cluster", "rfm_segment", "rfm_cell", "r_score", "f_score", "m_score"];
  const lines = seg.customers.map((c) =>
    csvLine([c.customer_id, c.segment, c.cluster, c.rfm_segment, c.rfm_cell, c.r_score, c.f_score, c.m_score]),
  );
  return `${header.join(",")}\n${lines.join("\n")}\n`;
}

/**
 * Every page's data file, by name (JSON-able values; the customer list, when published, as CSV text). `tables`:
 * the database's part, when the stage cache holds it (context.ts `reportTables`).
 */
export async function buildPageData(
  ingest: ReportInput,
  seg: SegmentationResult,
  config: Config,
  value: ValueResult | null = null,
  time?: ReportTime,
  tables: ReportTables | null = null,
): Promise<Record<string, unknown>> {
  const ctx = await buildContext(ingest, seg, config, value, tables);
  if (time) ctx.time = time;
  // whole pages first, then the sections of the pages shown
  ctx.omitted = [...omittedPages(ctx.capabilities), ...omittedSections(ctx.capabilities)];
  // an insight needs what its page needs: none points to a page the report leaves out
  const pages = new Set(includedPages(ctx.capabilities).map((page) => page.id));
  const insights = rankInsights(buildInsights(insightFacts(ctx)).filter((insight) => pages.has(insight.page)));
  const files: Record<string, unknown> = {
    "meta.json": metaData(ctx),
    "insights.json": insights,
    "capabilities.json": capabilitiesFile(ctx.capabilities),
  };
  // every page's data, also of a page left out (Framework builds every markdown page; the navigation leaves it out)
  for (const page of PAGES) for (const [name, build] of Object.entries(page.data)) files[name] = build(ctx, insights);
  for (const [slug, data] of segmentPages(ctx)) files[`segment/${slug}.json`] = data;
  if (config.report.publish_customer_list) files["customer_segments.csv"] = customerSegmentsCsv(seg);
  return files;
}
