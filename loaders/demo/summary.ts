/**
 * Figures about a generated demo data set: size, personas, countries and how much of each kind of dirt it
 * carries. Used by `npm run demo` for its one-line message and by the tests.
 */
import { NON_PRODUCT_CODES } from "./catalogue.ts";
import { HOME_COUNTRY } from "./countries.ts";
import type { DemoDataset } from "./generate.ts";
import { PERSONA_NAMES, type PersonaName } from "./personas.ts";

export interface DemoSummary {
  seed: number;
  scale: number;
  lines: number;
  invoices: number;
  customers: number;
  products: number;
  countries: number;
  personas: Record<PersonaName, number>;
  /** share of lines from the home country */
  home_share: number;
  /** line counts of each kind of dirt (a line can count under more than one) */
  dirt: {
    cancellation_lines: number;
    missing_customer_lines: number;
    zero_price_lines: number;
    non_product_lines: number;
    /** negative quantities outside cancellation invoices (stock adjustments) */
    negative_adjustment_lines: number;
    /** exact repeats of an earlier line */
    duplicate_lines: number;
    blank_description_lines: number;
  };
}

/** Counts the figures of a data set. */
export function summarize(data: DemoDataset): DemoSummary {
  const nonProduct = new Set(NON_PRODUCT_CODES);
  const countries = new Set<string>();
  const dirt: DemoSummary["dirt"] = {
    cancellation_lines: 0,
    missing_customer_lines: 0,
    zero_price_lines: 0,
    non_product_lines: 0,
    negative_adjustment_lines: 0,
    duplicate_lines: 0,
    blank_description_lines: 0,
  };
  let lines = 0;
  let home = 0;
  for (const inv of data.invoices) {
    countries.add(inv.country);
    const cancellation = inv.invoice_no.startsWith("C");
    const seen = new Set<string>();
    for (const l of inv.lines) {
      lines++;
      if (inv.country === HOME_COUNTRY) home++;
      if (cancellation) dirt.cancellation_lines++;
      else if (l.quantity < 0) dirt.negative_adjustment_lines++;
      if (inv.customer_id === null) dirt.missing_customer_lines++;
      if (l.price === 0) dirt.zero_price_lines++;
      if (nonProduct.has(l.stock_code)) dirt.non_product_lines++;
      if (l.description === "") dirt.blank_description_lines++;
      const key = `${l.stock_code}\u0000${l.description}\u0000${l.quantity}\u0000${l.price}`;
      if (seen.has(key)) dirt.duplicate_lines++;
      else seen.add(key);
    }
  }
  const personas = Object.fromEntries(PERSONA_NAMES.map((p) => [p, 0])) as Record<PersonaName, number>;
  for (const c of data.customers) personas[c.persona]++;
  return {
    seed: data.seed,
    scale: data.scale,
    lines,
    invoices: data.invoices.length,
    customers: data.customers.length,
    products: data.products.length,
    countries: countries.size,
    personas,
    home_share: lines ? home / lines : 0,
    dirt,
  };
}
