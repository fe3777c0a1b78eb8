/** The Lorenz curve of revenue over customers, with the line of equality and the Gini coefficient. */
import * as d3 from "d3";
import { figure, svgFrame } from "./chart.js";
import { axisTitle, gridAxisX, gridAxisY } from "./axes.js";
import { pct, pct0 } from "./format.js";

/**
 * @param {{points: [number, number][], gini: number, marker?: {customer_share: number, revenue_share: number}}} data
 *   points: [share of customers (smallest spenders first), share of revenue]; marker: the top customers making half the revenue
 * @param {{width?: number, caption?: string, color?: string}} options
 * @returns {HTMLElement}
 */
export function lorenz({ points, gini, marker }, { width = 420, caption, color = "var(--report-accent)" } = {}) {
  const size = Math.min(width, 460);
  const margin = { top: 12, right: 16, bottom: 40, left: 48 };
  const x = d3.scaleLinear([0, 1], [margin.left, size - margin.right]);
  const y = d3.scaleLinear([0, 1], [size - margin.bottom, margin.top]);
  const svg = svgFrame({
    width: size,
    height: size,
    title: `Lorenz curve of revenue; Gini coefficient ${gini.toFixed(2)}`,
    description: marker
      ? `The top ${pct(marker.customer_share)} of customers generate ${pct(marker.revenue_share)} of revenue.`
      : "",
  });
  gridAxisX(svg, d3.axisBottom(x).ticks(5, "%"), { y: y(0), length: y(0) - y(1) });
  gridAxisY(svg, d3.axisLeft(y).ticks(5, "%"), { x: x(0), length: x(1) - x(0) });
  axisTitle(
    svg,
    x(1) - x(0) < 420
      ? "Share of customers (smallest first) →"
      : "Cumulative share of customers (smallest spenders first) →",
    { x: x(1), y: size - 6, anchor: "end" },
  );
  axisTitle(svg, "Cumulative share of revenue →", { x: 12, y: y(1), rotate: true, anchor: "end" });
  const area = d3
    .area()
    .x((d) => x(d[0]))
    .y0((d) => y(d[0]))
    .y1((d) => y(d[1]));
  svg.append("path").datum(points).attr("d", area).attr("fill", color).attr("fill-opacity", 0.15);
  svg
    .append("line")
    .attr("x1", x(0))
    .attr("y1", y(0))
    .attr("x2", x(1))
    .attr("y2", y(1))
    .attr("stroke", "currentColor")
    .attr("stroke-dasharray", "4 3")
    .attr("stroke-opacity", 0.6);
  svg
    .append("text")
    .attr("x", x(0.3))
    .attr("y", y(0.3))
    .attr("dy", -6)
    .attr("class", "muted")
    .attr("transform", `rotate(${(-Math.atan2(y(0) - y(1), x(1) - x(0)) * 180) / Math.PI},${x(0.3)},${y(0.3)})`)
    .attr("text-anchor", "middle")
    .text("line of equality");
  svg
    .append("path")
    .datum(points)
    .attr(
      "d",
      d3
        .line()
        .x((d) => x(d[0]))
        .y((d) => y(d[1])),
    )
    .attr("fill", "none")
    .attr("stroke", color)
    .attr("stroke-width", 2.5)
    .append("title")
    .text(`Lorenz curve, Gini ${gini.toFixed(2)}`);
  if (marker) {
    const px = 1 - marker.customer_share;
    const py = 1 - marker.revenue_share;
    svg
      .append("circle")
      .attr("cx", x(px))
      .attr("cy", y(py))
      .attr("r", 4.5)
      .attr("fill", color)
      .append("title")
      .text(`The top ${pct(marker.customer_share)} of customers generate ${pct(marker.revenue_share)} of revenue`);
    svg
      .append("text")
      .attr("x", x(px) - 8)
      .attr("y", y(py) - 10)
      .attr("text-anchor", "end")
      .style("font-weight", 600)
      .text(`top ${pct0(marker.customer_share)} → ${pct0(marker.revenue_share)} of revenue`);
  }
  svg
    .append("text")
    .attr("x", x(0.04))
    .attr("y", y(0.93))
    .style("font-size", "14px")
    .style("font-weight", 700)
    .text(`Gini ${gini.toFixed(2)}`);
  return figure(svg.node(), caption);
}
