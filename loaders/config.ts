/**
 * The one place for configuration: `segment.config.json` at the project root (or the file named by
 * SEGMENT_CONFIG), merged over the defaults below, validated once here and typed everywhere after.
 * SEGMENT_DATA overrides `data` (and a database `source`). Unknown keys and wrong types are errors naming the key and what was expected.
 */
import { type Trait, TRAITS } from "./cluster/traits.ts";
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "./errors.ts";
import { folderFiles, isFolder } from "./sources/folder.ts";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const DEMO_DATA = "data/demo/transactions.csv.gz";

/** Logical column -> header name in the input file. Omitted names are recognised automatically. */
export interface ColumnMapping {
  invoice?: string;
  stock_code?: string;
  description?: string;
  quantity?: string;
  invoice_date?: string;
  unit_price?: string;
  customer_id?: string;
  country?: string;
  /** the line (or order) total, used instead of quantity x unit price when mapped */
  amount?: string;
  /** the sales channel of the line's order (web, store, phone ...) */
  channel?: string;
  /** the product's category */
  category?: string;
  /** the store (shop, branch) the order was placed in; empty for orders outside a store */
  store?: string;
}

/** The logical columns a `columns` mapping may name. */
export const COLUMN_KEYS = [
  "invoice",
  "stock_code",
  "description",
  "quantity",
  "invoice_date",
  "unit_price",
  "customer_id",
  "country",
  "amount",
  "channel",
  "category",
  "store",
] as const;

/**
 * The columns of a customer-level table (`layout: "customers"`, one row per customer): a list of columns is summed
 * (spending per product group into monetary, purchases per channel into frequency); `responses` are 0/1 campaign
 * response columns; `birth_year` is checked for impossible values (recognised as Year_Birth without mapping).
 */
export interface CustomerColumnMapping {
  customer_id?: string;
  recency?: string;
  monetary?: string | string[];
  frequency?: string | string[];
  signup_date?: string;
  birth_year?: string;
  country?: string;
  responses?: string[];
}

/** The logical columns a customer-level table's `columns` may name. */
export const CUSTOMER_COLUMN_KEYS = [
  "customer_id",
  "recency",
  "monetary",
  "frequency",
  "signup_date",
  "birth_year",
  "country",
  "responses",
] as const;

/** One table of a multi-table input: its file, its layout, and for the customer table the demographic columns. */
export interface TableConfig {
  /** CSV or TSV file, optionally gzipped; relative paths are from the config file's folder */
  data: string;
  /** logical column -> header */
  columns: Record<string, string>;
  delimiter: "auto" | "," | "\t" | ";";
  /** customers table only: more columns (headers) shown per segment like the age range */
  demographics?: string[];
}

/** A multi-table input (a shop database export): order lines and/or orders, with products and customers. */
export interface TablesConfig {
  lines?: TableConfig;
  orders?: TableConfig;
  products?: TableConfig;
  customers?: TableConfig;
}

/** The tables of a multi-table input and the columns each may map. */
export const TABLE_COLUMNS: Record<keyof TablesConfig, readonly string[]> = {
  lines: COLUMN_KEYS,
  orders: ["invoice", "customer_id", "invoice_date", "amount", "quantity", "country", "channel", "store"],
  products: ["stock_code", "description", "category"],
  customers: ["customer_id", "age_range", "signup_date"],
};

export interface CleaningConfig {
  drop_cancellations: boolean;
  drop_missing_customer: boolean;
  drop_nonpositive_quantity: boolean;
  drop_nonpositive_price: boolean;
  /** lines whose amount (when `columns.amount` is mapped) is zero or negative */
  drop_nonpositive_amount: boolean;
  drop_non_product_codes: boolean;
  /** exact stock codes (case-insensitive) that are not products: postage, bank charges, manual adjustments ... */
  non_product_codes: string[];
  /** a regular expression (case-insensitive) for more non-product codes, matched against the whole code */
  non_product_pattern: string;
  /** drop exact repeats of a line (all columns equal); off by default, as in the canonical policy */
  drop_duplicates: boolean;
}

/** One named RFM segment: first rule (in order) whose score ranges all contain the customer's scores wins. */
export interface SegmentRule {
  name: string;
  /** inclusive [min, max] score ranges, 1..5 */
  r: [number, number];
  f: [number, number];
  m: [number, number];
  description: string;
  action: string;
  /** the traits the name and description assert, checked against the members (loaders/segment/traits.ts) */
  traits?: Trait[];
}

export interface RfmConfig {
  /** explicit score thresholds (4 ascending cut points each) instead of quintiles */
  thresholds: { recency?: number[]; frequency?: number[]; monetary?: number[] } | null;
  segments: SegmentRule[];
}

/** A clustering feature: a computed one, or (customer-level tables) any numeric column by its header. */
export type FeatureName = BuiltinFeature | (string & {});
export type BuiltinFeature =
  "recency" | "frequency" | "monetary" | "tenure" | "avg_order_value" | "items_per_order" | "return_rate";
export const FEATURE_NAMES: BuiltinFeature[] = [
  "recency",
  "frequency",
  "monetary",
  "tenure",
  "avg_order_value",
  "items_per_order",
  "return_rate",
];

/** Features computed from transaction lines only (not available for a customer-level table). */
export const LINE_FEATURES: readonly string[] = ["items_per_order", "return_rate"];

export interface ClusteringConfig {
  /** the clustering method (cluster/methods/index.ts) */
  method: "kmeans";
  features: FeatureName[];
  transform: "log1p" | "none";
  scaler: "standard" | "robust";
  /** smallest k the automatic rule may choose (default 3; every k from 2 to k_max is computed and kept) */
  k_min: number;
  k_max: number;
  /** a fixed k, or "auto" for the documented rule */
  k: number | "auto";
  restarts: number;
  seed: number;
  max_iterations: number;
  tolerance: number;
  /** |Pearson r| above this between two (transformed) features drops the later one */
  correlation_threshold: number;
  /** exact silhouette up to this many customers, a seeded sample of this size above it */
  silhouette_sample: number;
  /** bootstrap resamples for the stability check */
  bootstrap_runs: number;
}

export interface ReportConfig {
  title: string;
  currency: string;
  /** publish the per-customer segment list (customer_segments.csv) in the site: internal use only */
  publish_customer_list: boolean;
}

/** Invoice dates outside from..to (whole days, both included) are set aside as `implausible_date`; when more than half the lines are, the run stops. */
export interface PlausibleDates {
  /** YYYY-MM-DD, the first plausible day */
  from: string;
  /** YYYY-MM-DD, the last plausible day; null = one day after today (the machine's clock, UTC) */
  to: string | null;
}

/** Named date formats (see loaders/ingest/dates.ts); any other value is a strptime pattern containing `%`. */
export const DATE_FORMATS = ["auto", "iso", "month-first", "day-first", "yyyymmdd", "excel"] as const;
export const ENCODINGS = ["auto", "utf-8", "windows-1252", "latin-1"] as const;
export const CUSTOMER_ID_RULES = ["numeric", "trim"] as const;
export type RevenueBasis = "net" | "gross";
export const REVENUE_BASES: readonly RevenueBasis[] = ["net", "gross"];

/**
 * A PostgreSQL database as the source: a table or a query giving one row per transaction line. The connection
 * string is read from the environment variable `url_env` only, never from a file.
 */
export interface PostgresSource {
  kind: "postgres";
  /** the environment variable holding the connection string (default DATABASE_URL) */
  url_env: string;
  /** a table or view, `name` or `schema.name` (quoted identifiers allowed) */
  table?: string;
  /** a SELECT giving the lines, instead of `table` */
  query?: string;
  /** seconds to wait for a lock another session holds on the source before stopping (default 30) */
  lock_timeout_seconds?: number;
}

export interface Config {
  /** input transactions (CSV or TSV, optionally gzipped); relative paths are from the project root */
  data: string;
  /** a database source instead of the `data` file; null = read `data` */
  source: PostgresSource | null;
  /** where `data` came from, for messages */
  data_source: "default" | "config" | "SEGMENT_DATA" | "override";
  /** the config file read, or null when only defaults apply */
  config_file: string | null;
  /** "lines" (one row per transaction line or order, the default) or "customers" (one row per customer) */
  layout: "lines" | "customers";
  /** the input's columns: line columns, or a customer-level table's (see CustomerColumnMapping) */
  columns: ColumnMapping & CustomerColumnMapping;
  /** the sheet of an Excel workbook to read; null = the first */
  sheet: string | null;
  /**
   * layout "customers": the days the table's spending and purchases cover (marketing_campaign's data dictionary:
   * the last two years, 730), for the per-year figures; null = not stated (the figures are used as one year's, and
   * the report says so)
   */
  period_days: number | null;
  /** a multi-table input instead of `data` (paths resolved), or null */
  tables: TablesConfig | null;
  /** "auto" (by file extension and header), "," or "\t" or ";" */
  delimiter: "auto" | "," | "\t" | ";";
  /** YYYY-MM-DD; null = the day after the last invoice */
  snapshot_date: string | null;
  /** how invoice dates are written: one of DATE_FORMATS ("auto" detects from the whole column) or a strptime pattern */
  date_format: string;
  /** the input's text encoding: "auto" (UTF-8, else Windows-1252), "utf-8", "windows-1252" ("latin-1" is read as it) */
  encoding: (typeof ENCODINGS)[number];
  plausible_dates: PlausibleDates;
  /**
   * "numeric" (default): an id of digits only (optionally with a trailing `.0`, as spreadsheets export) is compared
   * as a number, so `0017850`, `17850` and `17850.0` are one customer; "trim": ids are compared as written after
   * trimming outer spaces. Other ids are only trimmed under both rules.
   */
  customer_id_normalise: (typeof CUSTOMER_ID_RULES)[number];
  /**
   * "net" (default): each cancellation line nets the same customer's earlier purchase of the same stock code, and
   * customers whose net revenue is zero or less are set aside (`fully_returned`); "gross": purchases as they are
   */
  revenue: RevenueBasis;
  cleaning: CleaningConfig;
  rfm: RfmConfig;
  clustering: ClusteringConfig;
  report: ReportConfig;
}

export const DEFAULT_SEGMENT_RULES: SegmentRule[] = [
  {
    name: "Champions",
    r: [4, 5],
    f: [4, 5],
    m: [4, 5],
    description: "Bought recently, buy often and spend the most.",
    traits: ["recent", "frequent", "high_spend"],
    action: "Reward them; early access to new products; ask for reviews and referrals.",
  },
  {
    name: "Loyal Customers",
    r: [3, 5],
    f: [3, 5],
    m: [3, 5],
    description: "Spend well and order often.",
    traits: ["frequent", "high_spend"],
    action: "Upsell higher-value products; loyalty programme; ask for reviews.",
  },
  {
    // closes the gap r 3-5, f 4-5, m 1-2 (frequent, recent, small baskets): without it those 12 cells were "Other"
    name: "Frequent Low Spenders",
    r: [3, 5],
    f: [4, 5],
    m: [1, 2],
    description: "Buy often and recently, but spend little in total.",
    traits: ["frequent", "recent", "low_spend"],
    action: "Grow the basket: bundles, volume discounts, cross-sell higher-value items.",
  },
  {
    name: "Potential Loyalists",
    r: [4, 5],
    f: [2, 3],
    m: [1, 5],
    description: "Recent customers with a few purchases.",
    traits: ["recent", "repeat"],
    action: "Membership or loyalty offers; recommend related products.",
  },
  {
    name: "New Customers",
    r: [5, 5],
    f: [1, 1],
    m: [1, 5],
    description: "Bought very recently, for the first time.",
    traits: ["recent", "new"],
    action: "Onboarding; build the relationship early; a second-purchase incentive.",
  },
  {
    name: "Promising",
    r: [4, 4],
    f: [1, 1],
    m: [1, 5],
    description: "Recent first-time buyers, not yet engaged.",
    traits: ["recent", "new"],
    action: "Create brand awareness; free trials or small incentives.",
  },
  {
    name: "Need Attention",
    r: [3, 3],
    f: [2, 3],
    m: [1, 5],
    description: "Not recent, with a few orders; may be slipping.",
    traits: ["not_recent", "repeat"],
    action: "Limited-time offers; recommendations based on past purchases.",
  },
  {
    name: "About to Sleep",
    r: [3, 3],
    f: [1, 1],
    m: [1, 5],
    description: "Below-average recency, few purchases.",
    traits: ["not_recent", "occasional"],
    action: "Share popular products; renewed discounts; reconnect.",
  },
  {
    name: "Can't Lose Them",
    r: [1, 2],
    f: [4, 5],
    m: [4, 5],
    description: "Used to buy often and spend a lot, but have not come back for a long time.",
    traits: ["lapsed", "frequent", "high_spend"],
    action: "Win them back with renewals or new products; talk to them; do not lose them to a competitor.",
  },
  {
    name: "At Risk",
    r: [1, 2],
    f: [3, 5],
    m: [1, 5],
    description: "Bought often some time ago; have not returned recently.",
    traits: ["lapsed", "frequent"],
    action: "Personalised reactivation emails; offers tied to past purchases.",
  },
  {
    name: "Hibernating",
    r: [2, 2],
    f: [1, 2],
    m: [1, 5],
    description: "Last purchase long ago, few orders, low spend.",
    traits: ["lapsed", "occasional", "low_spend"],
    action: "Offer other relevant products and special discounts; recreate value.",
  },
  {
    name: "Lost",
    r: [1, 1],
    f: [1, 2],
    m: [1, 5],
    description: "Last purchase longest ago, few orders.",
    traits: ["lapsed", "occasional"],
    action: "Revive interest with an outreach campaign; otherwise ignore.",
  },
];

export const DEFAULT_CONFIG: Omit<Config, "data_source" | "config_file"> = {
  data: DEMO_DATA,
  source: null,
  layout: "lines",
  columns: {},
  sheet: null,
  period_days: null,
  tables: null,
  delimiter: "auto",
  snapshot_date: null,
  date_format: "auto",
  encoding: "auto",
  plausible_dates: { from: "1990-01-01", to: null },
  customer_id_normalise: "numeric",
  revenue: "net",
  cleaning: {
    drop_cancellations: true,
    drop_missing_customer: true,
    drop_nonpositive_quantity: true,
    drop_nonpositive_price: true,
    drop_nonpositive_amount: true,
    drop_non_product_codes: true,
    non_product_codes: ["POST", "DOT", "M", "D", "C2", "CRUK", "PADS", "S", "B", "BANK CHARGES", "AMAZONFEE"],
    non_product_pattern: "^(gift_.*|adjust.*|test.*)$",
    drop_duplicates: false,
  },
  rfm: {
    thresholds: null,
    segments: DEFAULT_SEGMENT_RULES,
  },
  clustering: {
    features: ["recency", "frequency", "monetary"],
    method: "kmeans",
    transform: "log1p",
    scaler: "standard",
    k_min: 3,
    k_max: 10,
    k: "auto",
    restarts: 10,
    seed: 42,
    max_iterations: 1000,
    tolerance: 1e-6,
    correlation_threshold: 0.9,
    silhouette_sample: 10000,
    bootstrap_runs: 20,
  },
  report: {
    title: "Customer segmentation report",
    currency: "£",
    publish_customer_list: false,
  },
};

/** settings that take values of different types ("auto" or a number) */
const LOOSE = new Set(["clustering.k"]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function kind(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

/** Merges `patch` over `base` key by key, checking every key exists in base and has the same kind. */
function merge(base: Json, patch: Json, path: string, file: string): Json {
  const expected = kind(base);
  const got = kind(patch);
  if (expected === "object" && got === "object") {
    const out: { [key: string]: Json } = { ...(base as { [key: string]: Json }) };
    for (const [key, value] of Object.entries(patch as { [key: string]: Json })) {
      const sub = path ? `${path}.${key}` : key;
      if (!Object.hasOwn(out, key)) {
        // open maps: columns are all optional strings, thresholds entries optional arrays
        if (path === "columns" || path === "rfm.thresholds") {
          out[key] = value;
          continue;
        }
        throw new InputError(`${file}: unknown setting "${sub}"`);
      }
      out[key] = merge(out[key], value, sub, file);
    }
    return out;
  }
  // settings of more than one type are checked by validateConfig
  if (base === null || expected === got || LOOSE.has(path)) return patch;
  throw new InputError(
    `${file}: setting "${path}" should be ${expected === "object" ? "an object" : `a ${expected}`}, got ${got}`,
  );
}

function fail(file: string, key: string, expected: string): never {
  throw new InputError(`${file}: setting "${key}" should be ${expected}`);
}

/** Checks a column mapping: known logical names, each a non-empty header name. */
function checkColumns(columns: unknown, keys: readonly string[], at: string, file: string): void {
  if (kind(columns) !== "object") fail(file, at, "an object of logical column -> header name");
  for (const [key, value] of Object.entries(columns as object)) {
    if (!keys.includes(key)) fail(file, `${at}.${key}`, `one of ${keys.join(", ")}`);
    if (typeof value !== "string" || !value) fail(file, `${at}.${key}`, "a non-empty column name");
  }
  // one column cannot be two of the figures (quantity x unit price would square it)
  const figures = ["quantity", "unit_price", "amount"].filter((key) => (columns as Record<string, string>)[key]);
  for (const [i, key] of figures.entries())
    for (const other of figures.slice(0, i))
      if ((columns as Record<string, string>)[key] === (columns as Record<string, string>)[other])
        fail(
          file,
          `${at}.${key}`,
          `a column other than ${at}.${other}'s ("${(columns as Record<string, string>)[key]}")`,
        );
}

/** Checks a customer-level table's `columns` (layout "customers"): known names, lists where they may be. */
function checkCustomerColumns(config: Config, file: string): void {
  if (config.tables !== null) fail(file, "layout", '"lines" with "tables" (a customer-level table is one file)');
  const lists = ["monetary", "frequency", "responses"];
  const isName = (v: unknown) => typeof v === "string" && v !== "";
  for (const [key, value] of Object.entries(config.columns)) {
    if (!(CUSTOMER_COLUMN_KEYS as readonly string[]).includes(key))
      fail(file, `columns.${key}`, `one of ${CUSTOMER_COLUMN_KEYS.join(", ")} (layout "customers")`);
    const ok = isName(value)
      ? key !== "responses"
      : lists.includes(key) && Array.isArray(value) && value.length > 0 && value.every(isName);
    if (!ok)
      fail(
        file,
        `columns.${key}`,
        lists.includes(key) ? "a column name or a non-empty list of column names" : "a non-empty column name",
      );
  }
  for (const [key, value] of Object.entries(config.columns))
    if (Array.isArray(value) && new Set(value).size < value.length)
      fail(
        file,
        `columns.${key}`,
        `a list of different columns (${value.find((v, i) => value.indexOf(v) !== i)} is listed twice)`,
      );
  for (const key of ["customer_id", "recency", "monetary", "frequency"] as const)
    if (!(key in config.columns))
      fail(file, `columns.${key}`, 'set for layout "customers" (the column or columns holding it)');
}

/** Checks the `tables` setting: known tables, each {data, columns, delimiter?, demographics?}; lines or orders. */
function validateTables(tables: TablesConfig, file: string): void {
  if (kind(tables) !== "object")
    fail(file, "tables", "an object with lines and/or orders, and optionally products and customers");
  const names = Object.keys(TABLE_COLUMNS);
  for (const [name, table] of Object.entries(tables as Record<string, unknown>)) {
    const at = `tables.${name}`;
    if (!names.includes(name)) fail(file, at, `one of ${names.join(", ")}`);
    if (kind(table) !== "object") fail(file, at, "an object with data and columns");
    const t = table as Record<string, unknown>;
    for (const key of Object.keys(t))
      if (!["data", "columns", "delimiter", ...(name === "customers" ? ["demographics"] : [])].includes(key))
        throw new InputError(`${file}: unknown setting "${at}.${key}"`);
    if (typeof t.data !== "string" || !t.data) fail(file, `${at}.data`, "a file name");
    checkColumns(t.columns ?? {}, TABLE_COLUMNS[name as keyof TablesConfig], `${at}.columns`, file);
    if (t.delimiter !== undefined && !["auto", ",", "\t", ";"].includes(t.delimiter as string))
      fail(file, `${at}.delimiter`, '"auto", ",", "\\t" or ";"');
    if (
      t.demographics !== undefined &&
      (!Array.isArray(t.demographics) || t.demographics.some((d) => typeof d !== "string" || !d))
    )
      fail(file, `${at}.demographics`, "a list of column names");
  }
  if (!tables.lines && !tables.orders) fail(file, "tables", "an object with a lines or an orders table (or both)");
}

/** The data files of a configuration: `data` (a folder's data files), or every table's file (lines, orders, products, customers). */
export function dataFiles(config: Pick<Config, "data" | "tables">): string[] {
  if (!config.tables) return isFolder(config.data) ? folderFiles(config.data).files : [config.data];
  return (["lines", "orders", "products", "customers"] as const).flatMap((name) =>
    config.tables![name] ? [config.tables![name]!.data] : [],
  );
}

/**
 * Whether `text` is a real calendar day written YYYY-MM-DD.
 * @example isCalendarDate("2011-02-30") // false
 */
export function isCalendarDate(text: unknown): boolean {
  if (typeof text !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
}

const isInt = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x);

/** A table name: `name`, `schema.name` or `db.schema.name`, each part a plain or a double-quoted identifier. */
const TABLE_NAME = /^(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")(?:\.(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")){0,2}$/;

/** Checks `source` (a JSON value: merge accepts any kind under a null default) and fills in its defaults. */
function validateSource(source: unknown, file: string): PostgresSource | null {
  if (source === null) return null;
  if (kind(source) !== "object")
    fail(file, "source", 'an object such as {"kind": "postgres", "table": "public.sales"}, or null');
  const s = source as Record<string, unknown>;
  if (s.kind !== "postgres") fail(file, "source.kind", '"postgres"');
  for (const key of Object.keys(s)) {
    if (key === "url" || key === "connection_string" || key === "password")
      throw new InputError(
        `${file}: setting "source.${key}" is not allowed: the connection string is read from the environment variable named by "source.url_env" (default DATABASE_URL), never from a file`,
      );
    if (!["kind", "url_env", "table", "query", "lock_timeout_seconds"].includes(key))
      throw new InputError(`${file}: unknown setting "source.${key}"`);
  }
  const urlEnv = s.url_env ?? "DATABASE_URL";
  if (typeof urlEnv !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(urlEnv))
    fail(file, "source.url_env", "the name of an environment variable (letters, digits, underscores)");
  if ((s.table === undefined) === (s.query === undefined))
    fail(file, "source", 'either "table" or "query" (one of them)');
  if (s.table !== undefined && (typeof s.table !== "string" || !TABLE_NAME.test(s.table)))
    fail(file, "source.table", 'a table name such as "online_retail" or "public.online_retail"');
  if (s.query !== undefined && (typeof s.query !== "string" || !/^\s*(select|with|values|table)\b/i.test(s.query)))
    fail(file, "source.query", "a SELECT statement");
  const out: PostgresSource = { kind: "postgres", url_env: urlEnv };
  if (s.table !== undefined) out.table = s.table as string;
  if (s.query !== undefined) out.query = (s.query as string).trim().replace(/;+\s*$/, "");
  const wait = s.lock_timeout_seconds;
  if (wait !== undefined && !(typeof wait === "number" && wait > 0 && wait <= 3600))
    fail(file, "source.lock_timeout_seconds", "a number of seconds between 0 and 3600");
  if (wait !== undefined) out.lock_timeout_seconds = wait as number;
  return out;
}

/** Checks the merged configuration's values (types were checked by merge). */
export function validateConfig(config: Config, file = config.config_file ?? "configuration"): Config {
  config.source = validateSource(config.source, file);
  if (config.source && config.tables !== null)
    throw new InputError(`${file}: "source" (a database) and "tables" (files) cannot both be set; keep one`);
  // a customer-level table from PostgreSQL is out of scope: its reader works on files
  if (config.source && config.layout === "customers")
    throw new InputError(
      `${file}: "layout": "customers" cannot be read from a PostgreSQL "source" (a customer-level table is read from a file); use "data", or a source of transaction lines`,
    );
  if (!["lines", "customers"].includes(config.layout)) fail(file, "layout", '"lines" or "customers"');
  if (config.sheet !== null && (typeof config.sheet !== "string" || !config.sheet))
    fail(file, "sheet", "a sheet name or null (the first sheet)");
  const customers = config.layout === "customers";
  if (config.period_days !== null) {
    if (!customers) fail(file, "period_days", 'null unless layout is "customers" (the line layouts date every line)');
    if (typeof config.period_days !== "number" || !Number.isFinite(config.period_days) || config.period_days < 1)
      fail(file, "period_days", "a number of days of at least 1, or null");
  }
  if (customers) checkCustomerColumns(config, file);
  else checkColumns(config.columns, COLUMN_KEYS, "columns", file);
  if (!["auto", ",", "\t", ";"].includes(config.delimiter)) fail(file, "delimiter", '"auto", ",", "\\t" or ";"');
  if (config.tables !== null) validateTables(config.tables, file);
  if (config.snapshot_date !== null && !isCalendarDate(config.snapshot_date))
    fail(file, "snapshot_date", `a calendar date YYYY-MM-DD or null, got ${JSON.stringify(config.snapshot_date)}`);
  // a day to come would age every customer by the wait (one day of slack for time zones)
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  if (config.snapshot_date !== null && config.snapshot_date > tomorrow)
    fail(file, "snapshot_date", `a day no later than today (${today}), got ${config.snapshot_date}`);
  if (!(DATE_FORMATS as readonly string[]).includes(config.date_format) && !config.date_format.includes("%"))
    fail(
      file,
      "date_format",
      `one of ${DATE_FORMATS.map((f) => `"${f}"`).join(", ")} or a strptime pattern such as "%d.%m.%Y %H:%M"`,
    );
  if (!(ENCODINGS as readonly string[]).includes(config.encoding))
    fail(
      file,
      "encoding",
      ENCODINGS.map((e) => `"${e}"`)
        .join(", ")
        .replace(/, ([^,]*)$/, " or $1"),
    );
  const window = config.plausible_dates;
  if (!isCalendarDate(window.from))
    fail(file, "plausible_dates.from", `a calendar date YYYY-MM-DD, got ${JSON.stringify(window.from)}`);
  if (window.to !== null && !isCalendarDate(window.to))
    fail(
      file,
      "plausible_dates.to",
      `a calendar date YYYY-MM-DD or null (one day after today), got ${JSON.stringify(window.to)}`,
    );
  if (window.to !== null && window.to < window.from)
    fail(file, "plausible_dates.to", `a day on or after plausible_dates.from (${window.from})`);
  if (!(CUSTOMER_ID_RULES as readonly string[]).includes(config.customer_id_normalise))
    fail(file, "customer_id_normalise", '"numeric" or "trim"');
  if (!REVENUE_BASES.includes(config.revenue)) fail(file, "revenue", '"net" or "gross"');
  try {
    new RegExp(config.cleaning.non_product_pattern, "i");
  } catch {
    fail(file, "cleaning.non_product_pattern", "a valid regular expression");
  }
  const thresholds = config.rfm.thresholds;
  if (thresholds) {
    for (const [key, cuts] of Object.entries(thresholds)) {
      if (!["recency", "frequency", "monetary"].includes(key))
        fail(file, `rfm.thresholds.${key}`, "recency, frequency or monetary");
      if (
        !Array.isArray(cuts) ||
        cuts.length !== 4 ||
        cuts.some((c, i) => typeof c !== "number" || (i > 0 && c <= cuts[i - 1]))
      )
        fail(file, `rfm.thresholds.${key}`, "4 ascending numbers (the cut points between scores 1..5)");
    }
  }
  config.rfm.segments.forEach((rule, i) => {
    const at = `rfm.segments[${i}]`;
    if (!rule || typeof rule.name !== "string" || !rule.name) fail(file, `${at}.name`, "a non-empty string");
    for (const axis of ["r", "f", "m"] as const) {
      const range = rule[axis];
      if (
        !Array.isArray(range) ||
        range.length !== 2 ||
        !range.every((s) => isInt(s) && s >= 1 && s <= 5) ||
        range[0] > range[1]
      )
        fail(file, `${at}.${axis}`, "[min, max] with 1 <= min <= max <= 5");
    }
    if (typeof rule.description !== "string") fail(file, `${at}.description`, "a string");
    if (typeof rule.action !== "string") fail(file, `${at}.action`, "a string");
    if (rule.traits !== undefined && (!Array.isArray(rule.traits) || rule.traits.some((t) => !TRAITS.includes(t))))
      fail(file, `${at}.traits`, `a list of ${TRAITS.join(", ")}`);
  });
  const c = config.clustering;
  if (!customers && (!c.features.length || c.features.some((f) => !(FEATURE_NAMES as string[]).includes(f))))
    fail(file, "clustering.features", `a non-empty list of ${FEATURE_NAMES.join(", ")}`);
  if (customers) {
    if (!c.features.length || c.features.some((f) => typeof f !== "string" || !f))
      fail(file, "clustering.features", "a non-empty list of feature names or numeric column headers");
    const lineOnly = c.features.filter((f) => LINE_FEATURES.includes(f));
    if (lineOnly.length)
      fail(
        file,
        "clustering.features",
        `without ${lineOnly.join(", ")}: they need transaction lines, which a customer-level table does not have`,
      );
  }
  if (!["kmeans"].includes(c.method)) fail(file, "clustering.method", '"kmeans"');
  if (!["log1p", "none"].includes(c.transform)) fail(file, "clustering.transform", '"log1p" or "none"');
  if (!["standard", "robust"].includes(c.scaler)) fail(file, "clustering.scaler", '"standard" or "robust"');
  if (!isInt(c.k_min) || c.k_min < 2 || !isInt(c.k_max) || c.k_max < c.k_min)
    fail(file, "clustering.k_min/k_max", "integers with 2 <= k_min <= k_max");
  if (c.k !== "auto" && !(isInt(c.k) && c.k >= 2 && c.k <= c.k_max))
    fail(file, "clustering.k", `"auto" or an integer between 2 and k_max (${c.k_max})`);
  for (const key of ["restarts", "max_iterations", "silhouette_sample", "bootstrap_runs"] as const)
    if (!isInt(c[key]) || c[key] < (key === "bootstrap_runs" ? 0 : 1))
      fail(file, `clustering.${key}`, "a positive integer");
  // each restart and bootstrap run is a full k-means per k: beyond these a run would seem to hang
  for (const [key, most] of [
    ["restarts", 1000],
    ["bootstrap_runs", 1000],
  ] as const)
    if (c[key] > most) fail(file, `clustering.${key}`, `at most ${most}, got ${c[key]}`);
  if (!isInt(c.seed)) fail(file, "clustering.seed", "an integer");
  if (!(c.correlation_threshold > 0 && c.correlation_threshold <= 1))
    fail(file, "clustering.correlation_threshold", "a number in (0, 1]");
  return config;
}

export interface LoadConfigOptions {
  /** config file; default SEGMENT_CONFIG or segment.config.json in the project root when it exists */
  file?: string | null;
  /** overrides the data file (the CLI's --data) */
  data?: string;
  env?: NodeJS.ProcessEnv;
  /** extra settings merged last (the CLI's options) */
  overrides?: Record<string, unknown>;
}

/** Loads, merges and validates the configuration. Relative data paths resolve against the project root. */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  let file = options.file === undefined ? (env.SEGMENT_CONFIG ?? null) : options.file;
  if (file === null) {
    const fallback = resolve(PROJECT_ROOT, "segment.config.json");
    file = existsSync(fallback) ? fallback : null;
  } else {
    file = resolve(file);
    if (!existsSync(file)) throw new InputError(`${file}: config file not found`);
  }
  let merged = structuredClone(DEFAULT_CONFIG) as unknown as Json;
  let dataSource: Config["data_source"] = "default";
  if (file) {
    let parsed: Json;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8").replace(/^\uFEFF/, "")); // a byte-order mark is fine
    } catch (error) {
      throw new InputError(`${file}: not valid JSON (${(error as Error).message})`);
    }
    if (kind(parsed) !== "object") throw new InputError(`${file}: expected a JSON object of settings`);
    if ("data" in (parsed as object)) dataSource = "config";
    merged = merge(merged, parsed, "", file);
  }
  if (options.overrides) merged = merge(merged, options.overrides as Json, "", "command line");
  const config = merged as unknown as Config;
  if (env.SEGMENT_DATA) {
    config.data = env.SEGMENT_DATA;
    dataSource = "SEGMENT_DATA";
  }
  if (options.data) {
    config.data = options.data;
    dataSource = "override";
  }
  // relative paths: from the config file's folder when set there, else from the current directory (CLI/env) or project root (default)
  const base =
    dataSource === "config" && file
      ? dirname(file)
      : dataSource === "default"
        ? PROJECT_ROOT
        : (env.INIT_CWD ?? process.cwd());
  config.data = isAbsolute(config.data) ? config.data : resolve(base, config.data);
  if (config.tables !== null) {
    if (kind(config.tables) === "object") {
      const where = file ?? "configuration";
      if (dataSource !== "default")
        throw new InputError(
          `${where}: "tables" reads the data, so "data" (${dataSource === "config" ? "in the config file" : `from ${dataSource === "override" ? "the command line" : dataSource}`}) cannot be set too`,
        );
      // defaults for each table, paths from the config file's folder; `data` names the main table in messages
      const tablesBase = file ? dirname(file) : (env.INIT_CWD ?? process.cwd());
      for (const [name, table] of Object.entries(config.tables as Record<string, Record<string, unknown>>)) {
        if (kind(table) !== "object") continue; // validateConfig names it
        if (typeof table.data === "string" && table.data)
          table.data = isAbsolute(table.data) ? table.data : resolve(tablesBase, table.data);
        (config.tables as Record<string, unknown>)[name] = {
          columns: {},
          delimiter: "auto",
          ...(name === "customers" ? { demographics: [] } : {}),
          ...table,
        };
      }
      const main = config.tables.lines ?? config.tables.orders;
      if (main && typeof main.data === "string") config.data = main.data;
      dataSource = "config";
    }
  }
  // a data file named on the command line or in SEGMENT_DATA is read instead of a configured database source
  if (dataSource === "SEGMENT_DATA" || dataSource === "override") config.source = null;
  config.data_source = dataSource;
  config.config_file = file;
  return validateConfig(config, file ?? "configuration");
}
