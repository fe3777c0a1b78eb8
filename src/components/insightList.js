/** The ranked insights as an ordered list, each with a link to the page holding its evidence. */
import * as d3 from "d3";

/**
 * @param {{id: string, rank: number, text: string, page: string, anchor: string}[]} insights ranked
 * @param {{limit?: number, base?: string}} options base: the relative path to the site root ("./" or "../")
 * @returns {HTMLOListElement}
 */
export function insightList(insights, { limit = 5, base = "./" } = {}) {
  const ol = d3.create("ol").attr("class", "insights");
  const li = ol
    .selectAll("li")
    .data(insights.slice(0, limit))
    .join("li")
    .attr("id", (d) => `insight-${d.id}`);
  li.append("span").text((d) => d.text);
  li.append("a")
    .attr("class", "evidence no-print")
    .attr("href", (d) => `${base}${d.page ? `${d.page}.html` : "index.html"}${d.anchor ? `#${d.anchor}` : ""}`)
    .text("See the evidence →");
  return ol.node();
}
