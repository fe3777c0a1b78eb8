/** The strategy page's segment cards: name (linked to its page) with its colour, key figures, meaning, action, strategy. */
import * as d3 from "d3";
import { segmentColor } from "./colors.js";
import { int, money, num1, pct } from "./format.js";

/**
 * @param {{name: string, slug: string, customers: number, customer_share: number, revenue_share: number, aov: number,
 *   orders_per_year: number, median_recency: number, new_customers: {share: number}, lapsed_customers: {share: number},
 *   meaning: string, action: string, strategy: string}[]} segments
 * @param {{currency: string}} options
 * @returns {HTMLDivElement} a two-column grid of cards (all text set as text)
 */
export function strategyCards(segments, { currency }) {
  const fmtMoney = money(currency);
  const grid = d3.create("div").attr("class", "grid grid-cols-2");
  for (const d of segments) {
    const card = grid.append("div").attr("class", "card strategy-card");
    const h = card.append("h3");
    h.append("span").attr("class", "swatch").style("background", segmentColor(d.name));
    h.append("a").attr("href", `./segment/${d.slug}.html`).text(d.name);
    card
      .append("p")
      .attr("class", "note-small")
      .text(
        `${int(d.customers)} customers (${pct(d.customer_share)}) · ${pct(d.revenue_share)} of revenue · ${fmtMoney(d.aov)} per order · ` +
          `${num1(d.orders_per_year)} orders a year · last order a median ${int(d.median_recency)} days ago · ` +
          `new customers ${pct(d.new_customers.share)} · lapsed ${pct(d.lapsed_customers.share)}`,
      );
    card.append("p").text(d.meaning);
    const action = card.append("p");
    action.append("strong").text("Action: ");
    action.append("span").text(d.action);
    card.append("p").text(d.strategy);
  }
  return grid.node();
}
