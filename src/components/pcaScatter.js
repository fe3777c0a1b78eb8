/** Customers on the first two principal components of the clustering features, coloured by segment. */
import * as d3 from "d3";
import { figure, svgFrame } from "./chart.js";
import { axisTitle, gridAxisX, gridAxisY, legend } from "./axes.js";
import { segmentColor } from "./colors.js";
import { int, pct } from "./format.js";

/**
 * @param {{points: [number, number][], labels: number[], names: string[], explained: number[]}} data
 *   points: PC1/PC2 per (sampled) customer; labels: index into names per point
 * @param {{width?: number, height?: number, color?: (name: string) => string, caption?: string}} options
 * @returns {HTMLElement}
 */
export function pcaScatter(
  { points, labels, names, explained },
  { width = 640, height, color = segmentColor, caption } = {},
) {
  height = height ?? Math.round(Math.min(520, Math.max(320, width * 0.62)));
  const margin = { top: 12, right: 16, bottom: 42, left: 52 };
  const x = d3
    .scaleLinear(
      d3.extent(points, (p) => p[0]),
      [margin.left, width - margin.right],
    )
    .nice();
  const y = d3
    .scaleLinear(
      d3.extent(points, (p) => p[1]),
      [height - margin.bottom, margin.top],
    )
    .nice();
  const counts = names.map(() => 0);
  for (const l of labels) counts[l]++;
  const svg = svgFrame({
    width,
    height,
    title: `Customers on the first two principal components (${int(points.length)} shown), coloured by segment`,
    description: names.map((n, i) => `${n}: ${int(counts[i])} points`).join("; "),
  });
  gridAxisX(svg, d3.axisBottom(x).ticks(width / 80), {
    y: height - margin.bottom,
    length: height - margin.top - margin.bottom,
  });
  gridAxisY(svg, d3.axisLeft(y).ticks(height / 60), { x: margin.left, length: width - margin.left - margin.right });
  axisTitle(svg, `PC1 (${pct(explained[0] ?? 0)} of variance) →`, {
    x: width - margin.right,
    y: height - 6,
    anchor: "end",
  });
  axisTitle(svg, `PC2 (${pct(explained[1] ?? 0)} of variance) →`, {
    x: 12,
    y: margin.top,
    rotate: true,
    anchor: "end",
  });
  // draw the largest segments first so small ones stay visible
  const order = d3.range(points.length).sort((a, b) => counts[labels[b]] - counts[labels[a]] || a - b);
  svg
    .append("g")
    .attr("fill-opacity", 0.7)
    .selectAll("circle")
    .data(order)
    .join("circle")
    .attr("cx", (i) => x(points[i][0]))
    .attr("cy", (i) => y(points[i][1]))
    .attr("r", points.length > 2500 ? 2 : 2.8)
    .attr("fill", (i) => color(names[labels[i]]))
    .append("title")
    .text((i) => names[labels[i]]);
  return figure(
    [legend(names.map((n, i) => ({ label: `${n} (${int(counts[i])})`, color: color(n) }))), svg.node()],
    caption,
  );
}
