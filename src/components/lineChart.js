/** Lines over a numeric or time x axis (monthly revenue by segment, metrics against k), with an optional marked x. */
import * as d3 from "d3";
import { figure, svgFrame } from "./chart.js";
import { axisTitle, gridAxisY, legend } from "./axes.js";
import { segmentColor } from "./colors.js";

/**
 * @param {{name: string, values: {x: number|Date, y: number}[]}[]} series
 * @param {{width?: number, height?: number, title: string, xLabel: string, yLabel: string, time?: boolean,
 *   yFormat?: (y: number) => string, xFormat?: (x: any) => string, color?: (name: string) => string,
 *   mark?: {x: number|Date, label: string}, zero?: boolean, showLegend?: boolean, caption?: string, xTicks?: any[]}} options
 * @returns {HTMLElement}
 */
export function lineChart(
  series,
  {
    width = 640,
    height = 280,
    title,
    xLabel,
    yLabel,
    time = false,
    yFormat = d3.format(",.2~f"),
    xFormat,
    color = segmentColor,
    mark,
    zero = true,
    showLegend = true,
    caption,
    xTicks,
  } = {},
) {
  const margin = { top: 16, right: 20, bottom: 40, left: 58 };
  const all = series.flatMap((s) => s.values);
  const xExtent = d3.extent(all, (d) => d.x);
  const x = (time ? d3.scaleUtc() : d3.scaleLinear()).domain(xExtent).range([margin.left, width - margin.right]);
  const [y0, y1] = d3.extent(all, (d) => d.y);
  const y = d3.scaleLinear([zero ? Math.min(0, y0 ?? 0) : y0, y1 ?? 1], [height - margin.bottom, margin.top]).nice();
  const fx = xFormat ?? (time ? d3.utcFormat("%b %Y") : d3.format("~d"));
  const svg = svgFrame({
    width,
    height,
    title,
    description: series
      .map((s) => `${s.name}: ${s.values.map((d) => `${fx(d.x)} ${yFormat(d.y)}`).join(", ")}`)
      .join("; "),
  });
  const xAxis = d3.axisBottom(x).tickFormat(fx).tickSizeOuter(0);
  if (xTicks) xAxis.tickValues(xTicks);
  else xAxis.ticks(Math.max(2, Math.floor(width / 90)));
  svg
    .append("g")
    .attr("transform", `translate(0,${height - margin.bottom})`)
    .call(xAxis);
  gridAxisY(
    svg,
    d3
      .axisLeft(y)
      .ticks(height / 50)
      .tickFormat(yFormat),
    { x: margin.left, length: width - margin.left - margin.right },
  );
  axisTitle(svg, xLabel, { x: width - margin.right, y: height - 6, anchor: "end" });
  axisTitle(svg, yLabel, { x: 4, y: 10 });
  if (mark) {
    svg
      .append("line")
      .attr("x1", x(mark.x))
      .attr("x2", x(mark.x))
      .attr("y1", margin.top)
      .attr("y2", height - margin.bottom)
      .attr("stroke", "var(--report-negative)")
      .attr("stroke-dasharray", "4 3")
      .attr("stroke-width", 1.5);
    svg
      .append("text")
      .attr("x", x(mark.x) + 5)
      .attr("y", margin.top + 10)
      .style("fill", "var(--report-negative)")
      .style("font-weight", 600)
      .text(mark.label);
  }
  // a point with `partial: true` (a month the period only partly covers) is drawn hollow, the line to it dashed
  const line = d3
    .line()
    .x((d) => x(d.x))
    .y((d) => y(d.y));
  const solid = d3
    .line()
    .defined((d) => !d.partial)
    .x((d) => x(d.x))
    .y((d) => y(d.y));
  const g = svg.append("g").selectAll("g").data(series).join("g");
  g.filter((s) => s.values.some((d) => d.partial))
    .append("path")
    .attr("d", (s) => line(s.values))
    .attr("fill", "none")
    .attr("stroke", (s) => color(s.name))
    .attr("stroke-width", 1.5)
    .attr("stroke-dasharray", "4 3");
  g.append("path")
    .attr("d", (s) => solid(s.values))
    .attr("fill", "none")
    .attr("stroke", (s) => color(s.name))
    .attr("stroke-width", 2)
    .append("title")
    .text((s) => s.name);
  g.selectAll("circle")
    .data((s) => s.values.map((d) => ({ ...d, s })))
    .join("circle")
    .attr("cx", (d) => x(d.x))
    .attr("cy", (d) => y(d.y))
    .attr("r", 3)
    .attr("fill", (d) => (d.partial ? "var(--theme-background)" : color(d.s.name)))
    .attr("stroke", (d) => (d.partial ? color(d.s.name) : null))
    .attr("stroke-width", (d) => (d.partial ? 1.5 : null))
    .append("title")
    .text((d) => `${d.s.name}\n${fx(d.x)}: ${yFormat(d.y)}`);
  const nodes = [svg.node()];
  if (showLegend && series.length > 1)
    nodes.unshift(legend(series.map((s) => ({ label: s.name, color: color(s.name), shape: "line" }))));
  return figure(nodes, caption);
}
