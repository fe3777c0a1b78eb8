/** A plain, formatted HTML table for any rows (values always shown as text). */
import * as d3 from "d3";

/**
 * @param {Record<string, any>[]} rows
 * @param {{columns: {key: string, label: string, format?: (v: any, row: any) => string, numeric?: boolean, long?: boolean,
 *   swatch?: (row: any) => string, href?: (row: any) => string | null}[], caption?: string,
 *   highlight?: (row: any) => boolean}} options
 * @returns {HTMLElement}
 */
export function dataTable(rows, { columns, caption, highlight } = {}) {
  const wrap = d3.create("div").attr("class", "table-scroll");
  const table = wrap.append("table").attr("class", "report-table");
  if (caption) table.append("caption").style("caption-side", "bottom").attr("class", "chart-caption").text(caption);
  table
    .append("thead")
    .append("tr")
    .selectAll("th")
    .data(columns)
    .join("th")
    .attr("scope", "col")
    .attr("class", (c) => (c.numeric ? "num" : null))
    .text((c) => c.label);
  const tr = table
    .append("tbody")
    .selectAll("tr")
    .data(rows)
    .join("tr")
    .attr("class", (r) => (highlight?.(r) ? "highlight" : null));
  for (const c of columns) {
    tr.append("td")
      .attr("class", c.numeric ? "num" : c.long ? "long" : null)
      .each(function (r) {
        const cell = d3.select(this);
        if (c.swatch) cell.append("span").attr("class", "swatch").style("background", c.swatch(r));
        const text = c.format ? c.format(r[c.key], r) : r[c.key] == null ? "–" : String(r[c.key]);
        const href = c.href?.(r);
        if (href) cell.append("a").attr("href", href).text(text);
        else cell.append("span").text(text);
      });
  }
  return wrap.node();
}
