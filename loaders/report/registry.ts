/**
 * The one page registry. The site's navigation (observablehq.config.ts), the page data files (page-data.ts, which
 * the one data loader src/data/[file].json.js prints), and the pages insights may point to (insights.ts PageName)
 * all come from this list. Adding a page: an entry here, its page module in pages/ (the builders named below), its
 * markdown in src/ and its components in src/components/.
 */
import type { ReportContext } from "./context.ts";
import type { Insight } from "./insights.ts";
import { audienceData } from "./pages/audience.ts";
import { behaviourData } from "./pages/behaviour.ts";
import { geographyData } from "./pages/geography.ts";
import { methodologyData } from "./pages/methodology.ts";
import { overviewData } from "./pages/overview.ts";
import { productsData } from "./pages/products.ts";
import { rfmData } from "./pages/rfm.ts";
import { pcaData, segmentsData } from "./pages/segments.ts";
import { strategyData } from "./pages/strategy.ts";
import { timeData } from "./pages/time.ts";

/** Builds one page data file from the report context (and the ranked insights, for pages that quote them). */
export type PageBuilder = (ctx: ReportContext, insights: Insight[]) => unknown;

export interface PageSpec {
  /** the page's route without the leading slash ("" for the home page); insights link to it */
  id: string;
  /** navigation label */
  name: string;
  /** data file name -> builder; the page reads them as FileAttachment("data/<name>") */
  data: Record<string, PageBuilder>;
}

export const PAGES = [
  { id: "", name: "Executive summary", data: { "overview.json": overviewData } },
  {
    id: "segments",
    name: "Segment profiles",
    data: { "segments.json": segmentsData, "pca.json": pcaData, "time.json": timeData },
  },
  { id: "rfm", name: "RFM analysis", data: { "rfm.json": rfmData } },
  { id: "behaviour", name: "Purchase behaviour", data: { "behaviour.json": behaviourData } },
  { id: "geography", name: "Geography", data: { "geography.json": geographyData } },
  { id: "products", name: "Products", data: { "products.json": productsData } },
  { id: "audience", name: "Channels and customers", data: { "audience.json": audienceData } },
  { id: "strategy", name: "Strategy", data: { "strategy.json": strategyData } },
  { id: "methodology", name: "Methodology", data: { "methodology.json": methodologyData } },
] as const satisfies readonly PageSpec[];

/** A page of the report, by id. */
export type PageName = (typeof PAGES)[number]["id"];

/** Framework's `pages` setting: the navigation, in registry order. */
export function navigation(): { name: string; path: string }[] {
  return PAGES.map((page) => ({ name: page.name, path: `/${page.id}` }));
}
