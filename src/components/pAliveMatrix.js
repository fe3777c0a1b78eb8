/** P(alive) (or expected orders) over repeat purchases x time since the last purchase, as a heatmap. */
import * as d3 from "d3";
import { heatmap } from "./heatmap.js";

/**
 * @param {{frequency: number[], since_last: number[], p_alive: number[][], expected_orders: number[][], T: number, time_unit: string}} matrix
 * @param {{width?: number, measure?: "p_alive" | "expected_orders", horizon?: string}} options
 * @returns {HTMLElement}
 */
export function pAliveMatrix(matrix, { width = 640, measure = "p_alive", horizon = "the horizon" } = {}) {
  const unit = matrix.time_unit;
  const alive = measure === "p_alive";
  return heatmap(
    {
      rows: matrix.frequency.map((x) => `${x} repeat${x === 1 ? "" : "s"}`),
      columns: matrix.since_last.map((t) => d3.format(",.0f")(t)),
      values: matrix[measure],
    },
    {
      width,
      title: alive
        ? "Probability of being active, by repeat purchases and time since the last purchase"
        : `Expected orders over ${horizon}, by repeat purchases and time since the last purchase`,
      format: alive ? d3.format(".0%") : d3.format(",.1f"),
      xLabel: `${unit}s since the last purchase`,
      yLabel: "repeat purchases",
      cellHeight: 20,
      domain: alive ? [0, 1] : undefined,
      legendLabel: alive ? "P(alive)" : "expected orders",
      showValues: width > 560,
      caption: `For a customer whose first purchase was ${d3.format(",.0f")(matrix.T)} ${unit}s before the end of the data (the oldest customers), from the fitted parameters.`,
    },
  );
}
