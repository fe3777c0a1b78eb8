/** products.json: per k and segment (and for all customers), the top products, category revenue and word frequencies. */
import { CATEGORY_RULES } from "../categories.ts";
import type { GroupAggregates, ReportContext } from "../context.ts";
import { rnd } from "./common.ts";

function group(agg: GroupAggregates, label: number) {
  return {
    products: (agg.products.get(label) ?? []).map((p) => ({
      description: p.description,
      category: p.category,
      revenue: rnd(p.revenue),
      customers: p.customers,
      share: rnd(p.share, 5),
    })),
    categories: (agg.categories.get(label) ?? []).map((c) => ({ category: c.category, revenue: rnd(c.revenue), share: rnd(c.share, 5) })),
    words: agg.words.get(label) ?? [],
  };
}

export function productsData(ctx: ReportContext): Record<string, unknown> {
  const byK: Record<string, unknown> = {};
  for (const [k, kd] of ctx.byK) byK[k] = kd.solution.names.map((name, j) => ({ name, ...group(kd.agg, j) }));
  return {
    category_source: ctx.category_source,
    category_rules: ctx.category_source === "description keywords" ? CATEGORY_RULES : null,
    all: group(ctx.all, -1),
    by_k: byK,
  };
}
