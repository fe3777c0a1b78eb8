/** A treemap of segments sized by customers (or any value), labelled with name and shares. */
import * as d3 from "d3";
import { figure, svgFrame } from "./chart.js";
import { rfmColor, textOn } from "./colors.js";
import { int, pct } from "./format.js";

/**
 * @param {{name: string, value: number, detail?: string}[]} data detail: an extra tooltip line (e.g. revenue share)
 * @param {{width?: number, height?: number, color?: (name: string) => string, unit?: string, caption?: string}} options
 * @returns {HTMLElement}
 */
export function treemap(data, { width = 640, height = 380, color = rfmColor, unit = "customers", caption } = {}) {
  const items = data.filter((d) => d.value > 0);
  const total = d3.sum(items, (d) => d.value) || 1;
  const root = d3
    .hierarchy({ children: items })
    .sum((d) => d.value ?? 0)
    .sort((a, b) => b.value - a.value || d3.ascending(a.data.name, b.data.name));
  d3.treemap().size([width, height]).paddingInner(2).round(true)(root);
  const svg = svgFrame({
    width,
    height,
    title: `Treemap of segments by ${unit}`,
    description: items.map((d) => `${d.name}: ${int(d.value)} ${unit} (${pct(d.value / total)})`).join("; "),
  });
  const leaf = svg
    .append("g")
    .selectAll("g")
    .data(root.leaves())
    .join("g")
    .attr("transform", (d) => `translate(${d.x0},${d.y0})`);
  leaf
    .append("rect")
    .attr("width", (d) => d.x1 - d.x0)
    .attr("height", (d) => d.y1 - d.y0)
    .attr("rx", 3)
    .attr("fill", (d) => color(d.data.name))
    .append("title")
    .text(
      (d) =>
        `${d.data.name}\n${int(d.value)} ${unit} (${pct(d.value / total)})${d.data.detail ? `\n${d.data.detail}` : ""}`,
    );
  let clip = 0;
  leaf.each(function (d) {
    const w = d.x1 - d.x0;
    const h = d.y1 - d.y0;
    if (w < 40 || h < 22) return;
    const id = `treemap-clip-${Math.round(d.x0)}-${Math.round(d.y0)}-${++clip}`;
    const g = d3.select(this);
    g.append("clipPath").attr("id", id).append("rect").attr("width", w).attr("height", h);
    const text = g
      .append("text")
      .attr("clip-path", `url(#${id})`)
      .style("pointer-events", "none")
      .style("fill", textOn(color(d.data.name)));
    text.append("tspan").attr("x", 5).attr("y", 15).style("font-weight", 600).text(d.data.name);
    if (h > 36)
      text
        .append("tspan")
        .attr("x", 5)
        .attr("y", 30)
        .text(`${pct(d.value / total)} · ${int(d.value)}`);
  });
  return figure(svg.node(), caption);
}
