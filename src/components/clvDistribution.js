/** The distribution of customer lifetime value (discounted expected revenue) in each segment, as box plots. */
import { boxPlot } from "./boxPlot.js";

/**
 * @param {{segment: string, clv_stats: {n: number, p05: number, q1: number, median: number, q3: number, p95: number, mean: number}}[]} segments
 * @param {{width?: number, format: (x: number) => string, horizon: string}} options
 * @returns {HTMLElement}
 */
export function clvDistribution(segments, { width = 640, format, horizon }) {
  return boxPlot(
    segments.map((s) => ({ name: s.segment, stats: s.clv_stats })),
    {
      width,
      title: `Customer lifetime value over ${horizon}, per segment`,
      xLabel: "CLV per customer (discounted)",
      format,
      caption: "Box: quartiles; line: median; dot: mean; whiskers: 5th to 95th percentile of the customers' CLV.",
    },
  );
}
