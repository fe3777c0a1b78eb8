/**
 * audience.json: what the extra tables of a multi-table input (or a channel column) add, per k and segment and for
 * all customers: orders by sales channel, customers by age range and the other demographic columns of the customer
 * table, the days from signup to the first order, and the stores each customer ordered in. Each section whose data is absent carries a one-line note
 * instead, and the page leaves it out.
 */
import type { GroupAggregates, ReportContext } from "../context.ts";
import { rnd, rndSpread } from "../facts.ts";

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
    notes: {
      channel: a.channel
        ? null
        : "Not available: the data has no sales channel (columns.channel, or channel in the orders table).",
      demographics: a.demographics.length
        ? null
        : "Not available: there is no customer table with an age range or other demographic columns (tables.customers).",
      signup: a.signup ? null : "Not available: there is no signup date (tables.customers, column signup_date).",
      store: a.store
        ? null
        : "Not available: the data has no store column (columns.store, or store in the orders table).",
    },
    customer_table:
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
