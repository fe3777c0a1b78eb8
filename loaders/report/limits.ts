/**
 * Gaps and limits of the data, said in words with their numbers: weekdays, hours and months without orders,
 * what the headline revenue leaves out, how many duplicate lines were analysed, and which countries or regions
 * have too few customers for a share to be stated. Pure functions of aggregates.
 */
import type { IngestAccounting } from "../clean/rules.ts";
import { DAY_NAMES, formatInt, formatMoney, formatPercent } from "./format.ts";

/** Below this many customers a country's or region's shares are not stated (the count is, with a caveat). */
export const MIN_GROUP_CUSTOMERS = 50;

/** "1 customer", "2 customers" */
export const plural = (n: number, word: string): string => `${formatInt(n)} ${word}${n === 1 ? "" : "s"}`;

/** "08:00" */
const hh = (h: number) => `${String(h).padStart(2, "0")}:00`;

/**
 * Runs of consecutive integers as ranges. @example runs([0, 1, 2, 5, 7, 8]) // [[0, 2], [5, 5], [7, 8]]
 */
export function runs(values: readonly number[]): [number, number][] {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const v of sorted) {
    const last = out[out.length - 1];
    if (last && v === last[1] + 1) last[1] = v;
    else out.push([v, v]);
  }
  return out;
}

/** The weekdays (ISO, 1 = Monday), hours and months of the period with no order at all. */
export interface CalendarGaps {
  weekdays: string[];
  /** hour ranges with no order on any day, e.g. "20:00 and 07:00" (wrapping midnight) */
  hours: string[];
  /** "YYYY-MM" months of the period without orders */
  months: string[];
  /** one sentence naming them, or null when every weekday, hour and month has orders */
  text: string | null;
}

/**
 * Which weekdays, hours of the day and months have no orders; none when there are no dated orders at all.
 * @example calendarGaps([{dow: 1, hour: 9, orders: 3}], ["2011-01"], ["2011-01"]).weekdays // ["Tuesday", ..., "Sunday"]
 */
export function calendarGaps(
  weekly: readonly { dow: number; hour: number; orders: number }[],
  periodMonths: readonly string[],
  monthsWithOrders: readonly string[],
): CalendarGaps {
  const cells = weekly.filter((c) => c.orders > 0);
  // no dated order at all (a customer-level table): there are no gaps to speak of, only data the input lacks
  if (cells.length === 0) return { weekdays: [], hours: [], months: [], text: null };
  const days = new Set(cells.map((c) => c.dow));
  const weekdays = DAY_NAMES.filter((_, i) => !days.has(i + 1));
  const busy = new Set(cells.map((c) => c.hour));
  const idle = Array.from({ length: 24 }, (_, h) => h).filter((h) => !busy.has(h));
  const ranges = runs(idle);
  // a run ending at 23:00 and one starting at 00:00 are one night
  if (ranges.length > 1 && ranges[0][0] === 0 && ranges[ranges.length - 1][1] === 23) {
    const first = ranges.shift()!;
    ranges[ranges.length - 1] = [ranges[ranges.length - 1][0], first[1]];
  }
  const hours = busy.size === 0 ? [] : ranges.map(([a, b]) => `${hh(a)} and ${hh((b + 1) % 24)}`);
  const withOrders = new Set(monthsWithOrders);
  const months = periodMonths.filter((m) => !withOrders.has(m));
  const parts: string[] = [];
  if (weekdays.length) parts.push(`no orders at all on ${listWords(weekdays.map((d) => `${d}s`))}`);
  if (hours.length) parts.push(`none between ${hours.join(", or between ")} on any day`);
  if (months.length) parts.push(`none in ${listWords(months)}`);
  const text = parts.length
    ? `The data has ${parts.join("; ")}: empty rows and columns in the charts are missing data, not quiet trading.`
    : null;
  return { weekdays, hours, months, text };
}

/** "a, b and c" */
export function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/** What the headline revenue is and what it leaves out, in one or two sentences. */
export function revenueNote(accounting: IngestAccounting, currency: string): string {
  if (accounting.revenue_source) return accounting.revenue_source;
  const r = accounting.returns;
  const money = (x: number) => formatMoney(x, currency);
  const aside = r.set_aside.fully_returned;
  const basis =
    r.basis === "net"
      ? `Revenue is net of returns: ${money(r.gross_revenue)} of purchases less ${money(r.returned_revenue)} returned ` +
        `(${formatPercent(r.gross_revenue ? r.returned_revenue / r.gross_revenue : 0)})` +
        (aside.customers ? `, without the ${plural(aside.customers, "customer")} who returned everything` : "") +
        `. ${money(r.unmatched_value)} of cancellations has no earlier purchase in the period to reduce and reduces nothing: ` +
        `${plural(r.unmatched_lines, "cancellation line")} that match no purchase, and the part of partly matched lines beyond what was bought.`
      : `Revenue is gross: returns (${money(r.returned_revenue)} matched to earlier purchases) are not deducted.`;
  const w = accounting.revenue_without_customer;
  const left = w.lines
    ? ` It leaves out ${money(w.revenue)} on ${formatInt(w.lines)} purchase lines without a customer id, which cannot be attributed to a customer.`
    : "";
  return basis + left;
}

/** The duplicate-lines sentence: how many repeats there are, how many were analysed, how many set aside. */
export function duplicateNote(accounting: IngestAccounting, dropDuplicates: boolean): string | null {
  const n = accounting.duplicate_lines;
  if (n === undefined) return null;
  if (n === 0) return "No line exactly repeats an earlier line.";
  const analysed = accounting.duplicate_lines_analysed ?? 0;
  const dropped = accounting.dropped.duplicate ?? 0;
  const other = n - analysed - dropped;
  return (
    `${formatInt(n)} lines exactly repeat an earlier line: ` +
    (dropDuplicates
      ? `${formatInt(dropped)} were dropped as duplicates`
      : `${formatInt(analysed)} of them are among the analysed lines (kept, as in the canonical policy: a repeated line can be a genuine second line of the order)`) +
    (other > 0
      ? ` and ${formatInt(other)} were set aside for another reason (cancellations, no customer id ...)`
      : "") +
    "."
  );
}

/** A group's shares are stated only from MIN_GROUP_CUSTOMERS customers. */
export const enoughCustomers = (customers: number): boolean => customers >= MIN_GROUP_CUSTOMERS;

/** The caveat for groups below the minimum, naming them with their counts, or null when there are none. */
export function smallGroupsNote(groups: readonly { name: string; customers: number }[], what: string): string | null {
  const small = groups.filter((g) => g.customers > 0 && !enoughCustomers(g.customers));
  if (!small.length) return null;
  const shown = small.slice(0, 8).map((g) => `${g.name} ${formatInt(g.customers)}`);
  const more = small.length > shown.length ? ` and ${formatInt(small.length - shown.length)} more` : "";
  return (
    `Shares are not stated for ${what} with fewer than ${formatInt(MIN_GROUP_CUSTOMERS)} customers ` +
    `(${shown.join(", ")}${more}): a few customers more or less would change them by several points.`
  );
}
