/** Calibration/holdout check: cumulative holdout transactions, predicted and actual, week by week. */
import * as d3 from "d3";
import { lineChart } from "./lineChart.js";

const COLORS = { Actual: "#1b6ca8", Predicted: "#d1495b" };

/**
 * @param {{day: number, actual: number, predicted: number}[]} weekly
 * @param {{width?: number, caption?: string}} options
 * @returns {HTMLElement}
 */
export function holdoutTracking(weekly, { width = 640, caption } = {}) {
  return lineChart(
    [
      { name: "Actual", values: weekly.map((w) => ({ x: w.day / 7, y: w.actual })) },
      { name: "Predicted", values: weekly.map((w) => ({ x: w.day / 7, y: w.predicted })) },
    ],
    {
      width,
      title: "Cumulative transactions in the holdout period, predicted and actual",
      xLabel: "weeks into the holdout",
      yLabel: "transactions (cumulative)",
      yFormat: d3.format(",.0f"),
      xFormat: d3.format(",.0f"),
      color: (name) => COLORS[name],
      caption,
    },
  );
}
