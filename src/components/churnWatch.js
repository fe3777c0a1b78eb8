/** The churn watch: high-value customers unlikely to be active, per segment (customers, and the revenue at stake). */
import { hBars } from "./hBars.js";

/**
 * @param {{segment: string, customers: number, revenue: number, value_at_stake: number}[]} segments
 * @param {{width?: number, format: (x: number) => string, horizon: string}} options
 * @returns {HTMLElement}
 */
export function churnWatch(segments, { width = 480, format, horizon }) {
  return hBars(
    segments.map((s) => ({
      label: s.segment,
      value: s.value_at_stake,
      tooltip: `${s.segment}: ${s.customers} customers on the watch, revenue so far ${format(s.revenue)}, at stake ${format(s.value_at_stake)}`,
    })),
    {
      width,
      title: `Revenue at stake over ${horizon} among the high-value customers unlikely to be active, per segment`,
      format,
      caption: "What these customers would bring if still active, less what the model expects of them.",
    },
  );
}
