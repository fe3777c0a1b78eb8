/** K-Means segments (rows) against another clustering method's groups (columns): each row's shares as a heatmap. */
import * as d3 from "d3";
import { heatmap } from "./heatmap.js";

/**
 * @param {{label: string, rows: string[], columns: string[], counts: number[][]}} table counts[row][column]
 * @param {{width?: number, caption?: string}} options
 * @returns {HTMLElement}
 */
export function methodCrosstab(table, { width = 640, caption } = {}) {
  const totals = table.counts.map((row) => d3.sum(row));
  const values = table.counts.map((row, i) => row.map((c) => (totals[i] ? c / totals[i] : null)));
  const tooltips = table.counts.map((row, i) =>
    row.map(
      (c, j) =>
        `${d3.format(",d")(c)} of ${d3.format(",d")(totals[i])} customers of ${table.rows[i]} are in ${table.columns[j]}`,
    ),
  );
  return heatmap(
    { rows: table.rows, columns: table.columns, values, tooltips },
    {
      width,
      title: `K-Means segments against the ${table.label}'s groups`,
      format: d3.format(".0%"),
      domain: [0, 1],
      legendLabel: "share of the segment",
      xLabel: `${table.label} →`,
      caption,
    },
  );
}
