/**
 * The source seam. Every input, whatever its format or layout, ends as the table `transactions` of a SQL database
 * (`SqlDatabase`): DuckDB in memory for files, or a session table inside a PostgreSQL source (sources/postgres.ts,
 * where the data stays). One row per input line, in input order, with the canonical typed columns (invoice, stock_code, description, quantity,
 * unit_price, amount, revenue, invoice_date, customer_id, country, channel, category, store) plus the columns the caller
 * derives (the cleaning's drop reason); a multi-table input (tables.ts) adds order_missing and product_missing.
 * Cleaning, features and the report only ever see that table and the views over it, through SQL generated for the
 * database's dialect (db/dialect.ts).
 *
 * A new format is one module in this folder exporting a `SourceReader`, and one line in `READERS`: the first reader
 * whose `accepts` says yes reads the input.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Config } from "../config.ts";
import type { SqlDatabase } from "../db/database.ts";
import { InputError } from "../errors.ts";
import type { LogicalColumn } from "./columns.ts";
import { openSource } from "./file.ts";
import {
  delimitedFormat,
  planRead,
  quoteRows,
  readCsvSql,
  readFile,
  recognisedColumns,
  type ReadPlan,
  type ReadResult,
} from "./csv.ts";
import { excel } from "./excel.ts";
import { folderReader } from "./folder.ts";
import { jsonLines } from "./jsonl.ts";
import { parquet } from "./parquet.ts";
import { tablesReader } from "./tables.ts";
import { postgresSource } from "./postgres.ts";

export type { ReadResult } from "./csv.ts";

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

/** Delimited text (CSV, TSV, semicolon), gzipped or not: the fallback for any file. */
const delimitedText: SourceReader = {
  name: "delimited text",
  accepts: () => true,
  async plan(config): Promise<FileRead> {
    const customers = config.layout === "customers" ? { allowed: [], required: () => [] } : {};
    const plan: ReadPlan = planRead(await openSource(config.data, config.encoding), config, customers);
    return {
      reader: "delimited text",
      source: config.data,
      headers: plan.headers,
      relation: async () => readCsvSql(plan),
      recognition: { format: delimitedFormat(plan), layout: plan.layout, columns: recognisedColumns(plan) },
      quote: (conn, rows, column) => quoteRows(conn, plan, rows, column),
      close: () => plan.cleanup(),
      read: (conn, derived, table) => readFile(conn, plan, derived, table),
    };
  },
};

/**
 * A customer-level table: the file reader after it that accepts the input reads its rows as one relation (a
 * multi-table input or a database source cannot be one: the configuration refuses them together).
 */
export function customerTableReader(fileReaders: () => readonly SourceReader[]): SourceReader {
  return {
    name: "customer table",
    accepts: (config) => config.layout === "customers",
    async plan(config): Promise<CustomerRead> {
      const reader = fileReaders().find((r) => r.accepts(config)) as SourceReader;
      const plan = asFileRead(await reader.plan(config));
      const relation = plan.relation;
      if (!relation) {
        plan.close();
        throw new InputError(`${config.data}: layout "customers" reads one table (a file or a folder)`);
      }
      return {
        kind: "customers",
        reader: plan.reader,
        source: plan.source,
        headers: plan.headers,
        relation: (conn) => relation(conn),
        ...(plan.ignored ? { ignored: plan.ignored } : {}),
        recognition: plan.recognition,
        close: () => plan.close(),
      };
    },
  };
}

/** The readers, most specific first. */
export const READERS: readonly SourceReader[] = [
  // a customer-level table's rows are read by the file readers after it
  customerTableReader(() => READERS.slice(3)),
  postgresSource,
  tablesReader,
  // a folder's files are read by the file readers after it
  folderReader(() => READERS.slice(4)),
  excel,
  parquet,
  jsonLines,
  delimitedText,
];

/** A planned read that must be of files (a folder's parts, a customer-level table's rows); an Error (a bug) otherwise. */
export function asFileRead(plan: PlannedRead): FileRead {
  if (plan.kind === "database" || plan.kind === "customers")
    throw new Error(`${plan.source}: a ${plan.kind} source where files were expected`);
  return plan;
}

/** Plans the read of `config.data` with the first reader that accepts it. */
export function planSource(config: Config): Promise<PlannedRead> {
  const reader = READERS.find((r) => r.accepts(config)) as SourceReader;
  return reader.plan(config);
}
