/** Shared number formats for charts and tables (d3-format), so every page writes figures the same way. */
import * as d3 from "d3";

/** 13.4% */
export const pct = d3.format(".1%");
/** 13% */
export const pct0 = d3.format(".0%");
/** 1,234 */
export const int = d3.format(",.0f");
/** 1,234.5 */
export const num1 = d3.format(",.1f");
/** 0.43 */
export const num2 = d3.format(",.2f");

/** Money with the report's currency symbol: £1.2M / £312k / £4,210 / £12.40. */
export function money(currency = "£") {
  return (x) => {
    if (x == null || !Number.isFinite(x)) return "–";
    const a = Math.abs(x);
    const sign = x < 0 ? "−" : "";
    const body =
      a >= 1e9
        ? `${d3.format(".2f")(a / 1e9)}bn`
        : a >= 1e6
          ? `${d3.format(".2f")(a / 1e6)}M`
          : a >= 1e4
            ? `${d3.format(",.0f")(a / 1e3)}k`
            : a >= 100
              ? d3.format(",.0f")(a)
              : d3.format(".2f")(a);
    return `${sign}${currency}${body}`;
  };
}

/** Compact money for axes: £1.2M, £300k, £50. */
export function moneyAxis(currency = "£") {
  const s = d3.format("~s");
  return (x) => `${x < 0 ? "−" : ""}${currency}${s(Math.abs(x)).replace("G", "bn")}`;
}

/** Days: "12 days", "1 day". */
export function days(x) {
  const n = Math.round(x);
  return `${d3.format(",")(n)} day${n === 1 ? "" : "s"}`;
}

export const DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
