/** A matrix heatmap (rows x columns) with a sequential or diverging colour scale and the value in each cell. */
import * as d3 from "d3";
import { figure, labelLines, svgFrame, truncate } from "./chart.js";
import { axisTitle } from "./axes.js";
import { textOn } from "./colors.js";

let gradients = 0;

/**
 * @param {{rows: string[], columns: string[], values: (number|null)[][], tooltips?: string[][]}} data values[row][column]
 * @param {{width?: number, title: string, scheme?: "sequential" | "diverging", format?: (x: number) => string,
 *   xLabel?: string, yLabel?: string, cellHeight?: number, rowColor?: (row: string) => string, caption?: string,
 *   domain?: [number, number], legendLabel?: string, showValues?: boolean}} options
 * @returns {HTMLElement}
 */
export function heatmap(
  { rows, columns, values, tooltips },
  {
    width = 640,
    title,
    scheme = "sequential",
    format = d3.format(",.2~f"),
    xLabel = "",
    yLabel = "",
    cellHeight = 30,
    rowColor,
    caption,
    domain,
    legendLabel = "",
    showValues = true,
  } = {},
) {
  const longest = d3.max(rows, (r) => String(r).length) ?? 8;
  const longestColumn = Math.min(18, d3.max(columns, (c) => String(c).length) ?? 4);
  const left = Math.min(220, width * 0.34, 16 + Math.max(40, longest * 6.6)) + (rowColor ? 14 : 0);
  // column labels turn when they do not fit their column
  const rotate = (width - left - 12) / Math.max(1, columns.length) < longestColumn * 6.4 + 6;
  const margin = {
    top: rotate ? Math.round(16 + longestColumn * 6.4 * 0.643) : 24,
    // a turned label runs up and to the right of its column
    right: rotate ? Math.round(Math.max(12, longestColumn * 6.4 * 0.766 - 10)) : 12,
    bottom: 40,
    left,
  };
  const height = margin.top + margin.bottom + rows.length * cellHeight;
  const x = d3.scaleBand(columns.map(String), [margin.left, width - margin.right]).padding(0.04);
  const y = d3.scaleBand(rows.map(String), [margin.top, height - margin.bottom]).padding(0.06);
  const flat = values.flat().filter((v) => v != null && Number.isFinite(v));
  let color;
  if (scheme === "diverging") {
    const m = domain ? Math.max(Math.abs(domain[0]), Math.abs(domain[1])) : d3.max(flat, Math.abs) || 1;
    color = d3.scaleDiverging([-m, 0, m], (t) => d3.interpolateRdBu(1 - t));
  } else {
    color = d3.scaleSequential(domain ?? [0, d3.max(flat) || 1], d3.interpolateBlues);
  }
  const svg = svgFrame({ width, height, title, description: `${rows.length} rows by ${columns.length} columns` });
  svg
    .append("g")
    .selectAll("text")
    .data(columns)
    .join("text")
    .attr(
      "transform",
      (c) => `translate(${x(String(c)) + x.bandwidth() / 2},${margin.top - 6})${rotate ? " rotate(-40)" : ""}`,
    )
    .attr("text-anchor", rotate ? "start" : "middle")
    .text((c) => truncate(c, rotate ? 16 : Math.max(4, Math.floor(x.bandwidth() / 6.2))))
    .append("title")
    .text((c) => String(c));
  const rowG = svg.append("g").selectAll("g").data(rows).join("g");
  rowG
    .append("text")
    .attr("x", margin.left - 6)
    .attr("y", (r) => y(String(r)) + y.bandwidth() / 2)
    .attr("dy", "0.32em")
    .attr("text-anchor", "end")
    .each(function (r) {
      labelLines(d3.select(this), r, Math.floor((margin.left - (rowColor ? 20 : 8)) / 6.4), y.step());
    });
  if (rowColor)
    rowG
      .append("rect")
      .attr("x", 2)
      .attr("y", (r) => y(String(r)) + y.bandwidth() / 2 - 5)
      .attr("width", 10)
      .attr("height", 10)
      .attr("rx", 2)
      .attr("fill", (r) => rowColor(r));
  const cells = [];
  rows.forEach((r, i) => columns.forEach((c, j) => cells.push({ r, c, i, j, v: values[i][j] })));
  const g = svg.append("g").selectAll("g").data(cells).join("g");
  g.append("rect")
    .attr("x", (d) => x(String(d.c)))
    .attr("y", (d) => y(String(d.r)))
    .attr("width", x.bandwidth())
    .attr("height", y.bandwidth())
    .attr("rx", 2)
    .attr("fill", (d) => (d.v == null || !Number.isFinite(d.v) ? "var(--theme-background-alt)" : color(d.v)))
    .append("title")
    .text((d) => tooltips?.[d.i]?.[d.j] ?? `${d.r} × ${d.c}: ${d.v == null ? "no data" : format(d.v)}`);
  if (showValues && x.bandwidth() >= 26 && y.bandwidth() >= 14)
    g.append("text")
      .attr("x", (d) => x(String(d.c)) + x.bandwidth() / 2)
      .attr("y", (d) => y(String(d.r)) + y.bandwidth() / 2)
      .attr("dy", "0.32em")
      .attr("text-anchor", "middle")
      .style("font-size", x.bandwidth() < 40 ? "9px" : "11px")
      .style("pointer-events", "none")
      .attr("fill", (d) => (d.v == null || !Number.isFinite(d.v) ? "currentColor" : textOn(color(d.v))))
      .style("fill", (d) => (d.v == null || !Number.isFinite(d.v) ? null : textOn(color(d.v))))
      .text((d) => (d.v == null || !Number.isFinite(d.v) ? "–" : format(d.v)));
  if (xLabel) axisTitle(svg, xLabel, { x: margin.left, y: height - 6 });
  if (yLabel) axisTitle(svg, yLabel, { x: 0, y: 12 });
  // colour legend
  const lw = Math.min(220, width / 3);
  const lx = width - margin.right - lw;
  const defs = svg.append("defs");
  const id = `heatmap-gradient-${++gradients}`;
  const grad = defs.append("linearGradient").attr("id", id);
  const [d0, d1] = scheme === "diverging" ? [color.domain()[0], color.domain()[2]] : color.domain();
  d3.range(0, 1.0001, 0.1).forEach((t) =>
    grad
      .append("stop")
      .attr("offset", t)
      .attr("stop-color", color(d0 + t * (d1 - d0))),
  );
  const ly = height - 30;
  svg.append("rect").attr("x", lx).attr("y", ly).attr("width", lw).attr("height", 8).attr("fill", `url(#${id})`);
  svg
    .append("text")
    .attr("x", lx)
    .attr("y", ly + 19)
    .attr("class", "muted")
    .style("font-size", "10px")
    .text(format(d0));
  svg
    .append("text")
    .attr("x", lx + lw)
    .attr("y", ly + 19)
    .attr("text-anchor", "end")
    .attr("class", "muted")
    .style("font-size", "10px")
    .text(format(d1));
  if (legendLabel)
    svg
      .append("text")
      .attr("x", lx - 6)
      .attr("y", ly + 8)
      .attr("text-anchor", "end")
      .attr("class", "muted")
      .style("font-size", "10px")
      .text(legendLabel);
  return figure(svg.node(), caption);
}
