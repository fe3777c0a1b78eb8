/**
 * The source seam. Every input, whatever its format or layout, ends as the DuckDB table `transactions`: one row per
 * input line, in input order, with the canonical typed columns (invoice, stock_code, description, quantity,
 * unit_price, revenue, invoice_date, customer_id, country) plus the columns the caller derives (the cleaning's drop
 * reason). Cleaning, features and the report only ever see that table and the views over it.
 *
 * A new format is one module in this folder exporting a `SourceReader`, and one line in `READERS`: the first reader
 * whose `accepts` says yes reads the input.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Config } from "../config.ts";
import { checkGzip, openSource } from "./file.ts";
import { planRead, readTransactions, type ReadPlan, type ReadResult } from "./csv.ts";

export type { ReadResult } from "./csv.ts";

/** A planned read: what the reader found out before any data moved (layout, columns), and how to read it. */
export interface PlannedRead {
  /** the reader's name, for messages */
  reader: string;
  /** the input's path (or the source's name) */
  source: string;
  /** reads the input into `table` with the `derived` columns added; InputError on bad input */
  read(conn: DuckDBConnection, derived: Record<string, string>, table?: string): Promise<ReadResult>;
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
  async plan(config) {
    const plan: ReadPlan = planRead(await openSource(config.data), config);
    return {
      reader: "delimited text",
      source: config.data,
      async read(conn, derived, table) {
        const [read, gzip] = await Promise.allSettled([
          readTransactions(conn, plan, derived, table),
          plan.source.gzip ? checkGzip(plan.source.path) : Promise.resolve(),
        ]);
        if (gzip.status === "rejected") throw gzip.reason; // a truncated file explains any read error
        if (read.status === "rejected") throw read.reason;
        return read.value;
      },
    };
  },
};

/** The readers, most specific first. */
export const READERS: readonly SourceReader[] = [delimitedText];

/** Plans the read of `config.data` with the first reader that accepts it. */
export function planSource(config: Config): Promise<PlannedRead> {
  const reader = READERS.find((r) => r.accepts(config)) as SourceReader;
  return reader.plan(config);
}
