/** 100% stacked horizontal bars: the segment mix of each row (country, region ...), with the row's size. */
import * as d3 from "d3";
import { figure, labelLines, svgFrame } from "./chart.js";
import { axisTitle, gridAxisX, legend } from "./axes.js";
import { segmentColor } from "./colors.js";
import { int, pct } from "./format.js";

/**
 * @param {{label: string, counts: number[]}[]} rows counts per segment, in the order of `segments`
 * @param {string[]} segments
 * @param {{width?: number, title: string, color?: (name: string) => string, caption?: string, unit?: string,
 *   totalFormat?: (x: number) => string}} options totalFormat: how the row total is written at the right
 * @returns {HTMLElement}
 */
export function stackedBars(
  rows,
  segments,
  { width = 640, title, color = segmentColor, caption, unit = "customers", totalFormat = int } = {},
) {
  const margin = { top: 8, right: 70, bottom: 36, left: Math.min(180, Math.max(100, width * 0.22)) };
  const band = 24;
  const height = margin.top + margin.bottom + rows.length * band;
  const x = d3.scaleLinear([0, 1], [margin.left, width - margin.right]);
  const y = d3
    .scaleBand(
      rows.map((r) => r.label),
      [margin.top, height - margin.bottom],
    )
    .padding(0.15);
  const svg = svgFrame({
    width,
    height,
    title,
    description: rows
      .map((r) => {
        const t = d3.sum(r.counts) || 1;
        return `${r.label}: ${segments.map((s, i) => `${s} ${pct(r.counts[i] / t)}`).join(", ")}`;
      })
      .join("; "),
  });
  gridAxisX(svg, d3.axisBottom(x).ticks(5, "%"), {
    y: height - margin.bottom,
    length: height - margin.top - margin.bottom,
  });
  axisTitle(svg, `Share of the row's ${unit} → (right: total ${unit})`, {
    x: width - margin.right,
    y: height - 6,
    anchor: "end",
  });
  const g = svg
    .append("g")
    .selectAll("g")
    .data(rows)
    .join("g")
    .attr("transform", (r) => `translate(0,${y(r.label)})`);
  g.append("text")
    .attr("x", margin.left - 6)
    .attr("y", y.bandwidth() / 2)
    .attr("dy", "0.32em")
    .attr("text-anchor", "end")
    .each(function (r) {
      labelLines(d3.select(this), r.label, Math.round(margin.left / 6.5), y.step());
    });
  g.append("text")
    .attr("x", width - margin.right + 6)
    .attr("y", y.bandwidth() / 2)
    .attr("dy", "0.32em")
    .attr("class", "muted")
    .text((r) => totalFormat(d3.sum(r.counts)));
  g.each(function (r) {
    const total = d3.sum(r.counts) || 1;
    let acc = 0;
    const parts = segments
      .map((s, i) => {
        const start = acc;
        acc += r.counts[i] / total;
        return { s, start, end: acc, n: r.counts[i] };
      })
      .filter((p) => p.n > 0);
    d3.select(this)
      .selectAll("rect")
      .data(parts)
      .join("rect")
      .attr("x", (p) => x(p.start))
      .attr("width", (p) => Math.max(0, x(p.end) - x(p.start)))
      .attr("height", y.bandwidth())
      .attr("fill", (p) => color(p.s))
      .append("title")
      .text(
        (p) => `${r.label}\n${p.s}: ${totalFormat(p.n)} ${unit === "revenue" ? "" : unit} (${pct(p.end - p.start)})`,
      );
  });
  return figure([legend(segments.map((s) => ({ label: s, color: color(s) }))), svg.node()], caption);
}
