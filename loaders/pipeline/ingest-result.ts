/**
 * What an ingest returns, whatever the input's layout (pipeline/ingest.ts for transaction lines,
 * pipeline/customers.ts for a customer-level table): the types both exchange, below both.
 */
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { Capabilities } from "../capabilities.ts";
import type { IngestAccounting, DateWindow } from "../clean/rules.ts";
import type { Config } from "../config.ts";
import type { CustomerParts, CustomerTableSummary } from "../customers/table.ts";
import type { SqlDatabase } from "../db/database.ts";
import type { DatesRead } from "../sources/csv.ts";
import type { DateOrder } from "../sources/dates.ts";
import type { Encoding } from "../sources/encoding.ts";
import type { FileCount } from "../sources/folder.ts";
import type { LogicalColumn } from "../sources/columns.ts";
import type { TableCounts, TablesRead } from "../sources/tables.ts";
import type { CustomerFeatures } from "../types.ts";

export interface IngestResult {
  /** open database with the table `transactions` and the views `lines` and `returns` */
  db: SqlDatabase;
  /** its DuckDB connection for a file input; null for a database source */
  conn: DuckDBConnection | null;
  config: Config;
  /** the input file's path, or the database source ("postgres table public.online_retail"; never its address) */
  source: string;
  /** which reader read it ("delimited text", "Excel workbook", "Parquet", "JSON lines", "folder", "tables") */
  reader: string;
  /** a folder input: lines read per file, in read order */
  source_files?: FileCount[];
  /** a folder input: entries that are not data files, left out */
  ignored_files?: string[];
  accounting: IngestAccounting;
  /** YYYY-MM-DD: the configured snapshot, else the day after the last kept line */
  snapshot_date: string;
  /** YYYY-MM-DD of the first kept line */
  period_start: string;
  /** YYYY-MM-DD of the last kept line */
  period_end: string;
  /** one per customer with a kept line, in customer id order (numeric ids by value) */
  customers: CustomerFeatures[];
  /** summed revenue of the kept lines with a customer (= the sum of the customers' monetary values) */
  revenue: number;
  /** distinct invoices among the kept lines with a customer */
  orders: number;
  /** distinct countries among the kept lines with a customer */
  countries: number;
  /** kept lines without a customer id (drop_missing_customer off): in no customer figure, counted here */
  without_customer: { lines: number; orders: number; revenue: number };
  /** how day-and-month dates were read (month first when the file has none) */
  date_order: DateOrder;
  /** how the dates were read: format setting, order, forms found */
  dates: DatesRead;
  /** the encoding the file was read in */
  encoding: Encoding;
  /** the plausible date window applied (both days included) */
  date_window: DateWindow;
  /** the block saying what was recognised (printed by the pipeline and the build), the notes included */
  recognised: string;
  /** the logical columns the input has: without invoice each line is one order; without stock_code, description or country the report leaves out what needs them */
  input_columns: LogicalColumn[];
  /** what the run says about the input beyond the accounting, one line each (in the recognised block) */
  notes: string[];
  /** a multi-table input: what was joined, and what the joins left without a match */
  tables: (TablesRead & { counts: TableCounts }) | null;
  /** what the input holds (capabilities.ts): decides the pages, sections and glossary entries of the report */
  capabilities: Capabilities;
  /** a customer-level table (layout "customers"): its columns, checks and rule, and the summed columns per customer */
  customer_table?: CustomerTableSummary & { parts: CustomerParts };
  /** stage -> milliseconds: open, read, clean, features */
  timings: Record<string, number>;
  /** CPU milliseconds per stage (user + system, every thread), as `timings` */
  cpu_ms?: Record<string, number>;
  /**
   * the DuckDB instance holding `transactions` when its lines can be cleaned again for an earlier cut
   * (`customersBefore`: a file or folder read into DuckDB, not a multi-table input); absent otherwise
   */
  line_table?: { instance: DuckDBInstance };
  /** closes the database (again: no effect) */
  close(): Promise<void>;
}

export interface IngestOptions {
  /** called with the recognised block once the file is read, before the customer features */
  onRecognised?: (block: string) => void;
  /** the day the default plausible window ends after (tests); default now */
  today?: Date;
  /**
   * YYYY-MM-DD: only the lines dated before this day (migration's earlier date): later lines are set aside like
   * implausible dates (before any other rule, returns included), without the check that most lines are plausible
   */
  before?: string;
}
