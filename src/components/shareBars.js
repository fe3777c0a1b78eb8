/** Customer share vs revenue share per segment: paired horizontal bars (outline = customers, filled = revenue). */
import * as d3 from "d3";
import { figure, labelLines, svgFrame } from "./chart.js";
import { axisTitle, gridAxisX, legend } from "./axes.js";
import { segmentColor } from "./colors.js";
import { pct } from "./format.js";

/**
 * @param {{name: string, customer_share: number, revenue_share: number}[]} data one row per segment
 * @param {{width?: number, color?: (name: string) => string, caption?: string}} options
 * @returns {HTMLElement}
 */
export function shareBars(data, { width = 640, color = segmentColor, caption } = {}) {
  const rows = data.map((d) => ({ ...d }));
  const margin = { top: 8, right: 56, bottom: 36, left: Math.min(200, Math.max(110, width * 0.28)) };
  const band = 34;
  const height = margin.top + margin.bottom + rows.length * band;
  const max = d3.max(rows, (d) => Math.max(d.customer_share, d.revenue_share)) || 1;
  const x = d3.scaleLinear([0, Math.min(1, max * 1.08)], [margin.left, width - margin.right]).nice();
  const y = d3
    .scaleBand(
      rows.map((d) => d.name),
      [margin.top, height - margin.bottom],
    )
    .padding(0.18);
  const inner = d3.scaleBand(["customers", "revenue"], [0, y.bandwidth()]).padding(0.08);
  const svg = svgFrame({
    width,
    height,
    title: "Share of customers and share of revenue by segment",
    description: rows
      .map((d) => `${d.name}: ${pct(d.customer_share)} of customers, ${pct(d.revenue_share)} of revenue`)
      .join("; "),
  });
  gridAxisX(svg, d3.axisBottom(x).ticks(width / 90, "%"), {
    y: height - margin.bottom,
    length: height - margin.top - margin.bottom,
  });
  axisTitle(svg, "Share of all customers / of all revenue →", {
    x: width - margin.right,
    y: height - 4,
    anchor: "end",
  });
  const g = svg
    .append("g")
    .selectAll("g")
    .data(rows)
    .join("g")
    .attr("transform", (d) => `translate(0,${y(d.name)})`);
  g.append("text")
    .attr("x", margin.left - 8)
    .attr("y", y.bandwidth() / 2)
    .attr("dy", "0.32em")
    .attr("text-anchor", "end")
    .each(function (d) {
      labelLines(d3.select(this), d.name, Math.round(margin.left / 6.5), y.step());
    });
  for (const key of ["customers", "revenue"]) {
    const value = (d) => (key === "customers" ? d.customer_share : d.revenue_share);
    const bar = g
      .append("rect")
      .attr("x", x(0))
      .attr("y", inner(key))
      .attr("height", inner.bandwidth())
      .attr("width", (d) => Math.max(0, x(value(d)) - x(0)))
      .attr("fill", (d) => (key === "revenue" ? color(d.name) : "none"))
      .attr("stroke", (d) => color(d.name))
      .attr("stroke-width", key === "customers" ? 1.5 : 0);
    bar.append("title").text((d) => `${d.name}\n${pct(value(d))} of ${key}`);
    g.append("text")
      .attr("x", (d) => x(value(d)) + 4)
      .attr("y", inner(key) + inner.bandwidth() / 2)
      .attr("dy", "0.32em")
      .attr("class", "muted")
      .style("font-size", "10px")
      .text((d) => pct(value(d)));
  }
  return figure(
    [
      legend([
        { label: "share of customers", color: "currentColor", shape: "outline" },
        { label: "share of revenue", color: "var(--theme-foreground-muted)" },
      ]),
      svg.node(),
    ],
    caption,
  );
}
