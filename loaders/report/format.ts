/**
 * Number formatting for the build-time narrative (the pages format their own chart labels with d3-format).
 * Every figure quoted in an insight goes through these, so the prose and the tables agree.
 */

/** "13.4%" (one decimal; "<0.1%" for tiny positive shares). */
export function formatPercent(share: number, digits = 1): string {
  if (share > 0 && share * 100 < 10 ** -digits) return `<${(10 ** -digits).toFixed(digits)}%`;
  return `${(share * 100).toFixed(digits)}%`;
}

/** "1,234" with thousands separators. */
export function formatInt(x: number): string {
  return Math.round(x).toLocaleString("en-GB");
}

/** A number with `digits` decimals and thousands separators: "1,234.5". */
export function formatNumber(x: number, digits = 1): string {
  return x.toLocaleString("en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Money, compact above 10,000: "£8.91M", "£312k", "£4,210", "£12.40" (below 100). */
export function formatMoney(x: number, currency = "£"): string {
  const sign = x < 0 ? "-" : "";
  const a = Math.abs(x);
  const body =
    a >= 1e9
      ? `${(a / 1e9).toFixed(2)}bn`
      : a >= 1e6
        ? `${(a / 1e6).toFixed(2)}M`
        : a >= 1e4
          ? `${Math.round(a / 1e3).toLocaleString("en-GB")}k`
          : a >= 100
            ? Math.round(a).toLocaleString("en-GB")
            : a.toFixed(2);
  return `${sign}${currency}${body}`;
}

/** "2.1×" (one decimal). */
export function formatMultiple(ratio: number): string {
  return `${ratio.toFixed(1)}×`;
}

/** A p-value as reported: "p < 0.001" or "p = 0.042". */
export function formatP(p: number): string {
  return p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`;
}

/** "Monday" ... for ISO day numbers 1 (Monday) to 7 (Sunday). */
export const DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** "12:00 to 13:00" for hour 12. */
export function formatHourRange(hour: number): string {
  const pad = (h: number) => String(h % 24).padStart(2, "0");
  return `${pad(hour)}:00 to ${pad(hour + 1)}:00`;
}

/** "November 2011" for "2011-11". */
export function formatMonth(month: string): string {
  const [y, m] = month.split("-").map(Number);
  const names = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
  ];
  return `${names[m - 1]} ${y}`;
}
