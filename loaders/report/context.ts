/**
 * Everything the page builders need, computed once: the headline figures (taken from the ingest and the
 * segmentation as they are, so they equal summary.json), and the SQL aggregates for every k and for all
 * customers together. Page builders (loaders/report/pages/*.ts) are pure functions of this context.
 */
import type { Config } from "../config.ts";
import type { IngestResult } from "../pipeline/ingest.ts";
import type { KSolution, SegmentationResult } from "../pipeline/segment.ts";
import {
  ALL,
  categoryRevenue,
  channelMix,
  customerLines,
  storesPerCustomer,
  demographicMix,
  signupLag,
  type AttributeCount,
  type StoreCounts,
  countryMix,
  monthlyRevenue,
  orderStats,
  prepareReportTables,
  purchaseIntervals,
  topProducts,
  weeklyPattern,
  wordFrequencies,
  type CategoryRevenue,
  type Grouped,
  type Intervals,
  type MonthRevenue,
  type OrderStats,
  type Spread,
  type TopProduct,
  type WeekHour,
} from "./aggregates.ts";
import { categoryTableText, type CategorySource } from "./categories.ts";
import type { CustomerAssignment } from "./assignments.ts";
import type { CustomerLines } from "./order-intervals.ts";
import { uniqueSlugs } from "./slug.ts";
import type { ValueResult } from "../value/index.ts";
import type { Capabilities } from "../capabilities.ts";
import type { TimeAnalysis } from "../pipeline/time.ts";
import type { Model } from "../model/schema.ts";
import type { SavedModelReport } from "../pipeline/saved.ts";

/** What the report shows of segments over time. */
export interface ReportTime {
  analysis: TimeAnalysis;
  model: Pick<Model, "model_id" | "training" | "version">;
  /** the saved model the report was built with (npm run build -- --model) and the drift; null or absent for a fit */
  saved?: SavedModelReport | null;
}

/** Aggregates of one grouping (the clusters of one k, or everyone as label -1), keyed by label. */
export interface GroupAggregates {
  orders: Map<number, OrderStats>;
  intervals: Map<number, Intervals>;
  monthly: Map<number, MonthRevenue[]>;
  weekly: Map<number, WeekHour[]>;
  countries: Map<number, Map<string, { customers: number; revenue: number }>>;
  products: Map<number, TopProduct[]>;
  categories: Map<number, CategoryRevenue[]>;
  words: Map<number, [string, number][]>;
  channels: Map<number, { channel: string; orders: number; revenue: number }[]>;
  demographics: Map<number, Record<string, AttributeCount[]>>;
  signup: Map<number, Spread & { before: number }>;
  stores: Map<number, StoreCounts>;
}

/** What the data holds for the report: a section whose data is absent is left out with a one-line note. */
export interface Available {
  /** stock codes: top products, category and word sections */
  products: boolean;
  /** categories: a category column (products table), products.csv or descriptions for the keyword rules */
  categories: boolean;
  /** product descriptions: the word cloud */
  words: boolean;
  country: boolean;
  channel: boolean;
  /** a store column (lines or orders): stores per customer */
  store: boolean;
  /** the customer table's attributes shown per segment (age_range and the configured demographics) */
  demographics: string[];
  /** a signup date in the customer table */
  signup: boolean;
  /** invoices (else each line is one order) */
  invoices: boolean;
  /**
   * transaction lines: false for a customer-level table (layout "customers"), whose report leaves out baskets,
   * order values, returns, times between orders, weekday x hour, monthly revenue, products and geography
   */
  lines: boolean;
}

export interface KData {
  k: number;
  solution: KSolution;
  agg: GroupAggregates;
}

export interface Headline {
  title: string;
  currency: string;
  customers: number;
  orders: number;
  revenue: number;
  countries: number;
  period_start: string;
  period_end: string;
  snapshot_date: string;
  /** days from the first to the last kept line, both included */
  period_days: number;
  k: number;
}

/**
 * What the report reads from the analysis, and nothing more: a database handle over the analysed lines (the views
 * `lines` and `returns` that clean/rules.ts defines, in the canonical columns of sources/index.ts), the customer
 * table, the accounting and the headline figures. Any source (a file read into DuckDB, a PostgreSQL database) that
 * provides these can feed the report.
 */
export type ReportInput = Pick<
  IngestResult,
  | "db"
  | "customers"
  | "accounting"
  | "period_start"
  | "period_end"
  | "snapshot_date"
  | "revenue"
  | "orders"
  | "countries"
  | "input_columns"
  | "notes"
  | "tables"
  | "capabilities"
> &
  Partial<Pick<IngestResult, "customer_table">>;

/**
 * The input's capabilities as the report sees them: categories also from products.csv beside the data (found when
 * the report tables are prepared).
 */
export function reportCapabilities(caps: Capabilities, categorySource: CategorySource): Capabilities {
  const categories = caps.has.categories || (caps.has.products && categorySource === "products.csv");
  return { ...caps, has: { ...caps.has, categories } };
}

/** What the report can show, by section (from the capabilities). */
export function availability(caps: Capabilities): Available {
  const has = caps.has;
  return {
    products: has.products,
    categories: has.categories,
    words: has.descriptions,
    country: has.countries,
    channel: has.channels,
    store: has.stores,
    demographics: caps.demographics,
    signup: has.signup_dates && has.transactions,
    invoices: has.invoices,
    lines: has.transactions,
  };
}

export interface ReportContext {
  config: Config;
  ingest: ReportInput;
  seg: SegmentationResult;
  /** segments over time (cohorts, migration) and the run's model; absent in contexts built without them */
  time?: ReportTime;
  headline: Headline;
  ks: number[];
  byK: Map<number, KData>;
  chosen: KData;
  /** every customer together, label ALL (-1) */
  all: GroupAggregates;
  /**
   * per customer (in the order of ingest.customers): orders, returned and bought units, for the bootstraps of the
   * return rates and median orders (order-intervals.ts); null without transaction lines
   */
  customer_lines: CustomerLines | null;
  /** every calendar month of the period, flagged when the period cuts it */
  months: { month: string; partial: boolean }[];
  category_source: CategorySource;
  /** what the data holds (capabilities.ts): pages, sections and entries are included by what they need */
  capabilities: Capabilities;
  available: Available;
  /** the registry's pages the data cannot fill, and why (set by page-data.ts from the registry) */
  omitted: { page: string; reason: string }[];
  /** slug of every cluster name of the chosen k */
  slugs: Map<string, string>;
  /** the customer-value stage's result (null when not run, e.g. report tests without it) */
  value: ValueResult | null;
}

/** All aggregates for every grouping (each k, and ALL), split by grouping. */
async function aggregates(ingest: ReportInput, available: Available): Promise<Map<number, GroupAggregates>> {
  const db = ingest.db;
  const grouped = {
    orders: await orderStats(db),
    intervals: await purchaseIntervals(db),
    monthly: await monthlyRevenue(db),
    weekly: await weeklyPattern(db),
    countries: await countryMix(db),
    // sections the data cannot fill stay empty (the pages say so), never a chart of one placeholder product
    products: available.products ? await topProducts(db, 10) : new Map(),
    categories: available.categories ? await categoryRevenue(db) : new Map(),
    words: available.words ? await wordFrequencies(db, 60) : new Map(),
    channels: available.channel ? await channelMix(db) : new Map(),
    demographics: available.demographics.length ? await demographicMix(db, available.demographics) : new Map(),
    signup: available.signup ? await signupLag(db) : new Map(),
    stores: available.store ? await storesPerCustomer(db) : new Map(),
  };
  const groupings = new Set([...grouped.orders.keys(), ...grouped.countries.keys()]);
  const slice = <T>(g: Grouped<T>, key: number): Map<number, T> => g.get(key) ?? new Map();
  return new Map(
    [...groupings].map((key) => [
      key,
      {
        orders: slice(grouped.orders, key),
        intervals: slice(grouped.intervals, key),
        monthly: slice(grouped.monthly, key),
        weekly: slice(grouped.weekly, key),
        countries: slice(grouped.countries, key),
        products: slice(grouped.products, key),
        categories: slice(grouped.categories, key),
        words: slice(grouped.words, key),
        channels: slice(grouped.channels, key),
        demographics: slice(grouped.demographics, key),
        signup: slice(grouped.signup, key),
        stores: slice(grouped.stores, key),
      },
    ]),
  );
}

/** Every month from start to end ("YYYY-MM"), the first and last flagged partial unless the period covers them. */
export function monthsOf(start: string, end: string): { month: string; partial: boolean }[] {
  const out: { month: string; partial: boolean }[] = [];
  let [y, m] = start.slice(0, 7).split("-").map(Number);
  const [ey, em] = end.slice(0, 7).split("-").map(Number);
  while (y < ey || (y === ey && m <= em)) {
    out.push({ month: `${y}-${String(m).padStart(2, "0")}`, partial: false });
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  const lastDay = (yy: number, mm: number) => new Date(Date.UTC(yy, mm, 0)).getUTCDate();
  if (out.length) {
    if (Number(start.slice(8, 10)) > 1) out[0].partial = true;
    const [ly, lm] = out[out.length - 1].month.split("-").map(Number);
    if (Number(end.slice(8, 10)) < lastDay(ly, lm)) out[out.length - 1].partial = true;
  }
  return out;
}

function emptyAggregates(): GroupAggregates {
  return {
    orders: new Map(),
    intervals: new Map(),
    monthly: new Map(),
    weekly: new Map(),
    countries: new Map(),
    products: new Map(),
    categories: new Map(),
    words: new Map(),
    channels: new Map(),
    demographics: new Map(),
    signup: new Map(),
    stores: new Map(),
  };
}

/**
 * A customer-level table has no order lines: each group's orders and revenue are its customers' summed purchases
 * and spending (units, returns and per-order spreads stay unknown: zero and empty, and the report says so).
 */
function addTableOrders(
  groups: Map<number, GroupAggregates>,
  customers: ReportInput["customers"],
  seg: SegmentationResult,
): void {
  const none: Spread = { n: 0, p05: 0, q1: 0, median: 0, q3: 0, p95: 0, mean: 0 };
  const add = (grouping: number, label: number, c: ReportInput["customers"][number]) => {
    if (!groups.has(grouping)) groups.set(grouping, emptyAggregates());
    const orders = (groups.get(grouping) as GroupAggregates).orders;
    const o: OrderStats = orders.get(label) ?? {
      orders: 0,
      units: 0,
      revenue: 0,
      returned_units: 0,
      bought_units: 0,
      top_returner: { returned_units: 0, bought_units: 0 },
      order_units: none,
      order_value: none,
    };
    orders.set(label, { ...o, orders: o.orders + c.frequency, revenue: o.revenue + c.monetary });
  };
  customers.forEach((c, i) => {
    add(ALL, ALL, c);
    for (const solution of seg.kmeans) add(solution.k, solution.labels[i], c);
  });
}

/** Each customer's country, RFM segment and cluster at every k: what the report's tables group by. */
function assignmentsOf(ingest: ReportInput, seg: SegmentationResult): CustomerAssignment[] {
  const countryOf = new Map(ingest.customers.map((c) => [c.customer_id, c.country]));
  return seg.customers.map((c, i) => ({
    customer_id: c.customer_id,
    country: countryOf.get(c.customer_id) ?? "",
    rfm_segment: c.rfm_segment,
    labels: seg.kmeans.map((s) => s.labels[i]),
  }));
}

/**
 * What the report computes in the analysis database, the costly part of the page data: the aggregates of every
 * grouping (each k, and ALL), the customers' orders for the bootstraps and where the categories came from.
 */
export interface ReportTables {
  groups: Map<number, GroupAggregates>;
  customer_lines: CustomerLines | null;
  category_source: CategorySource;
}

/**
 * Everything `reportTables` reads besides the ingest (the analysis database and the customer table), as text for a
 * cache key (pipeline/stage-cache.ts): the k of every solution, each customer's country, RFM segment and cluster
 * at every k, and the products.csv beside the data file (its categories), when there is one. The labels shown,
 * the chosen k and every later stage are not in it: the tables do not read them.
 */
export function reportTablesInput(ingest: ReportInput, seg: SegmentationResult, config: Config): string {
  const categories = config.source ? null : categoryTableText(config.data);
  return JSON.stringify({
    ks: seg.kmeans.map((s) => s.k),
    assignments: assignmentsOf(ingest, seg),
    data: config.source ? null : config.data,
    categories,
  });
}

/** Registers the segments in the analysis database (DuckDB or PostgreSQL) and computes all aggregates there. */
export async function reportTables(
  ingest: ReportInput,
  seg: SegmentationResult,
  config: Config,
): Promise<ReportTables> {
  const { category_source } = await prepareReportTables(
    ingest.db,
    seg.kmeans.map((s) => s.k),
    assignmentsOf(ingest, seg),
    config.source ? null : config.data,
    {
      categoryColumn: ingest.input_columns.includes("category"),
    },
  );
  const capabilities = reportCapabilities(ingest.capabilities, category_source);
  const groups = await aggregates(ingest, availability(capabilities));
  // without lines, each group's orders and revenue are its customers' summed purchases and spending
  if (!capabilities.has.transactions) addTableOrders(groups, ingest.customers, seg);
  const customer_lines = capabilities.has.transactions
    ? await customerLines(
        ingest.db,
        ingest.customers.map((c) => c.customer_id),
      )
    : null;
  return { groups, customer_lines, category_source };
}

/**
 * The report context. The database's part comes from `tables` when given (the stage cache's, for the same
 * `reportTablesInput` and ingest), else it is computed now.
 */
export async function buildContext(
  ingest: ReportInput,
  seg: SegmentationResult,
  config: Config,
  value: ValueResult | null = null,
  tables: ReportTables | null = null,
): Promise<ReportContext> {
  const ks = seg.kmeans.map((s) => s.k);
  const { groups, customer_lines, category_source } = tables ?? (await reportTables(ingest, seg, config));
  const capabilities = reportCapabilities(ingest.capabilities, category_source);
  const available = availability(capabilities);
  const empty = emptyAggregates;
  const byK = new Map<number, KData>();
  for (const solution of seg.kmeans)
    byK.set(solution.k, { k: solution.k, solution, agg: groups.get(solution.k) ?? empty() });
  const all = groups.get(ALL) ?? empty();
  const chosen = byK.get(seg.k);
  if (!chosen) throw new Error(`the chosen k (${seg.k}) is not among the ${seg.method} solutions`);
  const start = Date.parse(`${ingest.period_start}T00:00:00Z`);
  const end = Date.parse(`${ingest.period_end}T00:00:00Z`);
  return {
    config,
    ingest,
    seg,
    headline: {
      title: config.report.title,
      currency: config.report.currency,
      customers: ingest.customers.length,
      orders: ingest.orders,
      revenue: ingest.revenue,
      countries: ingest.countries,
      period_start: ingest.period_start,
      period_end: ingest.period_end,
      snapshot_date: ingest.snapshot_date,
      period_days: Math.round((end - start) / 86400000) + 1,
      k: seg.k,
    },
    ks,
    byK,
    chosen,
    all,
    customer_lines,
    months: monthsOf(ingest.period_start, ingest.period_end),
    category_source,
    capabilities,
    available,
    omitted: [],
    slugs: uniqueSlugs(chosen.solution.names),
    value,
  };
}
