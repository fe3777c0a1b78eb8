/** Segment profiles across features on a common standardised scale (parallel coordinates, one line per segment). */
import * as d3 from "d3";
import { figure, svgFrame } from "./chart.js";
import { axisTitle, gridAxisY, legend } from "./axes.js";
import { segmentColor } from "./colors.js";
import { num2 } from "./format.js";

/**
 * @param {{features: string[], series: {name: string, values: number[]}[]}} data values: standardised
 *   (z-score) feature means per segment, in the order of `features`
 * @param {{width?: number, height?: number, color?: (name: string) => string, caption?: string}} options
 * @returns {HTMLElement}
 */
export function parallelCoords(
  { features, series },
  { width = 640, height = 320, color = segmentColor, caption } = {},
) {
  // labels turn when the axes are too close for them to sit side by side
  const spacing = (width - 82) / Math.max(1, features.length - 1);
  const longest = d3.max(features, (f) => f.length) ?? 8;
  const turn = spacing < longest * 6.2;
  const margin = {
    top: turn ? Math.round(20 + Math.min(longest, 20) * 6.2 * 0.5) : 28,
    right: turn ? 40 : 24,
    bottom: 36,
    left: 48,
  };
  const x = d3.scalePoint(features, [margin.left + 10, width - margin.right - 10]);
  const m = Math.max(1, d3.max(series, (s) => d3.max(s.values, Math.abs)) ?? 1);
  const y = d3.scaleLinear([-m, m], [height - margin.bottom, margin.top]).nice();
  const svg = svgFrame({
    width,
    height,
    title: "Segment profiles: standardised feature means (0 = the average customer)",
    description: series
      .map((s) => `${s.name}: ${features.map((f, i) => `${f} ${num2(s.values[i])}`).join(", ")}`)
      .join("; "),
  });
  gridAxisY(svg, d3.axisLeft(y).ticks(6), { x: margin.left, length: width - margin.left - margin.right });
  svg
    .append("line")
    .attr("x1", margin.left)
    .attr("x2", width - margin.right)
    .attr("y1", y(0))
    .attr("y2", y(0))
    .attr("stroke", "currentColor")
    .attr("stroke-opacity", 0.5);
  svg
    .append("g")
    .selectAll("line")
    .data(features)
    .join("line")
    .attr("x1", (f) => x(f))
    .attr("x2", (f) => x(f))
    .attr("y1", margin.top)
    .attr("y2", height - margin.bottom)
    .attr("stroke", "currentColor")
    .attr("stroke-opacity", 0.3);
  svg
    .append("g")
    .selectAll("text")
    .data(features)
    .join("text")
    .attr("transform", (f) => `translate(${x(f)},${margin.top - 10})${turn ? " rotate(-30)" : ""}`)
    .attr("text-anchor", turn ? "start" : "middle")
    .style("font-weight", 600)
    .text((f) => f.replace(/_/g, " "));
  axisTitle(svg, "Standard deviations from the mean →", { x: 12, y: margin.top, rotate: true, anchor: "end" });
  const line = d3
    .line()
    .x((_, i) => x(features[i]))
    .y((v) => y(v));
  const g = svg.append("g").selectAll("g").data(series).join("g");
  g.append("path")
    .attr("d", (s) => line(s.values))
    .attr("fill", "none")
    .attr("stroke", (s) => color(s.name))
    .attr("stroke-width", 2.5)
    .append("title")
    .text((s) => s.name);
  g.selectAll("circle")
    .data((s) => s.values.map((v, i) => ({ s, v, f: features[i] })))
    .join("circle")
    .attr("cx", (d) => x(d.f))
    .attr("cy", (d) => y(d.v))
    .attr("r", 4)
    .attr("fill", (d) => color(d.s.name))
    .append("title")
    .text((d) => `${d.s.name}\n${d.f.replace(/_/g, " ")}: ${num2(d.v)} sd`);
  return figure(
    [legend(series.map((s) => ({ label: s.name, color: color(s.name), shape: "line" }))), svg.node()],
    caption,
  );
}
