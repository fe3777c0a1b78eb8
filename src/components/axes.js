/**
 * Axes and legends shared by the chart components (not a chart itself): a gridded axis (its ticks drawn across
 * the plot as grid lines, no domain line), an axis title, and the HTML legend of swatches. All text from the data
 * is set with .text(), never parsed as HTML.
 */
import * as d3 from "d3";

/**
 * A bottom axis at `y` whose ticks run `length` up across the plot (class "grid", domain line removed).
 * @param {d3.Selection} svg
 * @param {d3.Axis} axis a configured d3.axisBottom (ticks, format)
 */
export function gridAxisX(svg, axis, { y, length }) {
  return svg
    .append("g")
    .attr("class", "grid")
    .attr("transform", `translate(0,${y})`)
    .call(axis.tickSize(-length))
    .call((g) => g.select(".domain").remove());
}

/**
 * A left axis at `x` whose ticks run `length` right across the plot (class "grid", domain line removed).
 * @param {d3.Selection} svg
 * @param {d3.Axis} axis a configured d3.axisLeft (ticks, format)
 */
export function gridAxisY(svg, axis, { x, length }) {
  return svg
    .append("g")
    .attr("class", "grid")
    .attr("transform", `translate(${x},0)`)
    .call(axis.tickSize(-length))
    .call((g) => g.select(".domain").remove());
}

/**
 * An axis title (class "axis-label") at (x, y): `anchor` "end" puts it left of the point (an x title at the plot's
 * right end); `rotate` turns it to run up the left side from (x, y).
 */
export function axisTitle(svg, text, { x, y, anchor = null, rotate = false }) {
  const label = svg.append("text").attr("class", "axis-label");
  if (rotate) label.attr("transform", `translate(${x},${y}) rotate(-90)`);
  else label.attr("x", x).attr("y", y);
  if (anchor) label.attr("text-anchor", anchor);
  return label.text(text);
}

/** A legend: one swatch and label per item ({label, color, shape?: "square" | "outline" | "line"}). */
export function legend(items) {
  const div = d3.create("div").attr("class", "legend");
  for (const item of items) {
    const span = div.append("span");
    const sw = span.append("span").attr("class", "swatch");
    if (item.shape === "outline") sw.style("border", `2px solid ${item.color}`).style("box-sizing", "border-box");
    else if (item.shape === "line")
      sw.style("height", "3px").style("vertical-align", "0.25em").style("background", item.color);
    else sw.style("background", item.color);
    span.append("span").text(item.label);
  }
  return div.node();
}
