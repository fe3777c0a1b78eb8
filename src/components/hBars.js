/** Horizontal bars for a ranked list (categories, countries, RFM segments), with value labels and, when given, 95% intervals as whiskers. */
import * as d3 from "d3";
import { figure, labelLines, svgFrame } from "./chart.js";
import { axisTitle, gridAxisX } from "./axes.js";
import { pct } from "./format.js";

/**
 * @param {{label: string, value: number, low?: number|null, high?: number|null, color?: string, tooltip?: string}[]} data in display order;
 *   low and high: the value's interval, drawn as a whisker and written after the value
 * @param {{width?: number, title: string, xLabel?: string, format?: (x: number) => string, axisFormat?: (x: number) => string,
 *   color?: string, caption?: string, reference?: {value: number, label: string}}} options reference: a vertical line (e.g. the average)
 * @returns {HTMLElement}
 */
export function hBars(
  data,
  {
    width = 480,
    title,
    xLabel = "",
    format = pct,
    axisFormat,
    color = "var(--report-accent)",
    caption,
    reference,
  } = {},
) {
  axisFormat = axisFormat ?? (format === pct ? d3.format(".0%") : format);
  const hasInterval = (d) => d.low != null && d.high != null && Number.isFinite(d.low) && Number.isFinite(d.high);
  const withIntervals = data.some(hasInterval);
  const valueText = (d) =>
    hasInterval(d) ? `${format(d.value)} (${format(d.low)}–${format(d.high)})` : format(d.value);
  const margin = {
    top: reference ? 18 : 6,
    right: withIntervals ? Math.min(150, 16 + 6 * (d3.max(data, (d) => valueText(d).length) ?? 8)) : 64,
    bottom: xLabel ? 36 : 24,
    left: Math.min(200, Math.max(90, width * 0.34)),
  };
  const band = 24;
  const height = margin.top + margin.bottom + data.length * band;
  const max = d3.max(data, (d) => (hasInterval(d) ? Math.max(d.value, d.high) : d.value)) ?? 0;
  const x = d3.scaleLinear([0, Math.max(max, reference?.value ?? 0) || 1], [margin.left, width - margin.right]).nice();
  const y = d3
    .scaleBand(
      data.map((d, i) => i),
      [margin.top, height - margin.bottom],
    )
    .padding(0.2);
  const svg = svgFrame({
    width,
    height,
    title,
    description: data.map((d) => `${d.label}: ${valueText(d)}`).join("; "),
  });
  gridAxisX(
    svg,
    d3
      .axisBottom(x)
      .ticks(Math.max(2, width / 100))
      .tickFormat(axisFormat),
    { y: height - margin.bottom, length: height - margin.top - margin.bottom },
  );
  if (xLabel) axisTitle(svg, xLabel, { x: width - margin.right, y: height - 4, anchor: "end" });
  const g = svg
    .append("g")
    .selectAll("g")
    .data(data)
    .join("g")
    .attr("transform", (d, i) => `translate(0,${y(i)})`);
  g.append("text")
    .attr("x", margin.left - 6)
    .attr("y", y.bandwidth() / 2)
    .attr("dy", "0.32em")
    .attr("text-anchor", "end")
    .each(function (d) {
      labelLines(d3.select(this), d.label, Math.round(margin.left / 6.4), y.step());
    });
  g.append("rect")
    .attr("x", x(0))
    .attr("height", y.bandwidth())
    .attr("width", (d) => Math.max(0, x(d.value) - x(0)))
    .attr("rx", 2)
    .attr("fill", (d) => d.color ?? color)
    .append("title")
    .text((d) => d.tooltip ?? `${d.label}: ${format(d.value)}`);
  // the interval: a whisker across the bar's end, with caps
  const whisker = g.filter(hasInterval).append("g").attr("stroke", "currentColor").attr("stroke-width", 1.2);
  whisker
    .append("line")
    .attr("x1", (d) => x(d.low))
    .attr("x2", (d) => x(d.high))
    .attr("y1", y.bandwidth() / 2)
    .attr("y2", y.bandwidth() / 2);
  for (const end of ["low", "high"])
    whisker
      .append("line")
      .attr("x1", (d) => x(d[end]))
      .attr("x2", (d) => x(d[end]))
      .attr("y1", y.bandwidth() / 2 - 4)
      .attr("y2", y.bandwidth() / 2 + 4);
  g.append("text")
    .attr("x", (d) => x(hasInterval(d) ? Math.max(d.value, d.high) : d.value) + 4)
    .attr("y", y.bandwidth() / 2)
    .attr("dy", "0.32em")
    .attr("class", "muted")
    .style("font-size", "10px")
    .text(valueText);
  if (reference) {
    svg
      .append("line")
      .attr("x1", x(reference.value))
      .attr("x2", x(reference.value))
      .attr("y1", margin.top - 4)
      .attr("y2", height - margin.bottom)
      .attr("stroke", "currentColor")
      .attr("stroke-dasharray", "4 3");
    svg
      .append("text")
      .attr("x", x(reference.value))
      .attr("y", 10)
      .attr("text-anchor", "middle")
      .style("font-size", "10px")
      .text(reference.label);
  }
  return figure(svg.node(), caption);
}
