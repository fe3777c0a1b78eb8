/**
 * The report's data for a configuration: the pipeline (ingest, segmentation) and every page's data file,
 * plus `segment-paths.json`, the per-segment pages Framework must render (read by observablehq.config.ts).
 */
import type { Config } from "./config.ts";
import { singleThreaded } from "./features/customers.ts";
import { ingest } from "./ingest-pipeline.ts";
import { buildPageData } from "./report/page-data.ts";
import { reportDynamicPaths } from "./report/slug.ts";
import { progressPrinter } from "./ingest/progress.ts";
import { segmentCustomers } from "./segment/index.ts";

/** The page data files, and `recognised.txt` (the recognised-input block, printed again when a build reuses them). */
export async function computePageData(
  config: Config,
  log: (text: string) => void = (text) => process.stderr.write(text),
): Promise<Record<string, unknown>> {
  const ingested = await ingest(config, { onRecognised: log });
  try {
    const seg = segmentCustomers(ingested.customers, config.rfm, config.clustering, progressPrinter("segment"));
    // one DuckDB thread: parallel float sums differ in the last bits from run to run
    const files = await singleThreaded(ingested.conn, () => buildPageData(ingested, seg, config));
    files["segment-paths.json"] = reportDynamicPaths(
      seg.clusters.map((cluster) => cluster.name),
      config.report.publish_customer_list,
    );
    files["recognised.txt"] = ingested.recognised;
    return files;
  } finally {
    ingested.close();
  }
}
