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
import type { Config } from "../config.ts";
import { InputError } from "../errors.ts";
import { openSource } from "./file.ts";
import { delimitedFormat, planRead, quoteRows, readCsvSql, readFile, recognisedColumns, type ReadPlan } from "./csv.ts";
import { excel } from "./excel.ts";
import { folderReader } from "./folder.ts";
import { jsonLines } from "./jsonl.ts";
import { parquet } from "./parquet.ts";
import { tablesReader } from "./tables.ts";
import { postgresSource } from "./postgres.ts";

export type {
  CustomerRead,
  DatabaseRead,
  FileRead,
  PlannedRead,
  ReadResult,
  Recognition,
  SourceReader,
} from "./reader.ts";
import type { CustomerRead, FileRead, PlannedRead, SourceReader } from "./reader.ts";

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
