/**
 * Column recognition: which header of the input file holds each logical column. The Online Retail and
 * Online Retail II layouts are recognised without configuration (case-, space- and punctuation-insensitive);
 * any other layout is mapped with `columns` in the configuration (logical name -> header).
 */
import type { ColumnMapping } from "../config.ts";
import { InputError } from "../errors.ts";

export type LogicalColumn = keyof ColumnMapping & string;

/**
 * The logical columns, in the order the pipeline uses them, with whether a line file must have them: the
 * customer and the date always; quantity and unit price unless `amount` (the line or order total) is mapped.
 * Without `invoice` each line is one order; without `stock_code`/`description`/`country` the report leaves out
 * the sections that need them.
 */
export const LOGICAL_COLUMNS: readonly { name: LogicalColumn; required: boolean | "unless amount" }[] = [
  { name: "invoice", required: false },
  { name: "stock_code", required: false },
  { name: "description", required: false },
  { name: "quantity", required: "unless amount" },
  { name: "invoice_date", required: true },
  { name: "unit_price", required: "unless amount" },
  { name: "customer_id", required: true },
  { name: "country", required: false },
  { name: "amount", required: false },
  { name: "channel", required: false },
  { name: "category", required: false },
  { name: "store", required: false },
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
  // only by their logical names: a "Total" column beside quantity and price must not silently replace them
  amount: ["amount"],
  channel: ["channel"],
  category: ["category"],
  store: ["store", "storeid"],
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
  /** the setting holding the mapping, for messages (default "columns"; "tables.orders.columns" for a table) */
  setting?: string;
  /** the logical columns this input may have (default all); the others are neither looked for nor recognised */
  allowed?: readonly LogicalColumn[];
  /** the columns it must have (default: as LOGICAL_COLUMNS says) */
  required?: (found: ColumnIndex) => LogicalColumn[];
}

/** The required columns of a line file by LOGICAL_COLUMNS: quantity and unit price only without an amount. */
export function lineFileRequired(found: ColumnIndex): LogicalColumn[] {
  return LOGICAL_COLUMNS.filter(
    (c) => c.required === true || (c.required === "unless amount" && found.amount === undefined),
  ).map((c) => c.name);
}

function list(headers: readonly string[]): string {
  return headers.map((h) => JSON.stringify(h)).join(", ");
}

/** `Quantity#2` in a mapping: the second column headed `Quantity` (for files with a repeated header). */
const OCCURRENCE = /^(.*)#([1-9][0-9]*)$/;

function indicesOf<T>(values: readonly T[], value: T): number[] {
  return values.flatMap((v, i) => (v === value ? [i] : []));
}

/** The InputError for a logical column that more than one column of the file could be. */
function ambiguous(file: string, name: LogicalColumn, headers: readonly string[], indices: number[]): InputError {
  const found = indices.map((i) => `${JSON.stringify(headers[i])} (column ${i + 1})`).join(", ");
  const same = indices.every((i) => headers[i] === headers[indices[0]]);
  const example = same ? `${headers[indices[0]]}#2` : headers[indices[1]];
  return new InputError(
    `${file}: duplicated header: ${found} could each be ${name}; say which with "columns" in the configuration,` +
      ` e.g. {"columns": {"${name}": ${JSON.stringify(example)}}}${same ? " for the second" : ""}`,
  );
}

/** The column a configured header names: exact, then normalised; `Header#n` picks the n-th of repeated headers. */
function configuredIndex(
  headers: readonly string[],
  normalised: readonly string[],
  configured: string,
  name: LogicalColumn,
  file: string,
): number | null {
  for (const matches of [indicesOf(headers, configured), indicesOf(normalised, normaliseHeader(configured))]) {
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) throw ambiguous(file, name, headers, matches);
  }
  const occurrence = OCCURRENCE.exec(configured);
  if (occurrence) {
    const n = Number(occurrence[2]);
    const exact = indicesOf(headers, occurrence[1]);
    const matches = exact.length ? exact : indicesOf(normalised, normaliseHeader(occurrence[1]));
    if (matches.length >= n) return matches[n - 1];
  }
  return null;
}

/**
 * Finds each logical column in `headers`: the configured header name first (exact, then normalised; `Header#2` for
 * the second of two columns with the same header), else the recognised aliases. A header that would be used but
 * appears more than once is an error unless the mapping says which. Throws an InputError naming the file, the
 * missing or duplicated columns and the headers found.
 * @example resolveColumns(["Invoice", "StockCode", "Quantity", "InvoiceDate", "Price", "Customer ID"], { mapping: {}, origin: "" }, "f.csv")
 * // { invoice: 0, stock_code: 1, quantity: 2, invoice_date: 3, unit_price: 4, customer_id: 5 }
 */
export function resolveColumns(headers: readonly string[], source: MappingSource, file: string): ColumnIndex {
  const normalised = headers.map(normaliseHeader);
  const found: ColumnIndex = {};
  const setting = source.setting ?? "columns";
  for (const { name } of LOGICAL_COLUMNS) {
    if (source.allowed && !source.allowed.includes(name)) continue;
    const configured = source.mapping[name];
    if (configured !== undefined) {
      const index = configuredIndex(headers, normalised, configured, name, file);
      if (index === null)
        throw new InputError(
          `${file}: column "${configured}" (${setting}.${name} in ${source.origin}) is not in the header; found columns: ${list(headers)}`,
        );
      found[name] = index;
      continue;
    }
    const matches = COLUMN_ALIASES[name].map((alias) => indicesOf(normalised, alias)).find((m) => m.length > 0);
    if (matches && matches.length > 1) throw ambiguous(file, name, headers, matches);
    if (matches) found[name] = matches[0];
  }
  const required = (source.required ?? lineFileRequired)(found);
  const missing = LOGICAL_COLUMNS.map((c) => c.name).filter(
    (name) => required.includes(name) && found[name] === undefined,
  );
  if (missing.length) {
    const amount =
      missing.includes("quantity") || missing.includes("unit_price") ? "; or map amount, the line or order total" : "";
    throw new InputError(
      `${file}: missing required column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}; found columns: ${list(headers)}` +
        ` (map them with "${setting}" in the configuration, e.g. {"${setting}": {"${missing[0]}": "Your header"}}${amount})`,
    );
  }
  return found;
}

/** How the columns were found, for the recognised block: a known layout by name, or the mapping's origin. */
export function layoutName(headers: readonly string[], columns: ColumnIndex, source: MappingSource): string {
  if (Object.keys(source.mapping).length) return `mapped in ${source.origin}`;
  const header = (name: LogicalColumn) =>
    columns[name] === undefined ? "" : normaliseHeader(headers[columns[name] as number]);
  if (header("invoice") === "invoiceno" && header("unit_price") === "unitprice") return "Online Retail (recognised)";
  if (header("invoice") === "invoice" && header("unit_price") === "price") return "Online Retail II (recognised)";
  return "recognised by header names";
}

/**
 * The index of the header named `name` (exact, else normalised); an InputError naming the file, the setting and
 * the headers found when there is none.
 */
export function headerIndex(headers: readonly string[], name: string, file: string, setting: string): number {
  let index = headers.indexOf(name);
  if (index < 0) index = headers.map(normaliseHeader).indexOf(normaliseHeader(name));
  if (index < 0)
    throw new InputError(
      `${file}: column "${name}" (${setting}) is not in the header; found columns: ${list(headers)}`,
    );
  return index;
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
