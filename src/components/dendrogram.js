/** The top of a hierarchical clustering's tree (Ward): merges as elbows, leaves labelled by their segment. */
import * as d3 from "d3";
import { figure, svgFrame, truncate } from "./chart.js";

/**
 * @param {{nodes: {id: number, height: number, size: number, children: number[]}[], leaves: {id: number,
 *   ward_group: number, segment: string, segment_share: number}[]}} data nodes root first; a leaf has no children
 * @param {{width?: number, title: string, caption?: string, format?: (x: number) => string}} options
 * @returns {HTMLElement}
 */
export function dendrogram({ nodes, leaves }, { width = 640, title, caption, format = d3.format(",d") } = {}) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const leafInfo = new Map(leaves.map((l) => [l.id, l]));
  const root = d3.hierarchy(nodes[0], (n) => n.children.map((id) => byId.get(id)));
  const count = root.leaves().length;
  const rowHeight = 26;
  const margin = { top: 8, right: 12, bottom: 34, left: Math.min(300, Math.max(160, width * 0.42)) };
  const height = margin.top + margin.bottom + count * rowHeight;
  const x = d3
    .scaleLinear()
    .domain([0, nodes[0].height || 1])
    .range([margin.left, width - margin.right]);
  let row = 0;
  root.eachAfter((d) => {
    d.y0 = d.children ? d3.mean(d.children, (c) => c.y0) : margin.top + (row++ + 0.5) * rowHeight;
  });
  const svg = svgFrame({ width, height, title });
  svg
    .append("g")
    .attr("fill", "none")
    .attr("stroke", "currentColor")
    .attr("stroke-opacity", 0.7)
    .selectAll("path")
    .data(root.links())
    .join("path")
    .attr("d", (l) => `M${x(l.source.data.height)},${l.source.y0}V${l.target.y0}H${x(l.target.data.height)}`)
    .append("title")
    .text(
      (l) => `${format(l.target.data.size)} customers, joined at height ${d3.format(",.2f")(l.source.data.height)}`,
    );
  const leafG = svg
    .append("g")
    .selectAll("g")
    .data(root.leaves())
    .join("g")
    .attr("transform", (d) => `translate(${margin.left - 6},${d.y0})`);
  leafG
    .append("text")
    .attr("text-anchor", "end")
    .attr("dy", "0.32em")
    .attr("font-size", 11)
    .text((d) => {
      const info = leafInfo.get(d.data.id);
      return info
        ? `${truncate(info.segment, 24)} ${Math.round(info.segment_share * 100)}% · W${info.ward_group + 1} · ${format(d.data.size)}`
        : format(d.data.size);
    })
    .append("title")
    .text((d) => {
      const info = leafInfo.get(d.data.id);
      return info
        ? `${format(d.data.size)} customers; Ward cluster ${info.ward_group + 1}; ${Math.round(info.segment_share * 100)}% in ${info.segment}`
        : "";
    });
  svg
    .append("g")
    .attr("transform", `translate(0,${height - margin.bottom})`)
    .call(d3.axisBottom(x).ticks(Math.max(2, Math.floor((width - margin.left) / 80))))
    .call((g) =>
      g
        .append("text")
        .attr("x", width - margin.right)
        .attr("y", 28)
        .attr("fill", "currentColor")
        .attr("text-anchor", "end")
        .text("Ward merge height →"),
    );
  return figure(svg.node(), caption);
}
