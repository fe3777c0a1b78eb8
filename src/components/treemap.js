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
  // labels wrap onto lines that fit the tile (about 6.6 px a character at 11 px); a line that cannot fit is left
  // out rather than cut (the description and the table list every segment)
  leaf.each(function (d) {
    const w = d.x1 - d.x0;
    const h = d.y1 - d.y0;
    const chars = Math.floor((w - 8) / 6.8);
    if (chars < 4 || h < 22) return;
    const lines = wrapWords(d.data.name, chars);
    const figures = `${pct(d.value / total)} · ${int(d.value)}`;
    if (lines.some((l) => l.length > chars)) return;
    const all = figures.length <= chars ? [...lines, figures] : lines;
    const fitting = all.slice(0, Math.max(0, Math.floor((h - 6) / 15)));
    if (fitting.length < lines.length) return;
    const text = d3
      .select(this)
      .append("text")
      .style("pointer-events", "none")
      .style("fill", textOn(color(d.data.name)));
    fitting.forEach((line, i) =>
      text
        .append("tspan")
        .attr("x", 5)
        .attr("y", 15 + 15 * i)
        .style("font-weight", i < lines.length ? 600 : null)
        .text(line),
    );
  });
  return figure(svg.node(), caption);
}

/** Words of `text` on lines of at most `max` characters (a longer word stays whole on its own line). */
function wrapWords(text, max) {
  const lines = [];
  for (const word of String(text).split(/\s+/)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= max) lines[last] += " " + word;
    else lines.push(word);
  }
  return lines;
}
