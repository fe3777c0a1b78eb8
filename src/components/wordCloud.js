/**
 * A word cloud of product-description words (d3-cloud). Deterministic: the word frequencies are computed at
 * build time, the layout uses a seeded random generator, a fixed font and no rotation, so the same data draws
 * the same cloud.
 */
import * as d3 from "d3";
import cloud from "d3-cloud";
import { figure, seededRandom, svgFrame } from "./chart.js";
import { pct } from "./format.js";

const FONT = "Helvetica, Arial, sans-serif";

/**
 * @param {[string, number][]} words [word, weight], most frequent first; the weight is the share of order lines
 * @param {{width?: number, height?: number, color?: string, seed?: number, title?: string, caption?: string}} options
 * @returns {HTMLElement}
 */
export function wordCloud(
  words,
  {
    width = 480,
    height = 280,
    color = "var(--report-accent)",
    seed = 7,
    title = "Word cloud of product descriptions",
    caption,
  } = {},
) {
  const svg = svgFrame({
    width,
    height,
    title,
    description: `Most frequent words: ${words
      .slice(0, 15)
      .map(([w, n]) => `${w} (${pct(n)})`)
      .join(", ")}`,
  });
  svg
    .append("rect")
    .attr("x", 0.5)
    .attr("y", 0.5)
    .attr("width", width - 1)
    .attr("height", height - 1)
    .attr("rx", 6)
    .attr("fill", "none")
    .attr("stroke", "var(--theme-foreground-faintest)");
  const g = svg.append("g").attr("transform", `translate(${width / 2},${height / 2})`);
  const max = d3.max(words, (d) => d[1]) || 1;
  const size = d3.scaleSqrt([0, max], [0, Math.max(16, Math.min(44, width / 11))]);
  // the palest word (opacity 0.8 of the accent on white) keeps a contrast above 3:1
  const opacity = d3.scaleLinear([0, max], [0.8, 1]);
  cloud()
    .size([width, height])
    .words(words.map(([text, count]) => ({ text, count, size: Math.max(9, size(count)) })))
    .padding(2)
    .rotate(0)
    .font(FONT)
    .fontWeight(600)
    .fontSize((d) => d.size)
    .random(seededRandom(seed))
    .spiral("archimedean")
    .on("end", (placed) => {
      g.selectAll("text")
        .data(placed)
        .join("text")
        .attr("text-anchor", "middle")
        .attr("transform", (d) => `translate(${d.x},${d.y})`)
        .style("font", `600 ${0}px ${FONT}`)
        .style("font-size", (d) => `${d.size}px`)
        .style("fill", color)
        .style("fill-opacity", (d) => opacity(d.count))
        .text((d) => d.text)
        .append("title")
        .text((d) => `${d.text}: in ${pct(d.count)} of the order lines`);
    })
    .start();
  const unit = "Word size: the share of the order lines whose description has the word.";
  return figure(svg.node(), caption ? `${caption} ${unit}` : unit);
}
