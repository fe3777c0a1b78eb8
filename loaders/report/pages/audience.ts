/**
 * audience.json: what the extra tables of a multi-table input (or a channel column) add, per k and segment and for
 * all customers: orders by sales channel, customers by age range and the other demographic columns of the customer
 * table, the days from signup to the first order, and the stores each customer ordered in. A section whose data is absent
 * is left out (`shown`) and listed in the methodology page's "what this data cannot show" (AUDIENCE_SECTIONS).
 */
import { shownSections, type Section } from "../../capabilities.ts";
import type { GroupAggregates, ReportContext } from "../context.ts";
import { rnd, rndSpread } from "../facts.ts";

/** The page's sections and what each needs (the page itself needs one of them, registry.ts). */
export const AUDIENCE_SECTIONS: readonly Section[] = [
  { id: "channels", name: "Orders by channel", needs: ["channels"] },
  { id: "demographics", name: "Who the customers are", needs: ["demographics"] },
  { id: "signup", name: "From signup to first order", needs: ["signup_dates", "transactions"] },
  { id: "stores", name: "Stores per customer", needs: ["stores"] },
];

function group(ctx: ReportContext, agg: GroupAggregates, label: number) {
  const channels = agg.channels.get(label) ?? [];
  const orders = channels.reduce((s, c) => s + c.orders, 0);
  const demographics = agg.demographics.get(label) ?? {};
  const signup = agg.signup.get(label);
  const stores = agg.stores.get(label);
  return {
    channels: channels.map((c) => ({
      channel: c.channel,
      orders: c.orders,
      revenue: rnd(c.revenue),
      share: rnd(orders ? c.orders / orders : 0, 5),
    })),
    demographics: Object.fromEntries(
      ctx.available.demographics.map((attribute) => {
        const values = demographics[attribute] ?? [];
        const total = values.reduce((s, v) => s + v.customers, 0);
        return [
          attribute,
          values.map((v) => ({
            value: v.value,
            customers: v.customers,
            share: rnd(total ? v.customers / total : 0, 5),
          })),
        ];
      }),
    ),
    signup: signup ? { ...rndSpread(signup, 1), before: signup.before } : null,
    stores: stores
      ? {
          ...stores,
          mean: rnd(stores.mean, 2),
          share_one: rnd(stores.in_store ? stores.one / stores.in_store : 0, 5),
          share_several: rnd(stores.in_store ? (stores.two + stores.three_plus) / stores.in_store : 0, 5),
        }
      : null,
  };
}

export function audienceData(ctx: ReportContext): Record<string, unknown> {
  const a = ctx.available;
  const byK: Record<string, unknown> = {};
  for (const [k, kd] of ctx.byK) byK[k] = kd.solution.names.map((name, j) => ({ name, ...group(ctx, kd.agg, j) }));
  const counts = ctx.ingest.tables?.counts ?? null;
  return {
    available: { channel: a.channel, demographics: a.demographics, signup: a.signup, store: a.store },
    shown: shownSections(ctx.capabilities, AUDIENCE_SECTIONS),
    // the multi-table input's customers table (tables.customers), not a customer-level input
    customers_table:
      counts && counts.table_customers !== null
        ? {
            rows: counts.table_customers,
            not_in_table: counts.customers_not_in_table,
            without_orders: counts.table_customers_without_orders,
          }
        : null,
    all: group(ctx, ctx.all, -1),
    by_k: byK,
  };
}
