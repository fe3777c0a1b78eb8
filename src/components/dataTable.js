/**
 * A plain, formatted HTML table for any rows (values always shown as text), fitted to its width (tableFit.js):
 * as it is, transposed (when `transpose` and the first column names a few rows), or one block per row.
 */
import * as d3 from "d3";
import { fitTable } from "./tableFit.js";

/** Transposed only up to this many rows: more would be as wide as the table. */
const MAX_TRANSPOSED_ROWS = 8;

/**
 * @param {Record<string, any>[]} rows
 * @param {{columns: {key: string, label: string, format?: (v: any, row: any) => string, numeric?: boolean, long?: boolean, prose?: boolean,
 *   swatch?: (row: any) => string, href?: (row: any) => string | null}[], caption?: string,
 *   highlight?: (row: any) => boolean, transpose?: boolean}} options transpose: offer the transposed layout (default
 *   true when there are at most 8 rows and more columns than rows)
 * @returns {HTMLElement}
 */
export function dataTable(rows, { columns, caption, highlight, transpose } = {}) {
  const wrap = d3.create("div").attr("class", "table-fit");
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
      .attr("class", c.numeric ? "num" : c.long ? "long" : c.prose ? "prose" : null)
      .attr("data-label", c.label)
      .each(function (r) {
        fillCell(d3.select(this), c, r);
      });
  }
  const twin = transpose ?? (rows.length > 0 && rows.length <= MAX_TRANSPOSED_ROWS && columns.length > rows.length + 1);
  if (twin) transposed(wrap, rows, columns, caption);
  return fitTable(wrap.node());
}

function fillCell(cell, c, r) {
  if (c.swatch) cell.append("span").attr("class", "swatch").style("background", c.swatch(r));
  const text = c.format ? c.format(r[c.key], r) : r[c.key] == null ? "–" : String(r[c.key]);
  const href = c.href?.(r);
  if (href) cell.append("a").attr("href", href).text(text);
  else cell.append("span").text(text);
}

/** The same table with rows and columns swapped: the first column's cells head the columns. */
function transposed(wrap, rows, columns, caption) {
  const [first, ...rest] = columns;
  const table = wrap.append("table").attr("class", "report-table transposed");
  if (caption) table.append("caption").style("caption-side", "bottom").attr("class", "chart-caption").text(caption);
  const head = table.append("thead").append("tr");
  head.append("th").attr("scope", "col").text(first.label);
  for (const r of rows) fillCell(head.append("th").attr("scope", "col").attr("class", "num"), first, r);
  const body = table.append("tbody");
  for (const c of rest) {
    const tr = body.append("tr");
    tr.append("th").attr("scope", "row").attr("data-label", first.label).text(c.label);
    for (const r of rows) fillCell(tr.append("td").attr("class", "num").attr("data-label", rowLabel(first, r)), c, r);
  }
}

const rowLabel = (first, r) => (first.format ? first.format(r[first.key], r) : String(r[first.key] ?? "–"));
