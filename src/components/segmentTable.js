/**
 * The segment table: segment (with the share of its members for whom the name holds), share of customers, share
 * of revenue, a one-line description and the action.
 */
import * as d3 from "d3";
import { segmentColor } from "./colors.js";
import { int, money, pct } from "./format.js";
import { fitTable } from "./tableFit.js";

/**
 * @param {{name: string, href?: string, customers: number, customer_share: number, revenue: number,
 *   revenue_share: number, meaning?: string, description: string, action: string, name_holds?: number | null}[]}
 *   rows meaning: what the segment is, shown above the description (its medians); name_holds: share of members
 *   for whom every trait of the name holds (null: the name asserts none)
 * @param {{color?: (name: string) => string, currency?: string, caption?: string}} options
 * @returns {HTMLElement}
 */
export function segmentTable(rows, { color = segmentColor, currency = "£", caption } = {}) {
  const fmtMoney = money(currency);
  const wrap = d3.create("div").attr("class", "table-fit");
  const table = wrap.append("table").attr("class", "report-table");
  if (caption) table.append("caption").style("caption-side", "bottom").attr("class", "chart-caption").text(caption);
  const head = table.append("thead").append("tr");
  for (const [label, cls] of [
    ["Segment", ""],
    ["Customers", "num"],
    ["Revenue", "num"],
    ["Description", ""],
    ["Recommended action", ""],
  ])
    head.append("th").attr("class", cls).attr("scope", "col").text(label);
  const tr = table.append("tbody").selectAll("tr").data(rows).join("tr");
  const name = tr.append("td").attr("data-label", "Segment");
  name
    .append("span")
    .attr("class", "swatch")
    .style("background", (d) => color(d.name));
  name.each(function (d) {
    const cell = d3.select(this);
    if (d.href) cell.append("a").attr("href", d.href).text(d.name);
    else cell.append("span").text(d.name);
    if (d.name_holds != null)
      cell
        .append("div")
        .attr("class", "note-small name-holds")
        .text(`name holds for ${pct(d.name_holds)}`);
  });
  tr.append("td")
    .attr("class", "num")
    .attr("data-label", "Customers")
    .each(function (d) {
      const cell = d3.select(this);
      cell.append("div").style("font-weight", 600).text(pct(d.customer_share));
      cell.append("div").attr("class", "note-small").text(int(d.customers));
    });
  tr.append("td")
    .attr("class", "num")
    .attr("data-label", "Revenue")
    .each(function (d) {
      const cell = d3.select(this);
      cell.append("div").style("font-weight", 600).text(pct(d.revenue_share));
      cell.append("div").attr("class", "note-small").text(fmtMoney(d.revenue));
    });
  tr.append("td")
    .attr("class", "prose")
    .attr("data-label", "Description")
    .each(function (d) {
      const cell = d3.select(this);
      if (d.meaning) cell.append("div").text(d.meaning);
      cell
        .append("div")
        .attr("class", d.meaning ? "note-small" : null)
        .text(d.description);
    });
  tr.append("td")
    .attr("class", "prose")
    .attr("data-label", "Recommended action")
    .text((d) => d.action);
  return fitTable(wrap.node());
}
