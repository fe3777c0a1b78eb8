/** Calibration/holdout check: mean predicted and actual holdout transactions by calibration-period repeat purchases. */
import * as d3 from "d3";
import { lineChart } from "./lineChart.js";

const COLORS = { Actual: "#1b6ca8", Predicted: "#d1495b" };

/**
 * @param {{repeat_transactions: string, customers: number, actual_mean: number, predicted_mean: number}[]} groups
 * @param {{width?: number, caption?: string}} options
 * @returns {HTMLElement}
 */
export function holdoutGroups(groups, { width = 640, caption } = {}) {
  const labels = groups.map((g) => g.repeat_transactions);
  return lineChart(
    [
      { name: "Actual", values: groups.map((g, i) => ({ x: i, y: g.actual_mean })) },
      { name: "Predicted", values: groups.map((g, i) => ({ x: i, y: g.predicted_mean })) },
    ],
    {
      width,
      title: "Holdout transactions per customer, predicted and actual, by calibration-period repeat purchases",
      xLabel: "repeat purchases in the calibration period",
      yLabel: "mean holdout transactions",
      xFormat: (i) => labels[i] ?? "",
      xTicks: labels.map((_, i) => i),
      yFormat: d3.format(",.1f"),
      color: (name) => COLORS[name],
      caption,
    },
  );
}
