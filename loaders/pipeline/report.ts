/**
 * The report's data for a configuration: the pipeline (ingest, segmentation) and every page's data file,
 * plus `segment-paths.json`, the per-segment pages Framework must render (read by observablehq.config.ts).
 */
import type { Config } from "../config.ts";
import { singleThreaded } from "../features/customers.ts";
import { ingest } from "./ingest.ts";
import { buildPageData } from "../report/page-data.ts";
import { reportDynamicPaths } from "../report/slug.ts";
import { progressPrinter } from "./progress.ts";
import { segmentCustomers } from "./segment.ts";

export async function computePageData(config: Config): Promise<Record<string, unknown>> {
  const ingested = await ingest(config);
  try {
    const seg = segmentCustomers(ingested.customers, config.rfm, config.clustering, progressPrinter("segment"));
    // one DuckDB thread: parallel float sums differ in the last bits from run to run
    const files = await singleThreaded(ingested.conn, () => buildPageData(ingested, seg, config));
    files["segment-paths.json"] = reportDynamicPaths(
      seg.clusters.map((cluster) => cluster.name),
      config.report.publish_customer_list,
    );
    return files;
  } finally {
    ingested.close();
  }
}
