/**
 * What the data holds: the one answer to "can the report show X for this input". Every source yields its
 * capabilities with its relation (sources/capabilities.ts for line inputs, pipeline/customers.ts for a
 * customer-level table); every page, section, chart, insight and glossary entry declares what it `needs`, and the
 * report includes it only when the data has it (report/registry.ts). The prepare step writes them as
 * `capabilities.json` beside the report data, where observablehq.config.ts reads them for the navigation.
 *
 * A new capability is one key here, set by the sources that have it. Bottom layer: imports nothing.
 */

/** One thing the data may hold. */
export const CAPABILITIES = [
  /** dated transaction lines (false for a customer-level table: one row per customer) */
  "transactions",
  /** invoices: several lines make one order (else each line is one order) */
  "invoices",
  /** quantities: units per order (else each line counts one unit) */
  "quantities",
  /** returns matched to purchases (cancellation lines) */
  "returns",
  /** stock codes: top products */
  "products",
  /** product categories: a category column, products.csv or descriptions for the keyword rules */
  "categories",
  /** product descriptions: the word cloud */
  "descriptions",
  /** a country per customer */
  "countries",
  /** a sales channel per order */
  "channels",
  /** a store per order */
  "stores",
  /** demographic attributes of the customers (age range, ... of a customer table) */
  "demographics",
  /** a signup date per customer */
  "signup_dates",
  /** responses to campaigns (0/1 columns of a customer-level table) */
  "responses",
  /** purchase counts or spending split by columns of a customer-level table (product groups, channels) */
  "customer_parts",
  /** times of day and weekdays of the orders */
  "times_of_day",
  /** a covered period with a first and last day (dated lines or signup dates) */
  "period",
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** What one input holds: each capability, and the demographic attributes by name. */
export interface Capabilities {
  has: Record<Capability, boolean>;
  /** the customers' demographic attributes shown per segment (empty without `demographics`) */
  demographics: string[];
}

/**
 * What an entry (a page, section, chart, insight, glossary entry, stage) needs: every listed item, where an item
 * is one capability or a list of which any one is enough.
 */
export type Needs = readonly (Capability | readonly Capability[])[];

/** Whether the data has what `needs` asks for. */
export function satisfies(caps: Capabilities, needs: Needs | undefined): boolean {
  return (needs ?? []).every((need) => (typeof need === "string" ? caps.has[need] : need.some((c) => caps.has[c])));
}

/** Capabilities with exactly the listed ones held. */
export function capabilitiesOf(held: Iterable<Capability>, demographics: string[] = []): Capabilities {
  const set = new Set(held);
  return {
    has: Object.fromEntries(CAPABILITIES.map((c) => [c, set.has(c)])) as Record<Capability, boolean>,
    demographics,
  };
}

/** Every capability held: what the navigation assumes before any data is prepared. */
export const ALL_CAPABILITIES: Capabilities = capabilitiesOf(CAPABILITIES);

/** The held capabilities' names, in CAPABILITIES order (for capabilities.json and messages). */
export function heldCapabilities(caps: Capabilities): Capability[] {
  return CAPABILITIES.filter((c) => caps.has[c]);
}

/** capabilities.json: what the prepare step writes beside the report data. */
export interface CapabilitiesFile {
  held: Capability[];
  demographics: string[];
}

export function capabilitiesFile(caps: Capabilities): CapabilitiesFile {
  return { held: heldCapabilities(caps), demographics: caps.demographics };
}

/** Capabilities back from capabilities.json (unknown names are ignored). */
export function readCapabilitiesFile(file: CapabilitiesFile): Capabilities {
  return capabilitiesOf(
    file.held.filter((c) => (CAPABILITIES as readonly string[]).includes(c)),
    file.demographics,
  );
}
