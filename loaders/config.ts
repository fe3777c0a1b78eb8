/**
 * The configuration, as every module imports it. The schema is assembled in config/schema.ts from each stage's
 * settings (`loaders/<stage>/settings.ts`); loading and checking is in config/load.ts. This module only re-exports.
 */
import type { Config } from "./config/schema.ts";
import type { TABLE_COLUMNS } from "./sources/settings.ts";

export { type Config, configSchema, DEFAULT_CONFIG, type Settings } from "./config/schema.ts";
export { type LoadConfigOptions, loadConfig, parseSettings, PROJECT_ROOT, validateConfig } from "./config/load.ts";
export {
  COLUMN_KEYS,
  CUSTOMER_COLUMN_KEYS,
  CUSTOMER_ID_RULES,
  DATE_FORMATS,
  DEMO_DATA,
  ENCODINGS,
  isCalendarDate,
  TABLE_COLUMNS,
} from "./sources/settings.ts";
export { type CleaningConfig, REVENUE_BASES, type RevenueBasis } from "./clean/settings.ts";
export { DEFAULT_SEGMENT_RULES, type RfmConfig, type SegmentRule } from "./rfm/settings.ts";
export {
  type BuiltinFeature,
  type ClusteringConfig,
  FEATURE_NAMES,
  type FeatureName,
  LINE_FEATURES,
} from "./cluster/settings.ts";
export type { ReportConfig } from "./report/settings.ts";

/** Logical column -> header name in the input file (the line columns). */
export type ColumnMapping = Pick<Config["columns"], (typeof TABLE_COLUMNS.lines)[number]>;
/** The columns of a customer-level table (`layout: "customers"`, one row per customer). */
export type CustomerColumnMapping = Omit<Config["columns"], Exclude<keyof ColumnMapping, "customer_id" | "country">>;
/** A multi-table input (a shop database export): order lines and/or orders, with products and customers. */
export type TablesConfig = NonNullable<Config["tables"]>;
/** One table of a multi-table input: its file, its columns, and for the customer table the demographic columns. */
export type TableConfig = NonNullable<TablesConfig["lines"]> & { demographics?: string[] };
/** A PostgreSQL database as the source (the connection string from the environment variable `url_env`). */
export type PostgresSource = NonNullable<Config["source"]>;
/** Invoice dates outside from..to (whole days, both included) are set aside as `implausible_date`. */
export type PlausibleDates = Config["plausible_dates"];
