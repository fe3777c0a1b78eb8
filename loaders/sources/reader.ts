/**
 * The shapes a source reader exchanges with the pipeline (types only): a reader (`SourceReader`), its planned read
 * and what the read found. Below every reader, so readers and the reader list (index.ts) import them without a circle.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Config, TablesConfig } from "../config.ts";
import type { SqlDatabase } from "../db/database.ts";
import type { LogicalColumn } from "./columns.ts";
import type { DateOrder } from "./dates.ts";
import type { Encoding } from "./encoding.ts";

/**
 * A planned read: a file read into DuckDB in memory, a database that does the work itself, or a customer-level
 * table (one row per customer, no lines).
 */
export type PlannedRead = FileRead | DatabaseRead | CustomerRead;

/** A planned read of files: what the reader found out before any data moved (layout, columns), and how to read it. */
export interface FileRead {
  kind?: "file";
  /** the reader's name, for messages */
  reader: string;
  /** the input's path (or the source's name) */
  source: string;
  /** the input's column names, in order */
  headers: string[];
  /**
   * the input's rows as a SQL relation, every column VARCHAR named c0, c1, ... (in `headers` order), staged in a
   * table first where the format needs it: what a customer-level table is read from (customers/table.ts); absent
   * for a multi-table input
   */
  relation?(conn: DuckDBConnection): Promise<string>;
  /** entries of a folder input that are not data files (left out) */
  ignored?: string[];
  /** reads the input into `table` with the `derived` columns added; InputError on bad input */
  read(conn: DuckDBConnection, derived: Record<string, string>, table?: string): Promise<ReadResult>;
  /** what the reader recognised, for the recognised-input block */
  recognition: Recognition;
  /** where data rows (0-based, input order) are ("line 7 (record 5)") and the text of one of their columns, for messages */
  quote(conn: DuckDBConnection, rows: number[], column: LogicalColumn): Promise<{ where: string; text: string }[]>;
  /** removes what the read left in temporary folders (a transcoded copy); again: no effect */
  close(): void;
}

/**
 * A planned read of a database source: `open` connects to it, `read` creates the session table `transactions` there
 * (the data does not leave the database).
 */
export interface DatabaseRead {
  kind: "database";
  reader: string;
  /** the source's name ("postgres table public.online_retail"; never where the database is) */
  source: string;
  recognition: Recognition;
  /** connects (the caller closes the database) */
  open(): Promise<SqlDatabase>;
  read(db: SqlDatabase, derived: Record<string, string>, table?: string): Promise<ReadResult>;
  quote(db: SqlDatabase, rows: number[], column: LogicalColumn): Promise<{ where: string; text: string }[]>;
  close(): void;
}

/**
 * A planned read of a customer-level table (`layout: "customers"`, e.g. marketing_campaign): its rows as a relation
 * of text columns, read by whichever file reader reads the file or folder. The customer stage
 * (pipeline/customers.ts, customers/table.ts) maps, checks and sums its columns, and says what it holds
 * (`tableCapabilities`).
 */
export interface CustomerRead {
  kind: "customers";
  reader: string;
  source: string;
  /** the table's column names, in order */
  headers: string[];
  /** the rows as a SQL relation, every column VARCHAR named c0, c1, ... (in `headers` order) */
  relation(conn: DuckDBConnection): Promise<string>;
  /** entries of a folder input that are not data files (left out) */
  ignored?: string[];
  recognition: Recognition;
  close(): void;
}

/** What a reader recognised about its input. */
export interface Recognition {
  /** "comma-separated, gzip" */
  format: string;
  /** "Online Retail (recognised)", "mapped in segment.config.json" ... */
  layout: string;
  /** logical column -> the input's header, in the pipeline's order */
  columns: [LogicalColumn, string][];
}

/** One input format. */
export interface SourceReader {
  name: string;
  /** whether this reader reads `config.data` */
  accepts(config: Config): boolean;
  /** opens the input and finds its layout (cheap: header and first bytes); InputError when it cannot be read */
  plan(config: Config): Promise<PlannedRead>;
}

/** How the dates were read, for the summary and the recognised block. */
export interface DatesRead {
  /** the date_format setting */
  format: string;
  /** the order of day and month; null when no date has day and month in either order */
  order: DateOrder | null;
  /** true when a date with a number above 12 showed the order, false when it is the usual order by default */
  order_evident: boolean;
  /** form -> lines, most common first */
  forms: { form: string; lines: number }[];
}

export interface ReadResult {
  rows: number;
  /** how day/month dates were read (month first when none has both) */
  date_order: DateOrder;
  dates: DatesRead;
  encoding: Encoding;
  /** why that encoding ("" for UTF-8 as expected) */
  encoding_reason: string;
  /** the logical columns the input has (the others are NULL, or as typedSelectSql says) */
  columns: LogicalColumn[];
  /** a multi-table input: what was joined (sources/tables.ts) */
  tables?: TablesRead;
  /** a folder input: lines read per file, in read order (sources/folder.ts) */
  files?: FileCount[];
  /** lines whose quantity is not a whole number (kept as they are; said in the recognised block) */
  fractional_quantities?: { lines: number; where: string; text: string };
}

/** What a multi-table read found, for the accounting and the report. */
export interface TablesRead {
  /** table -> its file */
  files: Partial<Record<keyof TablesConfig, string>>;
  /** lines were joined to an orders table (`order_missing` is set) */
  joined_orders: boolean;
  /** lines were joined to a products table (`product_missing` is set) */
  joined_products: boolean;
  /** the customer table's columns in `customer_info` besides customer_id: age_range, signup_date, demographics */
  customer_columns: string[] | null;
}

/** Lines read from one file of a folder. */
export interface FileCount {
  file: string;
  rows: number;
}
