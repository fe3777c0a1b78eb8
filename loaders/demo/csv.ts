/**
 * Renders the demo data set as the files the project reads: the transactions in the UCI Online Retail column
 * layout (comma-separated, RFC 4180 quoting where needed, LF line ends), the planted personas and the product
 * catalogue. Formatting is done by hand (no locale, no toFixed surprises), so the bytes depend on the data only.
 */
import { quoteCsv } from "../output/csv.ts";
import { formatTimestamp } from "./calendar.ts";
import type { DemoDataset } from "./generate.ts";

export const TRANSACTIONS_HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";
export const PERSONAS_HEADER = "customer_id,persona";
export const PRODUCTS_HEADER = "stock_code,description,category";

/**
 * One CSV field of the demo export: RFC 4180 quoting only, no formula defusing (the demo imitates a shop's raw
 * export; the report's own outputs are written with loaders/output/csv.ts' csvField).
 * @example
 * csvField('PHOTO FRAME 7" SIZE'); // '"PHOTO FRAME 7"" SIZE"'
 */
export const csvField = quoteCsv;

/**
 * A price in pence as the export writes it: no trailing zeros, no thousands separator.
 * @example
 * formatPrice(255); // "2.55"
 * formatPrice(210); // "2.1"
 * formatPrice(1800); // "18"
 */
export function formatPrice(pence: number): string {
  const sign = pence < 0 ? "-" : "";
  const abs = Math.abs(Math.round(pence));
  const pounds = Math.floor(abs / 100);
  const cents = abs % 100;
  if (cents === 0) return `${sign}${pounds}`;
  return cents % 10 === 0 ? `${sign}${pounds}.${cents / 10}` : `${sign}${pounds}.${cents < 10 ? "0" : ""}${cents}`;
}

/**
 * The transactions file's text, header first, as chunks of about `chunkLines` lines each (joining them gives
 * the file; chunks keep single strings small when the data set is large).
 */
export function renderTransactions(data: DemoDataset, chunkLines = 20_000): string[] {
  const chunks: string[] = [];
  let parts: string[] = [TRANSACTIONS_HEADER + "\n"];
  const fields = new Map<string, string>();
  const field = (s: string): string => {
    let f = fields.get(s);
    if (f === undefined) fields.set(s, (f = csvField(s)));
    return f;
  };
  for (const inv of data.invoices) {
    const head = `${inv.invoice_no},`;
    const tail = `,${formatTimestamp(inv.day, inv.minute)},`;
    const end = `,${inv.customer_id ?? ""},${field(inv.country)}\n`;
    for (const l of inv.lines) {
      const product = `${field(l.stock_code)},${field(l.description)},${l.quantity}`;
      parts.push(`${head}${product}${tail}${formatPrice(l.price)}${end}`);
    }
    if (parts.length >= chunkLines) {
      chunks.push(parts.join(""));
      parts = [];
    }
  }
  if (parts.length) chunks.push(parts.join(""));
  return chunks;
}

/** `customer_id,persona`, one row per account customer, by customer number. */
export function renderPersonas(data: DemoDataset): string {
  const rows = [...data.customers].sort((a, b) => a.id - b.id).map((c) => `${c.id},${c.persona}\n`);
  return PERSONAS_HEADER + "\n" + rows.join("");
}

/** `stock_code,description,category`, one row per product (non-product codes are not listed), by stock code. */
export function renderProducts(data: DemoDataset): string {
  const rows = [...data.products]
    .sort((a, b) => (a.stock_code < b.stock_code ? -1 : a.stock_code > b.stock_code ? 1 : 0))
    .map((p) => `${csvField(p.stock_code)},${csvField(p.description)},${csvField(p.category)}\n`);
  return PRODUCTS_HEADER + "\n" + rows.join("");
}
