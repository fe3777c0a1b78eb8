/** What-if results: one horizontal bar per lever with its extra revenue, and the total. */
import * as d3 from "d3";
import { figure, svgFrame } from "./chart.js";
import { gridAxisX } from "./axes.js";
import { money, moneyAxis } from "./format.js";

/**
 * @param {{label: string, value: number, detail?: string}[]} levers
 * @param {{width?: number, currency?: string, caption?: string}} options
 * @returns {HTMLElement}
 */
export function impactBars(levers, { width = 640, currency = "£", caption } = {}) {
  const fmt = money(currency);
  const rows = [...levers, { label: "Total", value: d3.sum(levers, (d) => d.value), total: true }];
  const margin = { top: 6, right: 90, bottom: 30, left: Math.min(260, Math.max(150, width * 0.35)) };
  const band = 32;
  const height = margin.top + margin.bottom + rows.length * band;
  const max = d3.max(rows, (d) => Math.abs(d.value)) || 1;
  const x = d3.scaleLinear([0, max], [margin.left, width - margin.right]).nice();
  const y = d3
    .scaleBand(
      rows.map((d) => d.label),
      [margin.top, height - margin.bottom],
    )
    .padding(0.22);
  const svg = svgFrame({
    width,
    height,
    title: "Extra annual revenue per lever",
    description: rows.map((d) => `${d.label}: ${fmt(d.value)}`).join("; "),
  });
  gridAxisX(
    svg,
    d3
      .axisBottom(x)
      .ticks(width / 110)
      .tickFormat(moneyAxis(currency)),
    { y: height - margin.bottom, length: height - margin.top - margin.bottom },
  );
  const g = svg
    .append("g")
    .selectAll("g")
    .data(rows)
    .join("g")
    .attr("transform", (d) => `translate(0,${y(d.label)})`);
  g.append("text")
    .attr("x", margin.left - 8)
    .attr("y", y.bandwidth() / 2)
    .attr("dy", "0.32em")
    .attr("text-anchor", "end")
    .style("font-weight", (d) => (d.total ? 700 : 400))
    .text((d) => d.label);
  g.append("rect")
    .attr("x", x(0))
    .attr("height", y.bandwidth())
    .attr("width", (d) => Math.max(0, x(Math.abs(d.value)) - x(0)))
    .attr("rx", 2)
    .attr("fill", (d) => (d.total ? "var(--report-accent)" : "var(--report-positive)"))
    .append("title")
    .text((d) => `${d.label}: ${fmt(d.value)}${d.detail ? `\n${d.detail}` : ""}`);
  g.append("text")
    .attr("x", (d) => x(Math.abs(d.value)) + 6)
    .attr("y", y.bandwidth() / 2)
    .attr("dy", "0.32em")
    .style("font-weight", (d) => (d.total ? 700 : 400))
    .text((d) => `+${fmt(d.value)}`);
  return figure(svg.node(), caption);
}
