/** The cleaning account as bars: lines (or rows) read, set aside per reason, kept. */
import * as d3 from "d3";
import { figure, svgFrame, labelLines } from "./chart.js";
import { int, pct } from "./format.js";

/**
 * @param {{rows_in: number, rows_kept: number, dropped: Record<string, number>}} account
 * @param {{width?: number, caption?: string, labels?: Record<string, string>, unit?: string}} options labels: reason ->
 *   wording; unit: what the input's records are ("lines", the default; "rows" for a customer-level table)
 * @returns {HTMLElement}
 */
export function cleaningChart(
  { rows_in, rows_kept, dropped },
  { width = 640, caption, labels = {}, unit = "lines" } = {},
) {
  const Unit = unit[0].toUpperCase() + unit.slice(1);
  const reasons = Object.entries(dropped).filter(([, n]) => n > 0);
  const rows = [
    { label: `${Unit} read`, value: rows_in, kind: "in" },
    ...reasons.map(([reason, n]) => ({
      label: `− ${labels[reason] ?? reason.replace(/_/g, " ")}`,
      value: n,
      kind: "drop",
    })),
    { label: `${Unit} analysed`, value: rows_kept, kind: "kept" },
  ];
  const margin = { top: 6, right: 110, bottom: 24, left: Math.min(230, Math.max(140, width * 0.3)) };
  const band = 26;
  const height = margin.top + margin.bottom + rows.length * band;
  const x = d3.scaleLinear([0, rows_in || 1], [margin.left, width - margin.right]);
  const y = d3
    .scaleBand(
      rows.map((r) => r.label),
      [margin.top, height - margin.bottom],
    )
    .padding(0.2);
  const fill = { in: "var(--theme-foreground-faint)", drop: "var(--report-negative)", kept: "var(--report-positive)" };
  const svg = svgFrame({
    width,
    height,
    title: `Cleaning account: input ${unit}, ${unit} set aside by reason, ${unit} analysed`,
    description: rows.map((r) => `${r.label}: ${int(r.value)}`).join("; "),
  });
  const g = svg
    .append("g")
    .selectAll("g")
    .data(rows)
    .join("g")
    .attr("transform", (r) => `translate(0,${y(r.label)})`);
  g.append("text")
    .attr("x", margin.left - 8)
    .attr("y", y.bandwidth() / 2)
    .attr("dy", "0.32em")
    .attr("text-anchor", "end")
    .each(function (r) {
      labelLines(d3.select(this), r.label, Math.floor(margin.left / 6.2), y.step());
    });
  g.append("rect")
    .attr("x", x(0))
    .attr("height", y.bandwidth())
    .attr("width", (r) => Math.max(1, x(r.value) - x(0)))
    .attr("fill", (r) => fill[r.kind])
    .attr("rx", 2)
    .append("title")
    .text((r) => `${r.label}: ${int(r.value)} ${unit} (${pct(r.value / (rows_in || 1))} of input)`);
  g.append("text")
    .attr("x", (r) => x(r.value) + 6)
    .attr("y", y.bandwidth() / 2)
    .attr("dy", "0.32em")
    .attr("class", "muted")
    .text((r) => `${int(r.value)} (${pct(r.value / (rows_in || 1))})`);
  return figure(svg.node(), caption);
}
