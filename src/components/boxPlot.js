/** Horizontal box plots per segment: 5th-95th percentile whiskers, quartile box, median line, mean dot. */
import * as d3 from "d3";
import { figure, labelLines, svgFrame } from "./chart.js";
import { axisTitle, gridAxisX } from "./axes.js";
import { segmentColor } from "./colors.js";
import { int } from "./format.js";

/**
 * @param {{name: string, stats: {n: number, p05: number, q1: number, median: number, q3: number, p95: number, mean: number}}[]} data
 * @param {{width?: number, title: string, xLabel: string, format?: (x: number) => string, color?: (name: string) => string,
 *   log?: boolean, caption?: string}} options
 * @returns {HTMLElement}
 */
export function boxPlot(
  data,
  { width = 640, title, xLabel, format = d3.format(",.1f"), color = segmentColor, log = false, caption } = {},
) {
  const rows = data.filter((d) => d.stats && d.stats.n > 0);
  const margin = { top: 10, right: 24, bottom: 40, left: Math.min(200, Math.max(110, width * 0.26)) };
  const band = 30;
  const height = margin.top + margin.bottom + rows.length * band;
  const lo = d3.min(rows, (d) => d.stats.p05) ?? 0;
  const hi = d3.max(rows, (d) => Math.max(d.stats.p95, d.stats.mean)) ?? 1;
  const x = log
    ? d3
        .scaleLog([Math.max(lo, hi / 1e4, 1e-3), hi], [margin.left, width - margin.right])
        .nice()
        .clamp(true)
    : d3.scaleLinear([Math.min(0, lo), hi], [margin.left, width - margin.right]).nice();
  const y = d3
    .scaleBand(
      rows.map((d) => d.name),
      [margin.top, height - margin.bottom],
    )
    .padding(0.3);
  const svg = svgFrame({
    width,
    height,
    title,
    description: rows
      .map(
        (d) =>
          `${d.name}: median ${format(d.stats.median)}, quartiles ${format(d.stats.q1)} to ${format(d.stats.q3)}, mean ${format(d.stats.mean)}`,
      )
      .join("; "),
  });
  gridAxisX(svg, d3.axisBottom(x).ticks(width / 90, log ? "~s" : undefined), {
    y: height - margin.bottom,
    length: height - margin.top - margin.bottom,
  });
  axisTitle(svg, xLabel, { x: width - margin.right, y: height - 6, anchor: "end" });
  const g = svg
    .append("g")
    .selectAll("g")
    .data(rows)
    .join("g")
    .attr("transform", (d) => `translate(0,${y(d.name)})`);
  const h = y.bandwidth();
  g.append("text")
    .attr("x", margin.left - 8)
    .attr("y", h / 2)
    .attr("dy", "0.32em")
    .attr("text-anchor", "end")
    .each(function (d) {
      labelLines(d3.select(this), d.name, Math.round(margin.left / 6.5), y.step());
    });
  g.append("line")
    .attr("x1", (d) => x(d.stats.p05))
    .attr("x2", (d) => x(d.stats.p95))
    .attr("y1", h / 2)
    .attr("y2", h / 2)
    .attr("stroke", "currentColor")
    .attr("stroke-opacity", 0.6);
  g.append("rect")
    .attr("x", (d) => x(d.stats.q1))
    .attr("width", (d) => Math.max(1, x(d.stats.q3) - x(d.stats.q1)))
    .attr("height", h)
    .attr("fill", (d) => color(d.name))
    .attr("fill-opacity", 0.85)
    .attr("rx", 2);
  g.append("line")
    .attr("x1", (d) => x(d.stats.median))
    .attr("x2", (d) => x(d.stats.median))
    .attr("y1", 0)
    .attr("y2", h)
    .attr("stroke", "var(--theme-background)")
    .attr("stroke-width", 2.5);
  g.append("circle")
    .attr("cx", (d) => x(d.stats.mean))
    .attr("cy", h / 2)
    .attr("r", 3.5)
    .attr("fill", "var(--theme-background)")
    .attr("stroke", "currentColor");
  g.append("rect")
    .attr("x", margin.left)
    .attr("width", width - margin.left - margin.right)
    .attr("height", h)
    .attr("fill", "transparent")
    .append("title")
    .text(
      (d) =>
        `${d.name} (${int(d.stats.n)})\n5th percentile ${format(d.stats.p05)}\nlower quartile ${format(d.stats.q1)}\n` +
        `median ${format(d.stats.median)}\nupper quartile ${format(d.stats.q3)}\n95th percentile ${format(d.stats.p95)}\nmean ${format(d.stats.mean)}`,
    );
  return figure(svg.node(), caption ?? "Box: quartiles; line: median; dot: mean; whiskers: 5th to 95th percentile.");
}
