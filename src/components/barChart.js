/** Vertical bars for a handful of categories (e.g. customers per RFM score), with value labels. */
import * as d3 from "d3";
import { figure, svgFrame } from "./chart.js";
import { axisTitle, gridAxisY } from "./axes.js";
import { int } from "./format.js";

/**
 * @param {{label: string, value: number, color?: string, tooltip?: string}[]} data
 * @param {{width?: number, height?: number, title: string, xLabel?: string, yLabel?: string,
 *   format?: (x: number) => string, color?: string, caption?: string}} options
 * @returns {HTMLElement}
 */
export function barChart(
  data,
  {
    width = 320,
    height = 220,
    title,
    xLabel = "",
    yLabel = "",
    format = int,
    color = "var(--report-accent)",
    caption,
  } = {},
) {
  const margin = { top: 18, right: 8, bottom: 40, left: 48 };
  const x = d3
    .scaleBand(
      data.map((d) => d.label),
      [margin.left, width - margin.right],
    )
    .padding(0.2);
  const y = d3.scaleLinear([0, d3.max(data, (d) => d.value) || 1], [height - margin.bottom, margin.top]).nice();
  const svg = svgFrame({
    width,
    height,
    title,
    description: data.map((d) => `${d.label}: ${format(d.value)}`).join("; "),
  });
  gridAxisY(svg, d3.axisLeft(y).ticks(4).tickFormat(d3.format("~s")), {
    x: margin.left,
    length: width - margin.left - margin.right,
  });
  svg
    .append("g")
    .attr("transform", `translate(0,${height - margin.bottom})`)
    .call(d3.axisBottom(x).tickSizeOuter(0));
  const g = svg.append("g").selectAll("g").data(data).join("g");
  g.append("rect")
    .attr("x", (d) => x(d.label))
    .attr("width", x.bandwidth())
    .attr("y", (d) => y(d.value))
    .attr("height", (d) => y(0) - y(d.value))
    .attr("fill", (d) => d.color ?? color)
    .append("title")
    .text((d) => d.tooltip ?? `${d.label}: ${format(d.value)}`);
  if (x.bandwidth() > 18)
    g.append("text")
      .attr("x", (d) => x(d.label) + x.bandwidth() / 2)
      .attr("y", (d) => y(d.value) - 4)
      .attr("text-anchor", "middle")
      .attr("class", "muted")
      .style("font-size", "10px")
      .text((d) => format(d.value));
  if (xLabel) axisTitle(svg, xLabel, { x: width - margin.right, y: height - 6, anchor: "end" });
  if (yLabel) axisTitle(svg, yLabel, { x: 4, y: 10 });
  return figure(svg.node(), caption);
}
