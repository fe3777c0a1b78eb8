/**
 * The one page registry. The site's navigation (observablehq.config.ts via site/navigation.ts), the page data files
 * (page-data.ts, which the one data loader src/data/[file].json.js prints), and the pages insights may point to all
 * come from this list.
 *
 * An entry is `{ id, name, needs, data }`: `needs` lists what the page needs from the data (capabilities.ts: each
 * item a capability, or a list of which any one is enough); a page whose needs the data does not meet is left out
 * of the navigation, the single file and the PDF (its data file is still written, so its markdown builds), and
 * said once in the methodology page's "what this data cannot show". Adding a page: an entry here, its page module
 * in pages/ (the builders named below), its markdown in src/ and its components in src/components/.
 */
import { satisfies, type Capabilities, type Capability, type Needs, type Section } from "../capabilities.ts";
import type { ReportContext } from "./context.ts";
import type { Insight } from "./facts.ts";
import { AUDIENCE_SECTIONS, audienceData } from "./pages/audience.ts";
import { BEHAVIOUR_SECTIONS, behaviourData } from "./pages/behaviour.ts";
import { geographyData } from "./pages/geography.ts";
import { methodologyData } from "./pages/methodology.ts";
import { overviewData } from "./pages/overview.ts";
import { PRODUCTS_SECTIONS, productsData } from "./pages/products.ts";
import { rfmData } from "./pages/rfm.ts";
import { pcaData, segmentsData } from "./pages/segments.ts";
import { strategyData } from "./pages/strategy.ts";
import { valueData } from "./pages/value.ts";
import { timeData } from "./pages/time.ts";

/** Builds one page data file from the report context (and the ranked insights, for pages that quote them). */
export type PageBuilder = (ctx: ReportContext, insights: Insight[]) => unknown;

export interface PageSpec {
  /** the page's route without the leading slash ("" for the home page); insights link to it */
  id: string;
  /** navigation label */
  name: string;
  /** what the page needs from the data (capabilities.ts); [] = every input */
  needs: Needs;
  /** data file name -> builder; the page reads them as FileAttachment("data/<name>") */
  data: Record<string, PageBuilder>;
  /** the page's sections that not every input can fill, declared in its page module beside their builder */
  sections?: readonly Section[];
}

export const PAGES: readonly PageSpec[] = [
  { id: "", name: "Executive summary", needs: [], data: { "overview.json": overviewData } },
  {
    id: "segments",
    name: "Segment profiles",
    needs: [],
    data: { "segments.json": segmentsData, "pca.json": pcaData, "time.json": timeData },
  },
  { id: "rfm", name: "RFM analysis", needs: [], data: { "rfm.json": rfmData } },
  {
    id: "behaviour",
    name: "Purchase behaviour",
    needs: [],
    data: { "behaviour.json": behaviourData },
    sections: BEHAVIOUR_SECTIONS,
  },
  { id: "geography", name: "Geography", needs: ["countries"], data: { "geography.json": geographyData } },
  {
    id: "products",
    name: "Products",
    needs: ["products"],
    data: { "products.json": productsData },
    sections: PRODUCTS_SECTIONS,
  },
  {
    id: "audience",
    name: "Channels and customers",
    // the signup section compares signups with first orders: it needs the lines too
    needs: ["transactions", ["channels", "demographics", "stores", "signup_dates"]],
    data: { "audience.json": audienceData },
    sections: AUDIENCE_SECTIONS,
  },
  // the value models need dated purchases: without them the page is left out and the methodology page says why
  { id: "value", name: "Customer value", needs: ["transactions"], data: { "value.json": valueData } },
  { id: "strategy", name: "Strategy", needs: [], data: { "strategy.json": strategyData } },
  { id: "methodology", name: "Methodology", needs: [], data: { "methodology.json": methodologyData } },
];

/** Each capability as "the data has no ...", for "what this data cannot show". */
const HELD_AS: Record<Capability, string> = {
  transactions: "dated transaction lines",
  invoices: "invoices",
  quantities: "quantities",
  returns: "returns",
  products: "product (stock code) column",
  categories: "product categories or descriptions",
  descriptions: "product descriptions",
  countries: "country column",
  channels: "sales channel",
  stores: "store column",
  demographics: "demographic columns",
  signup_dates: "signup dates",
  responses: "campaign responses",
  customer_parts: "spending or purchases split by column",
  times_of_day: "order times",
  period: "covered period",
};

/** "a, b or c" */
const either = (words: string[]) =>
  words.length < 2 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;

/** The registry's pages the data has what they need for, in registry order. */
export function includedPages(caps: Capabilities): PageSpec[] {
  return PAGES.filter((page) => satisfies(caps, page.needs));
}

/** "the data has no ..." for the needs the data does not meet. */
function lacking(caps: Capabilities, needs: Needs): string {
  const missing = needs
    .filter((need) => !satisfies(caps, [need]))
    .map((need) => (typeof need === "string" ? HELD_AS[need] : either(need.map((c) => HELD_AS[c]))));
  return `the data has no ${missing.join(" and no ")}`;
}

/** One line per page the data cannot fill: the page and what it needs that the data lacks. */
export function omittedPages(caps: Capabilities): { page: string; reason: string }[] {
  return PAGES.filter((page) => !satisfies(caps, page.needs)).map((page) => ({
    page: page.name,
    reason: lacking(caps, page.needs),
  }));
}

/** One line per section of an included page that applies to the data but that the data cannot fill. */
export function omittedSections(caps: Capabilities): { page: string; reason: string }[] {
  return includedPages(caps).flatMap((page) =>
    (page.sections ?? [])
      .filter((section) => satisfies(caps, section.applies) && !satisfies(caps, section.needs))
      .map((section) => ({ page: `${page.name}, ${section.name}`, reason: lacking(caps, section.needs) })),
  );
}

/** Framework's `pages` setting for the registry's pages the data can fill, in registry order. */
export function navigation(caps: Capabilities): { name: string; path: string }[] {
  return includedPages(caps).map((page) => ({ name: page.name, path: `/${page.id}` }));
}
