/**
 * Column recognition: which header of the input file holds each logical column. The Online Retail and
 * Online Retail II layouts are recognised without configuration (case-, space- and punctuation-insensitive);
 * any other layout is mapped with `columns` in the configuration (logical name -> header).
 */
import type { ColumnMapping } from "../config.ts";
import { InputError } from "../errors.ts";

export type LogicalColumn = keyof ColumnMapping & string;

/** The logical columns, in the order the pipeline uses them, with whether the input must have them. */
export const LOGICAL_COLUMNS: readonly { name: LogicalColumn; required: boolean }[] = [
  { name: "invoice", required: true },
  { name: "stock_code", required: true },
  { name: "description", required: false },
  { name: "quantity", required: true },
  { name: "invoice_date", required: true },
  { name: "unit_price", required: true },
  { name: "customer_id", required: true },
  { name: "country", required: false },
];

/**
 * Normalised header names recognised for each logical column, best first. Covers Online Retail
 * (`InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country`), Online Retail II
 * (`Invoice, StockCode, Description, Quantity, InvoiceDate, Price, Customer ID, Country`) and the logical names.
 */
export const COLUMN_ALIASES: Record<LogicalColumn, readonly string[]> = {
  invoice: ["invoiceno", "invoice", "invoicenumber"],
  stock_code: ["stockcode"],
  description: ["description"],
  quantity: ["quantity"],
  invoice_date: ["invoicedate"],
  unit_price: ["unitprice", "price"],
  customer_id: ["customerid"],
  country: ["country"],
};

/**
 * A header name reduced to lower-case letters and digits, so `Customer ID`, `customer_id` and `CustomerID` compare equal.
 * @example normaliseHeader(" Customer ID ") // "customerid"
 */
export function normaliseHeader(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
}

/** Logical column -> index in the header; optional columns absent from the file are missing. */
export type ColumnIndex = Partial<Record<LogicalColumn, number>>;

/** Where a column mapping came from, for messages ("segment.config.json"). */
export interface MappingSource {
  mapping: ColumnMapping;
  /** named in messages about a mapped header that is not in the file */
  origin: string;
}

function list(headers: readonly string[]): string {
  return headers.map((h) => JSON.stringify(h)).join(", ");
}

/**
 * Finds each logical column in `headers`: the configured header name first (exact, then normalised), else the
 * recognised aliases. Throws an InputError naming the file, the missing columns and the headers found.
 * @example resolveColumns(["Invoice", "StockCode", "Quantity", "InvoiceDate", "Price", "Customer ID"], { mapping: {}, origin: "" }, "f.csv")
 * // { invoice: 0, stock_code: 1, quantity: 2, invoice_date: 3, unit_price: 4, customer_id: 5 }
 */
export function resolveColumns(headers: readonly string[], source: MappingSource, file: string): ColumnIndex {
  const normalised = headers.map(normaliseHeader);
  const found: ColumnIndex = {};
  const missing: string[] = [];
  for (const { name, required } of LOGICAL_COLUMNS) {
    const configured = source.mapping[name];
    if (configured !== undefined) {
      let index = headers.indexOf(configured);
      if (index < 0) index = normalised.indexOf(normaliseHeader(configured));
      if (index < 0)
        throw new InputError(
          `${file}: column "${configured}" (columns.${name} in ${source.origin}) is not in the header; found columns: ${list(headers)}`,
        );
      found[name] = index;
      continue;
    }
    const index = COLUMN_ALIASES[name].map((alias) => normalised.indexOf(alias)).find((i) => i >= 0);
    if (index !== undefined) found[name] = index;
    else if (required) missing.push(name);
  }
  if (missing.length)
    throw new InputError(
      `${file}: missing required column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}; found columns: ${list(headers)}` +
        ` (map them with "columns" in the configuration, e.g. {"columns": {"${missing[0]}": "Your header"}})`,
    );
  return found;
}

/**
 * Splits one CSV/TSV line into fields (RFC 4180 quotes: `"a,b"` is one field, `""` inside quotes is a quote).
 * @example splitLine('a,"b,c",d', ",") // ["a", "b,c", "d"]
 */
export function splitLine(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

/** The delimiters the reader accepts. */
export type Delimiter = "," | "\t" | ";";
const DELIMITERS: readonly Delimiter[] = [",", "\t", ";"];

/** Counts `delimiter` outside double quotes. */
function countOutsideQuotes(line: string, delimiter: string): number {
  let count = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) count++;
  }
  return count;
}

/**
 * Chooses the delimiter: the configured one, else tab for `.tsv`/`.tsv.gz`, else whichever of comma, tab and
 * semicolon occurs most often (outside quotes) in the header line. Throws when the header line has none of them.
 * @example chooseDelimiter("auto", "data.csv", "a;b;c") // ";"
 */
export function chooseDelimiter(configured: "auto" | Delimiter, file: string, headerLine: string): Delimiter {
  if (configured !== "auto") return configured;
  if (/\.tsv(\.gz)?$/i.test(file)) return "\t";
  const counts = DELIMITERS.map((d) => countOutsideQuotes(headerLine, d));
  const best = Math.max(...counts);
  if (best === 0)
    throw new InputError(
      `${file}: line 1: cannot tell the delimiter: the header line has no comma, tab or semicolon` +
        ` (set "delimiter" in the configuration)`,
    );
  return DELIMITERS[counts.indexOf(best)];
}
