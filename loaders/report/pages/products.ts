/** products.json: per k and segment (and for all customers), the top products, category revenue and word frequencies. */
import { CATEGORY_RULES } from "../categories.ts";
import type { GroupAggregates, ReportContext } from "../context.ts";
import { productNotes, rnd } from "../facts.ts";

function group(agg: GroupAggregates, label: number) {
  return {
    products: (agg.products.get(label) ?? []).map((p) => ({
      description: p.description,
      category: p.category,
      revenue: rnd(p.revenue),
      customers: p.customers,
      share: rnd(p.share, 5),
    })),
    categories: (agg.categories.get(label) ?? []).map((c) => ({
      category: c.category,
      revenue: rnd(c.revenue),
      share: rnd(c.share, 5),
    })),
    words: agg.words.get(label) ?? [],
  };
}

/**
 * Category preference: each segment's share of revenue in a category over all customers' share (1 = as everyone,
 * 2 = twice as much), for the categories of the overall mix; null where the overall share is 0.
 */
export function categoryPreference(
  ctx: ReportContext,
  k: number,
): { categories: string[]; segments: string[]; index: (number | null)[][] } {
  const overall = ctx.all.categories.get(-1) ?? [];
  const kd = ctx.byK.get(k)!;
  const categories = overall.map((c) => c.category);
  const index = kd.solution.names.map((_, j) => {
    const mine = new Map((kd.agg.categories.get(j) ?? []).map((c) => [c.category, c.share]));
    return overall.map((c) => (c.share > 0 ? rnd((mine.get(c.category) ?? 0) / c.share, 3) : null));
  });
  return { categories, segments: kd.solution.names, index };
}

export function productsData(ctx: ReportContext): Record<string, unknown> {
  const byK: Record<string, unknown> = {};
  const preference: Record<string, unknown> = {};
  for (const [k, kd] of ctx.byK) {
    byK[k] = kd.solution.names.map((name, j) => ({ name, ...group(kd.agg, j) }));
    if (ctx.available.categories) preference[k] = categoryPreference(ctx, k);
  }
  return {
    available: { products: ctx.available.products, categories: ctx.available.categories, words: ctx.available.words },
    notes: productNotes(ctx.available),
    category_source: ctx.category_source,
    category_rules: ctx.category_source === "description keywords" && ctx.available.categories ? CATEGORY_RULES : null,
    all: group(ctx.all, -1),
    by_k: byK,
    preference,
  };
}
