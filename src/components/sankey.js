/** Segment migration as a Sankey diagram (d3-sankey): earlier segments on the left, today's on the right. */
import * as d3 from "d3";
import { sankey, sankeyLinkHorizontal } from "d3-sankey";
import { figure, svgFrame, truncate } from "./chart.js";
import { segmentColor } from "./colors.js";

/**
 * @param {{from: string, to: string, customers: number}[]} flows
 * @param {{width?: number, title: string, fromLabel: string, toLabel: string, caption?: string,
 *   color?: (name: string) => string}} options
 * @returns {HTMLElement}
 */
export function sankeyChart(flows, { width = 640, title, fromLabel, toLabel, caption, color = segmentColor } = {}) {
  const live = flows.filter((f) => f.customers > 0);
  const left = [...new Set(live.map((f) => f.from))];
  const right = [...new Set(live.map((f) => f.to))];
  const nodes = [
    ...left.map((name) => ({ id: `from:${name}`, name })),
    ...right.map((name) => ({ id: `to:${name}`, name })),
  ];
  const links = live.map((f) => ({ source: `from:${f.from}`, target: `to:${f.to}`, value: f.customers, flow: f }));
  const height = Math.max(240, 28 * Math.max(left.length, right.length) + 60);
  // the labels beside the nodes take up to 170 px a side, less on a narrow screen (their text is cut to fit)
  const side = Math.min(170, Math.floor(width * 0.3));
  const margin = { top: 28, right: side, bottom: 8, left: side };
  const chars = Math.max(8, Math.floor((side - 8) / 6.2) - 8);
  const svg = svgFrame({
    width,
    height,
    title,
    description: live.map((f) => `${f.from} to ${f.to}: ${f.customers} customers`).join("; "),
  });
  if (!live.length) return figure([svg.node()], caption);
  const layout = sankey()
    .nodeId((d) => d.id)
    .nodeWidth(12)
    .nodePadding(10)
    .nodeSort(null)
    .extent([
      [margin.left, margin.top],
      [Math.max(margin.left + 40, width - margin.right), height - margin.bottom],
    ]);
  const graph = layout({ nodes: nodes.map((d) => ({ ...d })), links: links.map((d) => ({ ...d })) });
  svg
    .append("g")
    .attr("fill", "none")
    .selectAll("path")
    .data(graph.links)
    .join("path")
    .attr("d", sankeyLinkHorizontal())
    .attr("stroke", (d) => color(d.source.name))
    .attr("stroke-opacity", 0.45)
    .attr("stroke-width", (d) => Math.max(1, d.width))
    .append("title")
    .text((d) => `${d.source.name} → ${d.target.name}: ${d3.format(",")(d.value)} customers`);
  svg
    .append("g")
    .selectAll("rect")
    .data(graph.nodes)
    .join("rect")
    .attr("x", (d) => d.x0)
    .attr("y", (d) => d.y0)
    .attr("width", (d) => d.x1 - d.x0)
    .attr("height", (d) => Math.max(1, d.y1 - d.y0))
    .attr("fill", (d) => color(d.name))
    .append("title")
    .text((d) => `${d.name}: ${d3.format(",")(d.value)} customers`);
  svg
    .append("g")
    .attr("font-size", 11)
    .selectAll("text")
    .data(graph.nodes)
    .join("text")
    .attr("x", (d) => (d.id.startsWith("from:") ? d.x0 - 6 : d.x1 + 6))
    .attr("y", (d) => (d.y0 + d.y1) / 2)
    .attr("dy", "0.35em")
    .attr("text-anchor", (d) => (d.id.startsWith("from:") ? "end" : "start"))
    .text((d) => `${truncate(d.name, Math.min(24, chars))} (${d3.format(",")(d.value)})`);
  const heads = svg.append("g").attr("font-size", 12).attr("font-weight", 600);
  heads.append("text").attr("x", margin.left).attr("y", 16).attr("text-anchor", "end").text(fromLabel);
  heads
    .append("text")
    .attr("x", width - margin.right)
    .attr("y", 16)
    .text(toLabel);
  return figure([svg.node()], caption);
}
